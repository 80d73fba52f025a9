// Where dashboards and connections live. A dashboard is { name, metrics, scriptsAllowed }: its
// metrics are MQTT Dash's JSON as imported or made here. Every store has the same four async
// methods, so the app does not know which one it has:
//   list() -> [name]   load(name) -> dashboard | null   save(dashboard)   remove(name)
// Standalone, the browser's localStorage keeps them. Served by Switchboard, a hub keeps them
// through the HTTP API (RestDashboardStore; the REST shape is in docs/dashboard.md).

/** Dashboards in localStorage (one key per dashboard). */
export class LocalDashboardStore {
  constructor(storage = globalThis.localStorage, prefix = "switchboard.dash.dashboard.") {
    this.storage = storage;
    this.prefix = prefix;
  }

  async list() {
    const names = [];
    for (let i = 0; i < this.storage.length; i++) {
      const key = this.storage.key(i);
      if (key.startsWith(this.prefix)) names.push(key.slice(this.prefix.length));
    }
    return names.sort();
  }

  async load(name) {
    const text = this.storage.getItem(this.prefix + name);
    if (text === null) return null;
    try {
      return normalize(JSON.parse(text), name);
    } catch {
      return null; // a damaged entry reads as absent rather than breaking the page
    }
  }

  async save(dashboard) {
    this.storage.setItem(this.prefix + dashboard.name, JSON.stringify(dashboard));
  }

  async remove(name) {
    this.storage.removeItem(this.prefix + name);
  }
}

/**
 * Dashboards of one hub on a Switchboard server: GET and PUT /api/v1/hubs/{hub}/dashboards/{name},
 * GET /api/v1/hubs/{hub}/dashboards (an array of names, or {items:[{name}]}), DELETE for remove.
 * It sends the session cookie and, for changes, the X-CSRF-Token the login answered with.
 */
export class RestDashboardStore {
  constructor(hub, { base = "/api/v1", csrfToken = () => null, fetchImpl = globalThis.fetch } = {}) {
    this.url = `${base}/hubs/${encodeURIComponent(hub)}/dashboards`;
    this.csrfToken = csrfToken;
    this.fetch = fetchImpl.bind(globalThis);
  }

  async request(method, path, body) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const token = this.csrfToken();
    if (method !== "GET" && token) headers["X-CSRF-Token"] = token;
    const response = await this.fetch(this.url + path, {
      method,
      headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 404 && method === "GET") return null;
    if (!response.ok) {
      let detail = response.statusText;
      try {
        detail = (await response.json()).detail ?? detail;
      } catch {
        // not a JSON problem document: the status text says enough
      }
      throw new Error(`${method} ${this.url + path}: ${response.status} ${detail}`);
    }
    return response.status === 204 ? null : response.json();
  }

  async list() {
    const body = await this.request("GET", "");
    const items = Array.isArray(body) ? body : body?.items ?? [];
    return items.map((item) => (typeof item === "string" ? item : item.name)).sort();
  }

  async load(name) {
    // asked only when listed: a GET that answers 404 shows as an error in the browser's console
    if (!(await this.list()).includes(name)) return null;
    const body = await this.request("GET", "/" + encodeURIComponent(name));
    return body === null ? null : normalize(body, name);
  }

  async save(dashboard) {
    await this.request("PUT", "/" + encodeURIComponent(dashboard.name), dashboard);
  }

  async remove(name) {
    await this.request("DELETE", "/" + encodeURIComponent(name));
  }
}

function normalize(body, name) {
  return {
    name: body.name ?? name,
    metrics: Array.isArray(body.metrics) ? body.metrics : [],
    scriptsAllowed: body.scriptsAllowed === true,
  };
}

/** The defaults of a connection, as MQTT Dash's connection screen has them. */
export function newConnection(overrides = {}) {
  return {
    id: globalThis.crypto?.randomUUID ? crypto.randomUUID() : String(Date.now()),
    name: "broker",
    host: globalThis.location?.hostname || "localhost",
    port: 8083,
    path: "/mqtt",
    tls: false,
    username: "",
    password: "",
    savePassword: true,
    clientId: "dash-" + Math.random().toString(16).slice(2, 10),
    keepalive: 60,
    cleanSession: true,
    autoConnect: false,
    keepScreenOn: false,
    allowManagement: true,
    tileSize: "M",
    columnsPortrait: 0,
    columnsLandscape: 0,
    fingerprint: "",
    ...overrides,
  };
}

/** Saved connections, in localStorage on every kind of install (they are this browser's). */
export class ConnectionStore {
  constructor(storage = globalThis.localStorage, key = "switchboard.dash.connections") {
    this.storage = storage;
    this.key = key;
  }

  all() {
    try {
      const list = JSON.parse(this.storage.getItem(this.key) ?? "[]");
      return Array.isArray(list) ? list.map((c) => newConnection(c)) : [];
    } catch {
      return [];
    }
  }

  saveAll(connections) {
    const stored = connections.map((c) => (c.savePassword ? c : { ...c, password: "" }));
    this.storage.setItem(this.key, JSON.stringify(stored));
  }

  get current() {
    return this.storage.getItem(this.key + ".current");
  }

  set current(id) {
    this.storage.setItem(this.key + ".current", id);
  }
}
