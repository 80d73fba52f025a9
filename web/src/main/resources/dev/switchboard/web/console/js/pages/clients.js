// Connected clients (filter, sort by backlog or drops, details, disconnect) and sessions, connected
// or not (persistent ones stay while their clients are away).
import { api, hubPath } from "../api.js";
import { h, number, replaceChildren, time } from "../dom.js";
import { confirmAction, field, filterBar, notice, pagedTable, pill } from "../ui.js";

function subscriptionList(subscriptions = []) {
  if (!subscriptions.length) return h("p", {}, "No subscriptions.");
  return h(
    "ul",
    { class: "subscriptions" },
    subscriptions.map((s) =>
      h("li", {}, h("code", {}, (s.shareName ? `$share/${s.shareName}/` : "") + s.filter), ` QoS ${s.qos}`, s.noLocal ? ", no local" : ""),
    ),
  );
}

export async function clients(ctx) {
  const { hub, main, route } = ctx;
  const p = route.params;
  document.title = "Clients — Switchboard";
  const status = notice();
  const details = h("section", { class: "details", "aria-live": "polite" });
  const page = await api("GET", hubPath(hub, "/clients"), undefined, {
    query: {
      limit: p.limit ?? 50,
      cursor: p.cursor,
      clientIdPrefix: p.clientIdPrefix,
      user: p.user,
      address: p.address,
      protocol: p.protocol,
      sort: p.sort,
    },
  });

  async function show(clientId) {
    try {
      const c = await api("GET", hubPath(hub, `/clients/${encodeURIComponent(clientId)}`));
      replaceChildren(
        details,
        h("h2", {}, `Client ${c.clientId}`),
        h(
          "dl",
          { class: "facts" },
          [
            ["User name", c.username ?? "—"],
            ["Address", c.address],
            ["Listener", c.listener],
            ["Protocol", c.protocolVersion],
            ["Keep alive", `${c.keepAlive} s`],
            ["Connected since", time(c.connectedAt)],
            ["Persistent session", c.persistent ? "yes" : "no"],
            ["In flight", number(c.inflight)],
            ["Queued", `${number(c.queued)} (${number(c.queuedBytes)} bytes)`],
            ["Drops", number(c.drops)],
          ].map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]),
        ),
        h("h3", {}, "Subscriptions"),
        subscriptionList(c.subscriptions),
      );
      details.querySelector("h2").focus?.();
    } catch (error) {
      status.error(error);
    }
  }

  async function disconnect(c) {
    const ok = await confirmAction(`Disconnect ${c.clientId}?`, [
      `the connection of ${c.clientId} from ${c.address} ends (a 5.0 client is told "administrative action")`,
      "its will message is published, as for any lost connection",
      c.persistent ? "its persistent session stays" : "its clean session ends with it",
    ], { action: "Disconnect" });
    if (!ok) return;
    try {
      await api("DELETE", hubPath(hub, `/clients/${encodeURIComponent(c.clientId)}`), undefined, {
        query: { reason: "disconnected from the console" },
      });
      status.ok(`${c.clientId} disconnected.`);
      setTimeout(() => ctx.refresh(), 300);
    } catch (error) {
      status.error(error);
    }
  }

  replaceChildren(
    main,
    h("h1", {}, "Connected clients"),
    filterBar(
      [
        field("Client id starts with", "clientIdPrefix", { value: p.clientIdPrefix ?? "" }),
        field("User name", "user", { value: p.user ?? "" }),
        field("Address starts with", "address", { value: p.address ?? "" }),
        field("Protocol", "protocol", {
          kind: "select",
          value: p.protocol ?? "",
          options: [["", "any"], ["3.1", "3.1"], ["3.1.1", "3.1.1"], ["5", "5.0"]],
        }),
        field("Sort by", "sort", {
          kind: "select",
          value: p.sort ?? "clientId",
          options: [["clientId", "client id"], ["backlog", "backlog, largest first"], ["drops", "drops, most first"], ["connectedSince", "longest connected"]],
        }),
      ],
      route,
      ctx.navigate,
    ),
    status.element,
    pagedTable(
      `Clients connected to hub ${hub}`,
      [
        ["Client id", (c) => h("button", { type: "button", class: "link", onclick: () => show(c.clientId) }, c.clientId)],
        ["User name", (c) => c.username ?? "—"],
        ["Address", (c) => c.address],
        ["Protocol", (c) => c.protocolVersion],
        ["Connected since", (c) => time(c.connectedAt)],
        ["Subscriptions", (c) => number(c.subscriptionCount)],
        ["Backlog", (c) => number(c.backlog)],
        ["Drops", (c) => number(c.drops)],
        [
          "Actions",
          (c) => h("button", { type: "button", class: "danger", onclick: () => disconnect(c), "aria-label": `Disconnect ${c.clientId}` }, "Disconnect"),
        ],
      ],
      page,
      route,
      { empty: "No client connected (with these filters)." },
    ),
    details,
  );
  const refresh = setInterval(async () => {
    // the list is live state: refreshed in place while the page is open, the URL's page kept
    if (document.activeElement?.closest?.(".filters, dialog")) return;
    try {
      const next = await api("GET", hubPath(hub, "/clients"), undefined, {
        query: { limit: p.limit ?? 50, cursor: p.cursor, clientIdPrefix: p.clientIdPrefix, user: p.user, address: p.address, protocol: p.protocol, sort: p.sort },
      });
      const keys = (items) => items.map((c) => `${c.clientId}:${c.backlog}:${c.drops}`).join(",");
      if (keys(next.items) !== keys(page.items)) ctx.refresh();
    } catch {
      // the next turn tries again
    }
  }, 3000);
  ctx.onLeave(() => clearInterval(refresh));
}

export async function sessions(ctx) {
  const { hub, main, route } = ctx;
  const p = route.params;
  document.title = "Sessions — Switchboard";
  const status = notice();
  const details = h("section", { class: "details", "aria-live": "polite" });
  const page = await api("GET", hubPath(hub, "/sessions"), undefined, {
    query: { limit: p.limit ?? 50, cursor: p.cursor, clientIdPrefix: p.clientIdPrefix, online: p.online },
  });

  async function show(clientId) {
    try {
      const s = await api("GET", hubPath(hub, `/sessions/${encodeURIComponent(clientId)}`));
      replaceChildren(
        details,
        h("h2", {}, `Session ${s.clientId}`),
        h(
          "dl",
          { class: "facts" },
          [
            ["Online", s.online ? "yes" : "no"],
            ["Persistent", s.persistent ? "yes" : "no"],
            ["Expiry interval", s.expiryInterval === undefined ? "—" : `${s.expiryInterval} s`],
            ["Connected at", time(s.connectedAt)],
            ["Disconnected at", time(s.disconnectedAt)],
            ["In flight", number(s.inflight)],
            ["Queued", `${number(s.queued)} (${number(s.queuedBytes)} bytes)`],
            ["Drops", number(s.drops)],
          ].map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]),
        ),
        h("h3", {}, "Subscriptions"),
        subscriptionList(s.subscriptions),
      );
    } catch (error) {
      status.error(error);
    }
  }

  async function remove(s) {
    const ok = await confirmAction(`Delete the session of ${s.clientId}?`, [
      s.online ? `its client is disconnected, without publishing its will` : "its client is offline",
      `its ${s.subscriptionCount} subscription(s) and ${s.queued} queued message(s) go, from memory and the store`,
    ]);
    if (!ok) return;
    try {
      await api("DELETE", hubPath(hub, `/sessions/${encodeURIComponent(s.clientId)}`));
      status.ok(`Session of ${s.clientId} deleted.`);
      setTimeout(() => ctx.refresh(), 300);
    } catch (error) {
      status.error(error);
    }
  }

  replaceChildren(
    main,
    h("h1", {}, "Sessions"),
    filterBar(
      [
        field("Client id starts with", "clientIdPrefix", { value: p.clientIdPrefix ?? "" }),
        field("Connected", "online", { kind: "select", value: p.online ?? "", options: [["", "either"], ["true", "online"], ["false", "offline"]] }),
      ],
      route,
      ctx.navigate,
    ),
    status.element,
    pagedTable(
      `Sessions of hub ${hub}`,
      [
        ["Client id", (s) => h("button", { type: "button", class: "link", onclick: () => show(s.clientId) }, s.clientId)],
        ["State", (s) => pill(s.online ? "online" : "offline", s.online)],
        ["Persistent", (s) => (s.persistent ? "yes" : "no")],
        ["Subscriptions", (s) => number(s.subscriptionCount)],
        ["Queued", (s) => number(s.queued)],
        ["Drops", (s) => number(s.drops)],
        ["Since", (s) => time(s.online ? s.connectedAt : s.disconnectedAt)],
        ["Actions", (s) => h("button", { type: "button", class: "danger", onclick: () => remove(s), "aria-label": `Delete session ${s.clientId}` }, "Delete")],
      ],
      page,
      route,
      { empty: "No sessions." },
    ),
    details,
  );
}
