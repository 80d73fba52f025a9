// The quota inspector: every device's usage of each window (minute, hour, day, month) against its
// limits, live over the hub's usage stream (a snapshot every 2 s), sortable by any window; and the
// hub's defaults (measurer size, the devices' default limits), edited in place. Sort and filter
// are in the URL.
import { api, hubPath, queryString } from "../api.js";
import { h, number, replaceChildren } from "../dom.js";
import { href } from "../router.js";
import { field, filterBar, form } from "../ui.js";

const WINDOWS = ["minute", "hour", "day", "month"];
const SORTS = [["clientId", "client id"], ["minute", "minute"], ["hour", "hour"], ["day", "day"], ["month", "month"], ["refused", "refused"], ["dropped", "dropped"]];
const LIMITS = [
  ["measurerSize", "Message measurer size (bytes)", "a message of n bytes counts as ceil(n / size); 0: every message is one"],
  ["maxMessageSize", "Largest message (bytes)", "0: no limit"],
  ["perMinute", "Messages per minute", "sent and received; 0: no limit"],
  ["perHour", "Messages per hour", ""],
  ["perDay", "Messages per day", ""],
  ["perMonth", "Messages per month", ""],
];

export async function quotas(ctx) {
  const { hub, main, route } = ctx;
  const sort = route.params.sort || "clientId";
  const prefix = route.params.clientIdPrefix ?? "";
  document.title = "Quotas — Switchboard";
  const settings = await api("GET", hubPath(hub, "/quotas"));
  const state = h("p", { class: "stream-state", role: "status" }, "connecting…");
  const body = h("tbody", {});
  const refusals = h("p", { class: "hint quota-refusals" });

  function usageCell(window) {
    if (!window) return "";
    const text = `${number(window.used)} / ${window.limit ? number(window.limit) : "∞"}`;
    const full = window.limit && window.used >= window.limit;
    return h("span", { class: full ? "pill off" : null, title: full ? "at its limit" : null }, text);
  }

  function limited(u) {
    return u.maxMessageSize > 0 || WINDOWS.some((w) => u.usage[w]?.limit > 0);
  }

  function draw(snapshot) {
    const items = snapshot.items ?? [];
    replaceChildren(
      body,
      items.length === 0
        ? h("tr", {}, h("td", { colspan: 7, class: "empty" }, "No devices."))
        : items.map((u) =>
            h(
              "tr",
              { dataset: { key: u.clientId } },
              h("td", { "data-label": "Client id" }, u.clientId, u.metered ? "" : h("small", { class: "hint" }, limited(u) ? " (counted from its next connection)" : " (no limit)")),
              WINDOWS.map((w) => h("td", { "data-label": w, class: "number", dataset: { window: w } }, usageCell(u.usage[w]))),
              h("td", { "data-label": "refused", class: "number" }, number(u.refused)),
              h("td", { "data-label": "dropped", class: "number" }, number(u.dropped)),
            ),
          ),
    );
    state.className = "stream-state ok";
    state.textContent = `${items.length} device(s), sorted by ${sort}; updated ${new Date(snapshot.at).toLocaleTimeString()}`;
  }

  const stream = new EventSource(
    "/api/v1" + hubPath(hub, "/quotas/usage/stream") + queryString({ sort, clientIdPrefix: prefix, limit: 1000, interval: "2s" }),
  );
  stream.addEventListener("usage", (event) => draw(JSON.parse(event.data)));
  stream.addEventListener("end", (event) => {
    stream.close();
    state.textContent = `The stream ended: ${JSON.parse(event.data).reason}`;
  });
  stream.onerror = () => {
    if (stream.readyState === EventSource.CONNECTING) state.textContent = "reconnecting…";
  };
  ctx.onLeave(() => stream.close());

  function heading(key, label) {
    const current = key === sort;
    return h(
      "th",
      { scope: "col", "aria-sort": current ? (key === "clientId" ? "ascending" : "descending") : null },
      h("a", { href: href(route.page, { ...route.params, sort: key }), class: "sort", dataset: { sort: key } }, label + (current ? (key === "clientId" ? " ▲" : " ▼") : "")),
    );
  }

  function showRefusals(s) {
    const r = s.refusals ?? { publishes: 0, deliveries: 0, disconnects: 0 };
    refusals.textContent = `Refused since the server started: ${number(r.publishes)} publishes, ${number(r.deliveries)} deliveries, ${number(r.disconnects)} disconnections.`;
  }
  showRefusals(settings);
  const savedNotice = h("p", { class: "notice ok", role: "status" });

  const defaults = form(
    [
      ...LIMITS.map(([name, label, hint]) => field(label, name, { kind: "number", value: settings[name] ?? 0, min: 0, hint })),
      field("Disconnect a device at its limit instead of refusing the message", "disconnect", { kind: "checkbox", value: settings.disconnect }),
    ],
    async (v) => {
      const body = {};
      for (const [name] of LIMITS) body[name] = v[name] === "" ? 0 : Number(v[name]);
      body.disconnect = v.disconnect;
      const saved = await api("PUT", hubPath(hub, "/quotas"), body);
      showRefusals(saved);
      savedNotice.textContent = "Saved. Connected devices with a limit have the new ones now; a device that had none gets its limits when it connects again.";
    },
    { label: "Save the hub's defaults" },
  );

  replaceChildren(
    main,
    h("h1", {}, "Quotas"),
    h("p", { class: "hint" }, "Messages each device sends and receives, per calendar window (UTC), against its limits; a device's own limits are set from its row in the API (", h("code", {}, "PUT …/devices/{clientId}/quota"), ") or with ", h("code", {}, "switchboard quotas set --device"), "."),
    filterBar(
      [
        field("Client id starts with", "clientIdPrefix", { value: prefix }),
        field("Sort by", "sort", { kind: "select", value: sort, options: SORTS }),
      ],
      route,
      ctx.navigate,
    ),
    state,
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "quota-usage" },
        h("caption", {}, "Usage per device (used / limit)"),
        h("thead", {}, h("tr", {}, heading("clientId", "Client id"), WINDOWS.map((w) => heading(w, w)), heading("refused", "Refused"), heading("dropped", "Dropped"))),
        body,
      ),
    ),
    refusals,
    h("h2", {}, "The hub's defaults"),
    defaults,
    savedNotice,
  );
}
