// Stashes: logs of the messages that match a filter (MyQttHub's stashes). The list with each one's
// usage; add, edit (filter, client ids, limits, on/off), clear and remove; and one stash's page:
// its entries in a time range, page by page, downloaded as JSON, NDJSON or CSV over a frame, and
// selected entries or a range re-sent.
import { api, hubPath, queryString } from "../api.js";
import { h, number, replaceChildren, time } from "../dom.js";
import { href } from "../router.js";
import { show } from "../payload.js";
import { confirmAction, field, filterBar, form, notice, pill } from "../ui.js";

const FRAMES = [
  ["", "the time range above (default: everything)"],
  ["30m", "the last 30 minutes"],
  ["1h", "the last hour"],
  ["1d", "the last day"],
  ["1w", "the last week"],
];

function stashPath(hub, name, rest = "") {
  return hubPath(hub, `/stashes/${encodeURIComponent(name)}${rest}`);
}

function lines(text) {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
}

/** "0" means none: the API's limits as a person reads them. */
function limit(value, unit = "") {
  return value ? `${number(value)}${unit}` : "none";
}

/** The fields a stash is made or changed with (the name only when it is made). */
function stashFields(stash) {
  return [
    field("Topic filter", "filter", { value: stash.filter ?? "", required: true, autocomplete: "off" }),
    field("Only these client ids (one a line; empty: every publisher)", "clientIds", {
      kind: "textarea",
      value: (stash.clientIds ?? []).join("\n"),
    }),
    h(
      "div",
      { class: "row" },
      field("Entries at most (0: none)", "maxEntries", { kind: "number", min: 0, value: String(stash.limits?.entries ?? 100000) }),
      field("Payload bytes at most (0: none)", "maxBytes", { kind: "number", min: 0, value: String(stash.limits?.bytes ?? 67108864) }),
      field("Age at most, seconds (0: none)", "maxAgeSeconds", { kind: "number", min: 0, value: String(stash.limits?.ageSeconds ?? 0) }),
    ),
    field("On: matching messages are appended", "enabled", { kind: "checkbox", value: stash.enabled ?? true }),
  ];
}

function stashBody(v) {
  return {
    filter: v.filter,
    clientIds: lines(v.clientIds),
    maxEntries: Number(v.maxEntries),
    maxBytes: Number(v.maxBytes),
    maxAgeSeconds: Number(v.maxAgeSeconds),
    enabled: v.enabled,
  };
}

/** The hub's stashes: usage, add, edit, clear, remove. */
export async function stashes(ctx) {
  const { hub, main } = ctx;
  document.title = "Stashes — Switchboard";
  const status = notice();
  const editor = h("div", { class: "editor" });
  const holder = h("div", {});

  async function refreshTable() {
    const list = await api("GET", hubPath(hub, "/stashes"));
    replaceChildren(holder, table(list.items));
  }

  async function act(promise, done) {
    status.clear();
    try {
      const text = await promise();
      status.ok(text ?? done);
      await refreshTable();
    } catch (error) {
      status.error(error);
    }
  }

  function showAdd() {
    replaceChildren(
      editor,
      h("h2", {}, "Add a stash"),
      form(
        [field("Name (letters, digits, '.', '_', '-')", "name", { required: true, autocomplete: "off" }), ...stashFields({})],
        async (v) => {
          const made = await api("POST", hubPath(hub, "/stashes"), { name: v.name, ...stashBody(v) });
          replaceChildren(editor);
          status.ok(`Stash ${made.name} added: it keeps what matches ${made.filter} from now on.`);
          await refreshTable();
        },
        { label: "Add stash", cancel: () => replaceChildren(editor) },
      ),
    );
    editor.querySelector("input")?.focus();
  }

  function showEdit(stash) {
    replaceChildren(
      editor,
      h("h2", {}, `Edit ${stash.name}`),
      form(
        stashFields(stash),
        async (v) => {
          await api("PATCH", stashPath(hub, stash.name), stashBody(v));
          replaceChildren(editor);
          status.ok(`Stash ${stash.name} saved; new limits apply at the next message appended.`);
          await refreshTable();
        },
        { label: "Save", cancel: () => replaceChildren(editor) },
      ),
    );
    editor.querySelector("input")?.focus();
  }

  async function clear(stash) {
    const ok = await confirmAction(
      `Clear stash ${stash.name}?`,
      [`its ${number(stash.usage.entries)} entries are deleted`, "the stash stays, and keeps appending"],
      { action: "Clear" },
    );
    if (!ok) return;
    await act(async () => {
      const answer = await api("POST", stashPath(hub, stash.name, "/clear"));
      return `Stash ${stash.name}: ${number(answer.cleared)} entries deleted.`;
    });
  }

  async function remove(stash) {
    const ok = await confirmAction(`Remove stash ${stash.name}?`, [
      `its definition (filter ${stash.filter})`,
      `its ${number(stash.usage.entries)} entries`,
    ]);
    if (!ok) return;
    await act(async () => {
      await api("DELETE", stashPath(hub, stash.name));
      return `Stash ${stash.name} removed.`;
    });
  }

  function table(items) {
    const headings = ["Name", "Filter", "Client ids", "Status", "Entries", "Bytes", "Dropped", "Limits", "Actions"];
    return h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        {},
        h("caption", {}, `Stashes of hub ${hub}`),
        h("thead", {}, h("tr", {}, headings.map((t) => h("th", { scope: "col" }, t)))),
        h(
          "tbody",
          {},
          items.length
            ? items.map((s) =>
                h(
                  "tr",
                  { dataset: { key: s.name } },
                  h("td", { "data-label": "Name" }, h("a", { href: href("stash", { hub, name: s.name }) }, s.name)),
                  h("td", { "data-label": "Filter" }, h("code", {}, s.filter)),
                  h("td", { "data-label": "Client ids" }, s.clientIds.length ? s.clientIds.join(", ") : "every publisher"),
                  h("td", { "data-label": "Status" }, pill(s.enabled ? "on" : "off", s.enabled)),
                  h("td", { "data-label": "Entries", class: "entries" }, number(s.usage.entries)),
                  h("td", { "data-label": "Bytes" }, number(s.usage.bytes)),
                  h("td", { "data-label": "Dropped" }, number(s.usage.dropped)),
                  h(
                    "td",
                    { "data-label": "Limits" },
                    `${limit(s.limits.entries)} entries, ${limit(s.limits.bytes, " B")}, age ${limit(s.limits.ageSeconds, " s")}`,
                  ),
                  h(
                    "td",
                    { "data-label": "Actions", class: "actions" },
                    h("a", { href: href("stash", { hub, name: s.name }) }, "Entries"),
                    h("button", { type: "button", onclick: () => showEdit(s), "aria-label": `Edit ${s.name}` }, "Edit"),
                    h("button", { type: "button", onclick: () => clear(s), "aria-label": `Clear ${s.name}` }, "Clear"),
                    h("button", { type: "button", class: "danger", onclick: () => remove(s), "aria-label": `Remove ${s.name}` }, "Remove"),
                  ),
                ),
              )
            : h("tr", {}, h("td", { colspan: headings.length, class: "empty" }, "No stashes yet: add one to keep the messages of a filter.")),
        ),
      ),
    );
  }

  await refreshTable();
  replaceChildren(
    main,
    h("h1", {}, "Stashes"),
    h(
      "p",
      { class: "hint" },
      "A stash keeps the messages whose topic matches its filter (after authorization, from MQTT and the device API), oldest dropped first at its limits, to browse, download and re-send.",
    ),
    h("div", { class: "toolbar" }, h("button", { type: "button", class: "primary", onclick: showAdd }, "Add a stash")),
    status.element,
    editor,
    holder,
  );
}

/** One stash: its entries in a time range (cursor paged), download, re-send. */
export async function stash(ctx) {
  const { hub, main, route } = ctx;
  const { name, from = "", to = "", cursor = "" } = route.params;
  document.title = `Stash ${name} — Switchboard`;
  if (!name) {
    ctx.navigate("stashes", { hub }, { replace: true });
    return;
  }
  const status = notice();
  const format = route.params.format ?? "text";
  const [definition, page] = await Promise.all([
    api("GET", stashPath(hub, name)),
    api("GET", stashPath(hub, name, "/entries"), undefined, { query: { from, to, cursor, limit: route.params.limit ?? 50 } }),
  ]);
  const selected = new Set();

  function selectedSeqs() {
    return [...selected].sort((a, b) => a - b);
  }

  const entries = h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "entries" },
      h("caption", {}, `Entries of ${name}${from || to ? ` from ${from || "the first"} to ${to || "now"}` : ""}`),
      h(
        "thead",
        {},
        h("tr", {}, ["Select", "Seq", "Received", "Client id", "Topic", "QoS", "Retain", "Payload"].map((t) => h("th", { scope: "col" }, t))),
      ),
      h(
        "tbody",
        {},
        page.items.length
          ? page.items.map((e) =>
              h(
                "tr",
                { dataset: { key: String(e.seq) } },
                h(
                  "td",
                  { "data-label": "Select" },
                  h("input", {
                    type: "checkbox",
                    "aria-label": `Select entry ${e.seq}`,
                    onchange: (event) => (event.target.checked ? selected.add(e.seq) : selected.delete(e.seq)),
                  }),
                ),
                h("td", { "data-label": "Seq" }, String(e.seq)),
                h("td", { "data-label": "Received" }, h("time", { datetime: e.receivedAt }, time(e.receivedAt))),
                h("td", { "data-label": "Client id" }, e.clientId),
                h("td", { "data-label": "Topic" }, h("code", {}, e.topic)),
                h("td", { "data-label": "QoS" }, String(e.qos)),
                h("td", { "data-label": "Retain" }, e.retain ? "yes" : "no"),
                h("td", { "data-label": "Payload" }, h("code", { class: "payload" }, show({ payloadBase64: e.payload }, format))),
              ),
            )
          : h("tr", {}, h("td", { colspan: 8, class: "empty" }, "No entries in this range.")),
      ),
    ),
    h(
      "nav",
      { class: "pager", "aria-label": "Entries pages" },
      cursor ? h("a", { href: href("stash", { ...route.params, cursor: "" }) }, "« First page") : null,
      page.nextCursor ? h("a", { href: href("stash", { ...route.params, cursor: page.nextCursor }), rel: "next" }, "Next page »") : null,
    ),
  );

  const downloadLink = h("a", { class: "download", download: "" }, "Download");
  function updateDownload(formElement) {
    const v = Object.fromEntries(new FormData(formElement));
    const range = v.frame ? { frame: v.frame } : { from, to };
    downloadLink.href = `/api/v1${stashPath(hub, name, "/download")}${queryString({ format: v.format, ...range })}`;
    downloadLink.textContent = `Download ${name}.${v.format === "ndjson" ? "ndjson" : v.format}`;
  }
  const downloadForm = h(
    "form",
    { class: "download-form", onchange: (e) => updateDownload(e.currentTarget), onsubmit: (e) => e.preventDefault() },
    h(
      "div",
      { class: "row" },
      field("Format", "format", { kind: "select", options: [["json", "JSON"], ["ndjson", "NDJSON (a line each)"], ["csv", "CSV"]] }),
      field("Frame", "frame", { kind: "select", options: FRAMES }),
    ),
    downloadLink,
  );
  updateDownload(downloadForm);

  const resendForm = form(
    [
      field("Which", "which", {
        kind: "select",
        options: [
          ["selected", "the entries selected above"],
          ["range", "every entry of the time range above (or the frame)"],
        ],
      }),
      field("Frame (with the range)", "frame", { kind: "select", options: FRAMES }),
      h(
        "div",
        { class: "row" },
        field("To topic (empty: each to its own)", "topic", { autocomplete: "off" }),
        field("Messages a second (0: no limit)", "rate", { kind: "number", min: 0, value: "0" }),
      ),
    ],
    async (v) => {
      const body = { rate: Number(v.rate) };
      if (v.topic) body.topic = v.topic;
      if (v.which === "selected") {
        if (selected.size === 0) throw new Error("Select the entries to re-send first.");
        body.seqs = selectedSeqs();
      } else if (v.frame) {
        body.frame = v.frame;
      } else {
        body.from = from || new Date(0).toISOString(); // no range: every entry
        if (to) body.to = to;
      }
      const answer = await api("POST", stashPath(hub, name, "/resend"), body);
      status.ok(`Re-sent ${number(answer.resent)} messages${v.topic ? ` to ${v.topic}` : ""}.`);
    },
    { label: "Re-send" },
  );

  const usage = definition.usage;
  replaceChildren(
    main,
    h("h1", {}, `Stash ${name}`),
    h("p", {}, h("a", { href: href("stashes", { hub }) }, "« All stashes")),
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, "Filter"),
      h("dd", {}, h("code", {}, definition.filter)),
      h("dt", {}, "Status"),
      h("dd", {}, pill(definition.enabled ? "on" : "off", definition.enabled)),
      h("dt", {}, "Usage"),
      h("dd", { class: "usage" }, `${number(usage.entries)} entries, ${number(usage.bytes)} bytes, ${number(usage.dropped)} dropped`),
    ),
    filterBar(
      [
        h(
          "div",
          { class: "row" },
          field("From (ISO-8601, e.g. 2026-12-07T10:00:00Z)", "from", { value: from, autocomplete: "off" }),
          field("To", "to", { value: to, autocomplete: "off" }),
          field("Payload as", "format", { kind: "select", value: format, options: [["text", "text"], ["json", "JSON"], ["hex", "hex"], ["base64", "base64"]] }),
        ),
      ],
      route,
      ctx.navigate,
    ),
    status.element,
    entries,
    h("h2", {}, "Download"),
    downloadForm,
    h("h2", {}, "Re-send"),
    h("p", { class: "hint" }, "Re-sent messages are published in this hub, not retained, and not stashed again."),
    resendForm,
  );
}
