// Small pieces every page uses: labelled fields whose API errors appear beside them, a confirmation
// dialog, a server-paged table, a notice line and a secret shown once.
import { ApiError } from "./api.js";
import { h, replaceChildren, uid } from "./dom.js";
import { href } from "./router.js";

/**
 * A labelled input. `name` is also the API's field name, so a problem naming it is shown under it.
 * kind: "text", "password", "number", "checkbox", "select" (options: [[value, label]]), "textarea".
 */
export function field(label, name, { kind = "text", value = "", options = [], hint, ...rest } = {}) {
  const id = uid(name.replace(/[^A-Za-z0-9]/g, "-"));
  const errorId = id + "-error";
  const common = { id, name, "aria-describedby": errorId, ...rest };
  let input;
  if (kind === "select") {
    input = h(
      "select",
      common,
      options.map(([v, text]) => h("option", { value: v, selected: String(v) === String(value) }, text)),
    );
  } else if (kind === "textarea") {
    input = h("textarea", { ...common, rows: rest.rows ?? 3 }, value);
  } else if (kind === "checkbox") {
    input = h("input", { ...common, type: "checkbox", checked: Boolean(value) });
    return h(
      "div",
      { class: "field checkbox", dataset: { field: name } },
      h("label", { for: id }, input, " ", label),
      hint ? h("small", { class: "hint" }, hint) : null,
      h("div", { class: "field-error", id: errorId, role: "alert" }),
    );
  } else {
    input = h("input", { ...common, type: kind, value });
  }
  return h(
    "div",
    { class: "field", dataset: { field: name } },
    h("label", { for: id }, label),
    input,
    hint ? h("small", { class: "hint" }, hint) : null,
    h("div", { class: "field-error", id: errorId, role: "alert" }),
  );
}

/** The values of a form's named inputs (checkboxes as booleans). */
export function values(form) {
  const out = {};
  for (const element of form.querySelectorAll("input[name], select[name], textarea[name]")) {
    out[element.name] = element.type === "checkbox" ? element.checked : element.value;
  }
  return out;
}

/**
 * A form that runs `submit(values)` and shows an API error beside the field it names (a JSON path
 * such as subscriptions[1].filter is shown at its list's field), or above the buttons otherwise.
 * While it runs, the submit button is disabled and says so (a long operation shows progress).
 */
export function form(children, submit, { label = "Save", cancel } = {}) {
  const status = h("div", { class: "form-error", role: "alert" });
  const button = h("button", { type: "submit", class: "primary" }, label);
  const element = h(
    "form",
    { novalidate: true },
    children,
    status,
    h(
      "div",
      { class: "buttons" },
      button,
      cancel ? h("button", { type: "button", onclick: cancel }, "Cancel") : null,
    ),
  );
  element.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(element);
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    try {
      await submit(values(element), element);
    } catch (error) {
      showError(element, error);
    } finally {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
  });
  return element;
}

function clearErrors(formElement) {
  for (const e of formElement.querySelectorAll(".field-error, .form-error")) e.textContent = "";
  for (const e of formElement.querySelectorAll("[aria-invalid]")) e.removeAttribute("aria-invalid");
}

/** Shows an error in a form: beside its field when the API named one that the form has. */
export function showError(formElement, error) {
  const message = error instanceof ApiError ? error.message : String(error?.message ?? error);
  if (error instanceof ApiError && error.field) {
    const base = error.field.replace(/[[.].*$/, "");
    const holder =
      formElement.querySelector(`[data-field="${CSS.escape(error.field)}"]`) ??
      formElement.querySelector(`[data-field="${CSS.escape(base)}"]`);
    if (holder) {
      holder.querySelector(".field-error").textContent = `${error.field}: ${message}`;
      const input = holder.querySelector("input, select, textarea");
      input?.setAttribute("aria-invalid", "true");
      input?.focus();
      return;
    }
  }
  formElement.querySelector(".form-error").textContent = message;
}

/** Asks before a destructive action; resolves true when confirmed. Escape cancels. */
export function confirmAction(title, lines, { action = "Delete" } = {}) {
  return new Promise((resolve) => {
    const dialog = h(
      "dialog",
      { class: "confirm", "aria-labelledby": "confirm-title" },
      h("h2", { id: "confirm-title" }, title),
      h("ul", {}, lines.map((line) => h("li", {}, line))),
      h(
        "div",
        { class: "buttons" },
        h("button", { type: "button", class: "danger", value: "yes", onclick: () => close(true) }, action),
        h("button", { type: "button", value: "no", onclick: () => close(false), autofocus: true }, "Cancel"),
      ),
    );
    function close(answer) {
      dialog.close();
      dialog.remove();
      resolve(answer);
    }
    dialog.addEventListener("cancel", () => close(false));
    document.body.append(dialog);
    dialog.showModal();
  });
}

/** A line that says what happened (or went wrong), read out by screen readers. */
export function notice() {
  const element = h("p", { class: "notice", role: "status", "aria-live": "polite" });
  return {
    element,
    ok(text) {
      element.className = "notice ok";
      element.textContent = text;
    },
    error(error) {
      element.className = "notice error";
      element.textContent = error?.message ?? String(error);
    },
    clear() {
      element.className = "notice";
      element.textContent = "";
    },
  };
}

/** A secret the server shows once (a generated password, an API key's token). */
export function secretBox(title, entries) {
  return h(
    "section",
    { class: "secret", "aria-label": title },
    h("h3", {}, title),
    h("p", {}, "Shown once: copy it now; the server keeps only a hash."),
    h(
      "dl",
      {},
      entries.map(([name, value]) => [
        h("dt", {}, name),
        h("dd", {}, h("code", { class: "secret-value", dataset: { name } }, value)),
      ]),
    ),
  );
}

/**
 * A table of one page of a server list. columns: [[heading, item => cell]]; `page` is the API's
 * {items, nextCursor}; `route` the page and its parameters, so that "Next" is a link (the cursor
 * goes in the URL: reload and back show the same page).
 */
export function pagedTable(caption, columns, page, route, { empty = "Nothing here yet." } = {}) {
  const items = page.items ?? [];
  const table = h(
    "table",
    {},
    h("caption", {}, caption),
    h("thead", {}, h("tr", {}, columns.map(([heading]) => h("th", { scope: "col" }, heading)))),
    h(
      "tbody",
      {},
      items.length === 0
        ? h("tr", {}, h("td", { colspan: columns.length, class: "empty" }, empty))
        : items.map((item) =>
            h(
              "tr",
              { dataset: { key: item.clientId ?? item.name ?? item.id ?? item.topic ?? "" } },
              columns.map(([heading, cell]) => h("td", { "data-label": heading }, cell(item))),
            ),
          ),
    ),
  );
  const { page: name, params } = route;
  const pager = h(
    "nav",
    { class: "pager", "aria-label": caption + " pages" },
    params.cursor ? h("a", { href: href(name, { ...params, cursor: "" }) }, "« First page") : null,
    page.nextCursor ? h("a", { href: href(name, { ...params, cursor: page.nextCursor }), rel: "next" }, "Next page »") : null,
  );
  return h("div", { class: "table-wrap" }, table, pager);
}

/** A filter bar whose inputs go into the URL on submit (the server filters). */
export function filterBar(fields, route, navigateTo) {
  const element = h(
    "form",
    { class: "filters", role: "search", "aria-label": "Filters" },
    fields,
    h("button", { type: "submit" }, "Filter"),
  );
  element.addEventListener("submit", (event) => {
    event.preventDefault();
    const next = { ...route.params, ...values(element), cursor: "" };
    for (const [k, v] of Object.entries(next)) if (v === false) next[k] = "";
    navigateTo(route.page, next);
  });
  return element;
}

/** Text of a pill: green for ok, grey otherwise. */
export function pill(text, ok) {
  return h("span", { class: ok ? "pill ok" : "pill off" }, text);
}
