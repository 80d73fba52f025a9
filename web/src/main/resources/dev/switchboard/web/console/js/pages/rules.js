// Access rules in the order the broker evaluates them (ascending priority): the hub's global rules,
// or one device's; add and delete.
import { api, hubPath } from "../api.js";
import { h, replaceChildren } from "../dom.js";
import { confirmAction, field, filterBar, form, notice, pill } from "../ui.js";

export async function rules(ctx) {
  const { hub, main, route } = ctx;
  const device = route.params.device ?? "";
  document.title = "Access rules — Switchboard";
  const status = notice();
  const verdict = notice();
  const list = await api("GET", hubPath(hub, "/rules"), undefined, { query: { device } });
  const items = [...list.items].sort((a, b) => a.priority - b.priority || a.id - b.id);

  async function remove(rule) {
    const ok = await confirmAction(`Delete rule ${rule.id}?`, [
      `${rule.action} ${rule.operation} ${rule.filter} (priority ${rule.priority})${rule.device ? ` of device ${rule.device}` : ", a global rule"}`,
      "connected clients are checked against the rules that remain",
    ]);
    if (!ok) return;
    try {
      await api("DELETE", hubPath(hub, `/rules/${rule.id}`));
      ctx.refresh();
    } catch (error) {
      status.error(error);
    }
  }

  replaceChildren(
    main,
    h("h1", {}, "Access rules"),
    h(
      "p",
      { class: "hint" },
      "Evaluated by ascending priority; the first allow or deny that matches decides. ",
      h("code", {}, "%c"),
      " stands for the client id, ",
      h("code", {}, "%u"),
      " for the user name.",
    ),
    filterBar([field("Device (empty: the hub's global rules)", "device", { value: device })], route, ctx.navigate),
    status.element,
    h(
      "table",
      {},
      h("caption", {}, device ? `Rules of device ${device}, in order` : `Global rules of hub ${hub}, in order`),
      h("thead", {}, h("tr", {}, ["Priority", "Action", "Operation", "Filter", "Label", "Actions"].map((t) => h("th", { scope: "col" }, t)))),
      h(
        "tbody",
        {},
        items.length
          ? items.map((r) =>
              h(
                "tr",
                { dataset: { key: String(r.id) } },
                h("td", { "data-label": "Priority" }, String(r.priority)),
                h("td", { "data-label": "Action" }, pill(r.action, r.action === "allow")),
                h("td", { "data-label": "Operation" }, r.operation),
                h("td", { "data-label": "Filter" }, h("code", {}, r.filter)),
                h("td", { "data-label": "Label" }, r.label ?? ""),
                h("td", { "data-label": "Actions" }, h("button", { type: "button", class: "danger", onclick: () => remove(r), "aria-label": `Delete rule ${r.id}` }, "Delete")),
              ),
            )
          : h("tr", {}, h("td", { colspan: 6, class: "empty" }, "No rules: everything is allowed (the default).")),
      ),
    ),
    h("h2", {}, "Would this client be allowed?"),
    h(
      "p",
      { class: "hint" },
      "Asks the broker's own authorizer, as if the client had logged in with the device's credentials (no device: the global rules only).",
    ),
    verdict.element,
    form(
      [
        h(
          "div",
          { class: "row" },
          field("Device", "device", { value: device, autocomplete: "off" }),
          field("Client id (default: the device's)", "clientId", { autocomplete: "off" }),
          field("Operation", "operation", { kind: "select", options: [["publish", "publish"], ["subscribe", "subscribe"]] }),
        ),
        field("Topic (a filter, to subscribe)", "topic", { required: true, autocomplete: "off" }),
      ],
      async (v) => {
        const body = { operation: v.operation, topic: v.topic };
        if (v.device) body.device = v.device;
        if (v.clientId) body.clientId = v.clientId;
        const answer = await api("POST", hubPath(hub, "/rules/check"), body);
        const text = `${answer.operation} ${answer.topic}: ${answer.explanation}`;
        if (answer.allowed) verdict.ok(text);
        else verdict.error({ message: text });
      },
      { label: "Check" },
    ),
    h("h2", {}, "Add a rule"),
    form(
      [
        h(
          "div",
          { class: "row" },
          field("Priority", "priority", { kind: "number", value: String((items.at(-1)?.priority ?? 0) + 10) }),
          field("Action", "action", { kind: "select", options: [["allow", "allow"], ["deny", "deny"], ["continue", "continue"]] }),
          field("Operation", "operation", { kind: "select", options: [["all", "publish and subscribe"], ["publish", "publish"], ["subscribe", "subscribe"]] }),
        ),
        field("Topic filter", "filter", { required: true, autocomplete: "off" }),
        field("Label", "label"),
      ],
      async (v) => {
        const body = { priority: Number(v.priority), action: v.action, operation: v.operation, filter: v.filter };
        if (v.label) body.label = v.label;
        if (device) body.device = device;
        await api("POST", hubPath(hub, "/rules"), body);
        ctx.refresh();
      },
      { label: "Add rule" },
    ),
  );
}
