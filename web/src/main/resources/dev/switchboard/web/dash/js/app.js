// The dashboard page: connections, the grid of tiles, editing, import and export, and the
// connection's state in the header. Everything here works standalone (any static file server,
// any broker with a WebSocket listener); served by Switchboard with ?hub=NAME, dashboards are
// kept on the server for that hub.

import { h, replaceChildren } from "./dom.js";
import { MqttSession, brokerUrl } from "./session.js";
import { ScriptSandbox } from "./sandbox.js";
import { Tile } from "./tiles/tile.js";
import * as basic from "./tiles/basic.js";
import * as extra from "./tiles/extra.js";
import { TYPES, newMetric, importDashboard, exportDashboard, hasScripts, ImportError } from "./mqttdash.js";
import { LocalDashboardStore, RestDashboardStore, ConnectionStore, newConnection } from "./store.js";
import { tileForm, buildForm, CONNECTION_FIELDS } from "./forms.js";
import { enableDrag } from "./drag.js";

const VIEWS = {
  text: basic.text, switch: basic.switchView, range: basic.range, multi: basic.multi, image: basic.image,
  color: basic.color, chart: extra.chart, gauge: extra.gauge, indicator: extra.indicator, log: extra.log,
  note: extra.note, unknown: basic.unknown,
};

const TYPE_LABELS = {
  text: "Text", switch: "Switch / button", range: "Range / progress", multi: "Multi-choice", image: "Image",
  color: "Colour", chart: "Line chart", gauge: "Gauge", indicator: "Indicator (LED)", log: "Log", note: "Note (Markdown)",
};

export const EXCHANGE_TOPIC = "metrics/exchange";

export class DashApp {
  constructor(root, { dashboards, connections = new ConnectionStore(), scriptTimeLimitMs = 1000 } = {}) {
    this.root = root;
    this.dashboards = dashboards;
    this.connectionStore = connections;
    this.connections = connections.all();
    this.session = new MqttSession();
    this.sandbox = new ScriptSandbox({ timeLimitMs: scriptTimeLimitMs });
    this.tiles = [];
    this.dashboard = { name: "", metrics: [], scriptsAllowed: false };
    this.wakeLock = null;
    this.session.addEventListener("state", (e) => this.showState(e.detail));
    document.addEventListener("visibilitychange", () => this.keepScreenOn());
    matchMedia("(orientation: landscape)").addEventListener("change", () => this.layout());
    setInterval(() => this.tiles.forEach((t) => t.showFooter()), 5000);
    this.build();
  }

  build() {
    this.statusPill = h("button", { class: "status", type: "button", dataset: { state: "offline" }, onclick: () => this.toggleConnection() }, "offline");
    this.connectionButton = h("button", { class: "connection-name", type: "button", onclick: () => this.openConnections() }, "Connections");
    this.addButton = h("button", { class: "icon", type: "button", "aria-label": "Add a tile", title: "Add a tile", onclick: () => this.openAddTile() }, "+");
    this.editButton = h("button", { class: "icon", type: "button", "aria-label": "Edit layout", "aria-pressed": "false", title: "Edit, move and delete tiles", onclick: () => this.toggleEditing() }, "✎");
    this.exchangeButton = h("button", { class: "icon", type: "button", "aria-label": "Import and export", title: "Import / export", onclick: () => this.openExchange() }, "⇅");
    this.notice = h("div", { class: "notices", role: "status", "aria-live": "polite" });
    this.grid = h("main", { class: "grid", "aria-label": "Tiles" });
    replaceChildren(
      this.root,
      h("header", { class: "bar" }, this.connectionButton, this.statusPill, h("span", { class: "spacer" }), this.addButton, this.editButton, this.exchangeButton),
      this.notice,
      this.grid
    );
  }

  async start() {
    const current = this.connections.find((c) => c.id === this.connectionStore.current) ?? this.connections[0];
    if (!current) {
      this.showEmpty();
      return;
    }
    await this.useConnection(current, { connect: current.autoConnect });
  }

  get connection() {
    return this.currentConnection;
  }

  showEmpty() {
    replaceChildren(
      this.grid,
      h("section", { class: "empty" }, h("p", {}, "No connection yet."), h("button", { type: "button", onclick: () => this.editConnection(newConnection()) }, "Add a connection"))
    );
    this.addButton.hidden = true;
  }

  async useConnection(connection, { connect = false } = {}) {
    this.session.disconnect();
    this.currentConnection = connection;
    this.connectionStore.current = connection.id;
    replaceChildren(this.connectionButton, connection.name);
    this.dashboard = (await this.dashboards.load(connection.name)) ?? { name: connection.name, metrics: [], scriptsAllowed: false };
    this.renderTiles();
    this.layout();
    if (connection.tls) this.adviseCertificate(false);
    else this.clearNotice("certificate");
    if (connection.tls && location.protocol === "http:" && !/^(localhost|127\.)/.test(location.hostname)) {
      this.setNotice("mixed", "This page is plain HTTP: some browsers refuse a wss:// connection from it only when the certificate is untrusted; open the page over HTTPS if connecting fails.");
    }
    if (connect) this.connect();
  }

  connect() {
    if (this.connection) this.session.connect(this.connection);
  }

  toggleConnection() {
    if (this.session.state === "offline" || this.session.state === "error") this.connect();
    else this.session.disconnect();
  }

  showState({ state, error, attempts, everConnected }) {
    const text = {
      offline: "offline — tap to connect",
      connecting: "connecting…",
      connected: "connected",
      reconnecting: `reconnecting${attempts ? ` (${attempts})` : ""}…`,
      error: "not connected",
    }[state];
    this.statusPill.dataset.state = state;
    replaceChildren(this.statusPill, text);
    this.grid.classList.toggle("stale", state !== "connected");
    if (state === "error") this.setNotice("connection", error);
    else if (state === "reconnecting" && error) this.setNotice("connection", `connection lost: ${error}`);
    else if (state === "connected") this.clearNotice("connection");
    if (state === "connected") {
      this.clearNotice("certificate");
      this.keepScreenOn();
    } else {
      this.releaseWakeLock();
    }
    if (state === "reconnecting" && !everConnected && this.connection?.tls) this.adviseCertificate(true);
  }

  /** Says what a browser needs for a self-signed certificate, instead of failing silently. */
  adviseCertificate(failed) {
    const c = this.connection;
    const url = brokerUrl(c).replace(/^wss:/, "https:");
    const fp = c.fingerprint ? h("p", {}, "The server printed this SHA-256 fingerprint at start; the browser's certificate viewer must show the same: ", h("code", { class: "fingerprint" }, c.fingerprint)) : h("p", {}, "Compare the certificate's SHA-256 fingerprint with the one the server printed at start (the line starting with tls:).");
    const body = h(
      "div",
      {},
      h("p", {}, failed ? "The secure WebSocket did not open. " : "", "If the server's certificate is self-signed, this browser must accept it once: open ", h("a", { href: url, target: "_blank", rel: "noopener" }, url), ", accept the warning (the page then says a WebSocket is expected: that is fine), and come back."),
      fp
    );
    if (failed || !localStorage.getItem(`switchboard.dash.cert-ok.${c.host}:${c.port}`)) this.setNotice("certificate", body);
  }

  setNotice(key, content) {
    let element = this.notice.querySelector(`[data-key="${key}"]`);
    if (!element) {
      element = h("div", { class: "notice", dataset: { key } });
      this.notice.append(element);
    }
    replaceChildren(element, content, h("button", { class: "close", type: "button", "aria-label": "Dismiss", onclick: () => element.remove() }, "×"));
  }

  clearNotice(key) {
    this.notice.querySelector(`[data-key="${key}"]`)?.remove();
  }

  async keepScreenOn() {
    if (!this.connection?.keepScreenOn || this.session.state !== "connected" || document.visibilityState !== "visible") return;
    if (!("wakeLock" in navigator)) {
      this.setNotice("wakelock", "This browser cannot keep the screen on (no Wake Lock API).");
      return;
    }
    try {
      if (!this.wakeLock || this.wakeLock.released) this.wakeLock = await navigator.wakeLock.request("screen");
    } catch (e) {
      this.setNotice("wakelock", `Cannot keep the screen on: ${e.message}`);
    }
  }

  releaseWakeLock() {
    this.wakeLock?.release().catch(() => {});
    this.wakeLock = null;
  }

  get manage() {
    return this.connection?.allowManagement !== false;
  }

  layout() {
    const c = this.connection ?? newConnection();
    const landscape = matchMedia("(orientation: landscape)").matches;
    const columns = Number(landscape ? c.columnsLandscape : c.columnsPortrait) || 0;
    this.grid.dataset.size = c.tileSize || "M";
    this.grid.style.setProperty("--columns", columns > 0 ? String(columns) : "auto-fill");
    this.grid.classList.toggle("fixed-columns", columns > 0);
    this.addButton.hidden = !this.manage;
    this.editButton.hidden = !this.manage;
    if (!this.manage) this.toggleEditing(false);
  }

  /** Edit mode shows each tile's move handle and edit button; off, the tiles are all display. */
  toggleEditing(on = !this.grid.classList.contains("editing")) {
    this.grid.classList.toggle("editing", on);
    this.editButton.setAttribute("aria-pressed", String(on));
  }

  renderTiles() {
    this.tiles.forEach((t) => t.stop());
    const host = {
      session: this.session,
      sandbox: this.sandbox,
      views: VIEWS,
      manage: this.manage,
      scriptsAllowed: () => this.dashboard.scriptsAllowed,
      onEdit: (tile) => this.editTile(tile.metric),
      onOpenUri: (uri) => this.openUri(uri),
    };
    this.tiles = this.dashboard.metrics.map((metric) => new Tile(metric, host));
    replaceChildren(this.grid, this.tiles.map((t) => t.element));
    if (this.tiles.length === 0) {
      this.grid.append(h("p", { class: "empty" }, this.manage ? "No tiles yet: add one with +, or import MQTT Dash's export with ⇅." : "No tiles."));
    }
    this.tiles.forEach((t) => t.start());
    if (this.manage) enableDrag(this.grid, (ids) => this.reorder(ids));
    const scripted = this.dashboard.metrics.filter(hasScripts).length;
    if (scripted && !this.dashboard.scriptsAllowed) {
      this.setNotice(
        "scripts",
        h("span", {}, `${scripted} tile(s) of this dashboard have scripts. They are off until you allow them; allow only scripts you trust (they run in a sandbox, stopped after ${this.sandbox.timeLimitMs} ms). `,
          h("button", { type: "button", class: "allow-scripts", onclick: () => this.allowScripts() }, "Allow scripts"))
      );
    } else this.clearNotice("scripts");
  }

  async allowScripts() {
    this.dashboard.scriptsAllowed = true;
    await this.save();
    this.renderTiles();
  }

  async save() {
    await this.dashboards.save(this.dashboard);
  }

  async reorder(ids) {
    const byId = new Map(this.dashboard.metrics.map((m) => [m.id, m]));
    this.dashboard.metrics = ids.map((id) => byId.get(id)).filter(Boolean);
    this.tiles.sort((a, b) => ids.indexOf(a.metric.id) - ids.indexOf(b.metric.id));
    await this.save();
  }

  openUri(uri) {
    try {
      const url = new URL(uri, location.href);
      if (/^(https?|mailto|tel|geo):$/.test(url.protocol)) window.open(url.href, "_blank", "noopener");
    } catch {
      // not a URL: nothing to open
    }
  }

  // ------------------------------------------------------------------ dialogs

  modal(title, content, actions) {
    const dialog = h("dialog", { class: "sheet" }, h("h2", {}, title), content, h("div", { class: "row actions" }, actions));
    dialog.addEventListener("close", () => dialog.remove());
    document.body.append(dialog);
    dialog.showModal();
    return dialog;
  }

  openConnections() {
    const list = h("ul", { class: "connections" });
    const dialog = this.modal("Connections", list, [
      h("button", { type: "button", class: "secondary", onclick: () => dialog.close() }, "Close"),
      h("button", { type: "button", onclick: () => { dialog.close(); this.editConnection(newConnection()); } }, "Add"),
    ]);
    for (const c of this.connections) {
      list.append(
        h("li", {},
          h("button", { type: "button", class: "use", onclick: () => { dialog.close(); this.useConnection(c, { connect: true }); } }, `${c.name} — ${brokerUrl(c)}`),
          h("button", { type: "button", class: "icon", "aria-label": `Edit ${c.name}`, onclick: () => { dialog.close(); this.editConnection(c); } }, "✎"))
      );
    }
  }

  editConnection(connection) {
    const form = buildForm(CONNECTION_FIELDS, (name) => connection[name]);
    const isNew = !this.connections.includes(connection);
    const dialog = this.modal(isNew ? "New connection" : `Connection ${connection.name}`, form.element, [
      isNew ? null : h("button", { type: "button", class: "danger", onclick: () => { this.connections = this.connections.filter((c) => c !== connection); this.connectionStore.saveAll(this.connections); dialog.close(); this.start(); } }, "Delete"),
      h("button", { type: "button", class: "secondary", onclick: () => dialog.close() }, "Cancel"),
      h("button", { type: "button", class: "save", onclick: async () => {
        const oldName = connection.name;
        Object.assign(connection, form.values());
        if (!connection.clientId) connection.clientId = newConnection().clientId;
        if (isNew) this.connections.push(connection);
        this.connectionStore.saveAll(this.connections);
        if (!isNew && oldName !== connection.name) {
          const dashboard = await this.dashboards.load(oldName);
          if (dashboard) {
            await this.dashboards.save({ ...dashboard, name: connection.name });
            await this.dashboards.remove(oldName);
          }
        }
        dialog.close();
        await this.useConnection(connection, { connect: true });
      } }, "Save"),
    ]);
  }

  openAddTile() {
    const dialog = this.modal(
      "Add a tile",
      h("div", { class: "type-list" },
        Object.values(TYPES).map((typeName) =>
          h("button", { type: "button", dataset: { type: typeName }, onclick: () => { dialog.close(); this.editTile(newMetric(typeName, this.dashboard.metrics.length + 1), true); } }, TYPE_LABELS[typeName])
        )),
      [h("button", { type: "button", class: "secondary", onclick: () => dialog.close() }, "Cancel")]
    );
  }

  editTile(metric, isNew = false) {
    const typeName = TYPES[metric.type];
    if (!typeName) {
      this.setNotice("edit", `Tile type ${metric.type} cannot be edited here; it is kept as it is.`);
      return;
    }
    const form = tileForm(metric, typeName);
    const dialog = this.modal(isNew ? `New ${TYPE_LABELS[typeName].toLowerCase()} tile` : `Tile ${metric.name}`, form.element, [
      isNew ? null : h("button", { type: "button", class: "danger", onclick: async () => { this.dashboard.metrics = this.dashboard.metrics.filter((m) => m !== metric); await this.save(); dialog.close(); this.renderTiles(); } }, "Delete"),
      h("button", { type: "button", class: "secondary", onclick: () => dialog.close() }, "Cancel"),
      h("button", { type: "button", class: "save", onclick: async () => {
        const changed = isNew ? form.values() : form.changed();
        const scriptChanged = ["jsOnReceive", "jsOnDisplay", "jsOnTap", "jsBlinkExpression"].some((f) => f in changed && changed[f]);
        Object.assign(metric, changed);
        if (isNew) this.dashboard.metrics.push(metric);
        // Scripts the user typed here are theirs: no need to ask before running them
        if (scriptChanged && this.dashboard.metrics.filter(hasScripts).length === 1) this.dashboard.scriptsAllowed = true;
        await this.save();
        dialog.close();
        this.renderTiles();
      } }, "Save"),
    ]);
  }

  openExchange() {
    const only = h("input", { type: "checkbox", id: "only-mqttdash" });
    const file = h("input", { type: "file", accept: ".json,application/json,text/plain", class: "import-file", "aria-label": "Import a file" });
    const status = h("p", { class: "exchange-status", role: "status" });
    file.addEventListener("change", async () => {
      const f = file.files[0];
      if (f) this.importText(await f.text(), status);
    });
    const dialog = this.modal(
      "Import / export (MQTT Dash's JSON)",
      h("div", { class: "form" },
        h("div", { class: "form-row" }, h("label", {}, "Import from a file (replaces this dashboard's tiles)"), file),
        h("div", { class: "row" },
          h("button", { type: "button", class: "import-exchange", onclick: () => this.importFromExchange(status) }, `Subscribe to ${EXCHANGE_TOPIC} and wait`),
          h("button", { type: "button", class: "export-exchange", onclick: () => this.exportToExchange(status, only.checked) }, `Publish to ${EXCHANGE_TOPIC} (retained)`)),
        h("div", { class: "row" }, h("button", { type: "button", class: "export-file", onclick: () => this.exportToFile(only.checked) }, "Export to a file")),
        h("div", { class: "form-row check" }, only, h("label", { for: "only-mqttdash" }, "Export only MQTT Dash's tile types (for the phone app)")),
        status),
      [h("button", { type: "button", class: "secondary", onclick: () => { this.stopExchangeWait?.(); dialog.close(); } }, "Close")]
    );
  }

  /** Replaces the dashboard's tiles with an export's; scripts in it stay off until allowed. */
  async importText(text, status) {
    let result;
    try {
      result = importDashboard(text);
    } catch (e) {
      const message = e instanceof ImportError ? `Import failed: ${e.message}. Nothing was changed.` : `Import failed: ${e.message}`;
      if (status) replaceChildren(status, message);
      this.setNotice("import", message);
      return null;
    }
    this.dashboard.metrics = result.metrics;
    this.dashboard.scriptsAllowed = false;
    await this.save();
    this.renderTiles();
    const summary = `Imported ${result.metrics.length} tile(s)${result.scripts ? `, ${result.scripts} with scripts (off until allowed)` : ""}.`;
    if (status) replaceChildren(status, summary, result.warnings.length ? h("ul", {}, result.warnings.map((w) => h("li", {}, w))) : null);
    if (result.warnings.length) this.setNotice("import", `${summary} ${result.warnings.join("; ")}`);
    else this.clearNotice("import");
    return result;
  }

  exportText(onlyMqttDashTypes = false) {
    return exportDashboard(this.dashboard.metrics, { onlyMqttDashTypes });
  }

  exportToFile(onlyMqttDashTypes) {
    const blob = new Blob([this.exportText(onlyMqttDashTypes)], { type: "application/json" });
    const a = h("a", { href: URL.createObjectURL(blob), download: `${this.dashboard.name || "dashboard"}.json` });
    document.body.append(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  async exportToExchange(status, onlyMqttDashTypes) {
    try {
      await this.session.publish(EXCHANGE_TOPIC, this.exportText(onlyMqttDashTypes), { qos: 1, retain: true });
      replaceChildren(status, `Published ${this.dashboard.metrics.length} tile(s) to ${EXCHANGE_TOPIC}, retained: MQTT Dash's "subscribe and wait" picks it up.`);
    } catch (e) {
      replaceChildren(status, `Not published: ${e.message}`);
    }
  }

  importFromExchange(status) {
    if (this.session.state !== "connected") {
      replaceChildren(status, "Connect first: the export comes through the broker.");
      return;
    }
    replaceChildren(status, `Waiting for a dashboard on ${EXCHANGE_TOPIC}…`);
    this.stopExchangeWait?.();
    const stop = this.session.subscribe(EXCHANGE_TOPIC, 1, (topic, payload) => {
      stop();
      this.stopExchangeWait = null;
      this.importText(new TextDecoder().decode(payload), status);
    });
    this.stopExchangeWait = stop;
  }
}

/** Starts the page: ?hub=NAME keeps dashboards on the Switchboard server that serves it. */
export async function main() {
  const params = new URLSearchParams(location.search);
  const hub = params.get("hub");
  const dashboards = hub
    ? new RestDashboardStore(hub, { csrfToken: () => sessionStorage.getItem("switchboard.csrfToken") })
    : new LocalDashboardStore();
  const app = new DashApp(document.getElementById("app"), { dashboards });
  window.switchboardDash = app; // for the browser tests and for a curious user's console
  await app.start();
  return app;
}
