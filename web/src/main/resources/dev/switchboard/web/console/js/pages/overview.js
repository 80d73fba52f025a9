// The overview: connections and messages in/out per second as live charts (the last hour at 10 s
// from /stats/history, then new points as they come), the store's health, the listeners with their
// URLs and the TLS certificate's fingerprint, and what was refused.
import { api, hubPath } from "../api.js";
import { h, number, replaceChildren } from "../dom.js";
import { timeChart } from "../chart.js";

export async function overview(ctx) {
  const { hub, main } = ctx;
  document.title = "Overview — Switchboard";
  const figures = h("dl", { class: "figures", "aria-label": "Figures" });
  const health = h("p", { class: "health", role: "status" });
  const listeners = h("div", { class: "listeners" });
  const refusals = h("div", { class: "refusals" });
  const rates = h("div", { class: "chart", "aria-label": "Messages per second" });
  const connections = h("div", { class: "chart", "aria-label": "Connections" });
  replaceChildren(
    main,
    h("h1", {}, "Overview"),
    health,
    figures,
    h("div", { class: "charts" }, rates, connections),
    h("section", {}, h("h2", {}, "Listeners"), listeners),
    h("section", {}, h("h2", {}, "Refused"), refusals),
  );
  const rateChart = timeChart(rates, "Messages per second", [
    ["in", "#2f80ed"],
    ["out", "#27ae60"],
  ]);
  const connectionChart = timeChart(connections, "Connections", [["connections", "#9b51e0"]]);
  ctx.onLeave(() => {
    rateChart.destroy();
    connectionChart.destroy();
  });

  async function refreshStats() {
    const stats = await api("GET", hubPath(hub, "/stats"));
    const entries = [
      ["Connections", stats.connections],
      ["Sessions", stats.sessions],
      ["Subscriptions", stats.subscriptions],
      ["Retained messages", stats.retained],
      ["Messages received", stats.messagesReceived],
    ];
    if (stats.server) {
      entries.push(
        ["Messages sent", stats.server.messagesSent],
        ["Messages dropped", stats.server.messagesDropped],
        ["Most clients at once", stats.server.clientsMaximum],
      );
    }
    replaceChildren(
      figures,
      entries.map(([name, value]) => h("div", {}, h("dt", {}, name), h("dd", { dataset: { figure: name } }, number(value)))),
    );
    const refused = [
      ["Connections over the hub's limit", stats.refusals.connections],
      ["Messages over the size limit", stats.refusals.messageSize],
      ["Retained messages over the limit", stats.refusals.retained],
    ];
    if (stats.server) {
      refused.push(["Connections refused (any reason)", stats.server.connectsRefused]);
      for (const [reason, count] of Object.entries(stats.server.loginsRefused ?? {})) {
        refused.push([`Logins refused: ${reason.replaceAll("_", " ")}`, count]);
      }
    }
    replaceChildren(
      refusals,
      h("table", {}, h("tbody", {}, refused.map(([name, value]) => h("tr", {}, h("th", { scope: "row" }, name), h("td", {}, number(value)))))),
    );
  }

  async function refreshHistory() {
    const history = await api("GET", hubPath(hub, "/stats/history"));
    const times = history.points.map((p) => Date.parse(p.at) / 1000);
    rateChart.set(
      times,
      history.points.map((p) => p.messagesIn),
      history.points.map((p) => p.messagesOut ?? null),
    );
    connectionChart.set(times, history.points.map((p) => p.connections));
  }

  async function refreshHealth() {
    const response = await fetch("/health/ready", { headers: { Accept: "application/json" } });
    let reason = "";
    try {
      const body = await response.json();
      reason = body.detail ?? body.reason ?? "";
    } catch {
      // a body that is not JSON: the status says enough
    }
    health.className = response.ok ? "health ok" : "health error";
    health.textContent = response.ok ? "Store healthy: ready." : `Not ready: ${reason || response.status}`;
  }

  async function showListeners() {
    try {
      const server = await api("GET", "/server");
      replaceChildren(
        listeners,
        h("ul", {}, server.listeners.map((l) => h("li", {}, h("code", {}, l.url)))),
        server.console?.length ? h("p", {}, "Console and REST API: ", server.console.map((u) => h("code", {}, u + " "))) : null,
        server.tls
          ? h(
              "p",
              { class: "fingerprint" },
              `TLS ${server.tls.selfSigned ? "self-signed certificate" : "certificate"}, SHA-256 fingerprint: `,
              h("code", {}, server.tls.sha256Fingerprint),
            )
          : h("p", {}, "No TLS certificate (no MQTTS, WSS or HTTPS listener)."),
      );
    } catch (error) {
      replaceChildren(listeners, h("p", { class: "hint" }, `Listeners: ${error.message}`));
    }
  }

  const tick = async () => {
    try {
      await Promise.all([refreshStats(), refreshHealth()]);
    } catch (error) {
      health.className = "health error";
      health.textContent = error.message;
    }
  };
  await Promise.all([tick(), refreshHistory(), showListeners()]);
  const fast = setInterval(tick, 3000);
  const slow = setInterval(() => refreshHistory().catch(() => {}), 10000);
  ctx.onLeave(() => {
    clearInterval(fast);
    clearInterval(slow);
  });
}
