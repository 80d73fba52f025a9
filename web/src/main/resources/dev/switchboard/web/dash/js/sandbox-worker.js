// Runs a tile's script (jsOnReceive, jsOnDisplay, jsOnTap, a blink condition) away from the page:
// a worker cannot touch the page's DOM, storage or variables. Network access is taken away too
// before any script runs, so a shared dashboard's script cannot call the HTTP API with the
// user's session. The page stops (terminates) this worker when a script runs too long.
"use strict";

const BLOCKED = [
  "fetch", "XMLHttpRequest", "WebSocket", "WebSocketStream", "EventSource", "importScripts",
  "Worker", "SharedWorker", "indexedDB", "caches", "BroadcastChannel", "WebTransport",
  "navigator", "FileReaderSync", "Request",
];
for (const name of BLOCKED) {
  for (let o = self; o; o = Object.getPrototypeOf(o)) {
    try {
      delete o[name];
    } catch {
      // non-configurable: shadowed below
    }
  }
  try {
    Object.defineProperty(self, name, { value: undefined, writable: false, configurable: false });
  } catch {
    // already gone
  }
}

const dataByTile = new Map(); // event.data: what a tile's scripts keep between runs

self.onmessage = (message) => {
  const { id, tileId, source, event, blink } = message.data;
  const actions = [];
  const app = Object.freeze({
    publish(topic, payload, retained = false, qos = 0) {
      actions.push({ kind: "publish", topic: String(topic), payload: String(payload), retained: !!retained, qos: Number(qos) || 0 });
    },
    openUri(uri) {
      actions.push({ kind: "openUri", uri: String(uri) });
    },
  });
  if (!dataByTile.has(tileId)) dataByTile.set(tileId, {});
  const scriptEvent = { ...event, data: dataByTile.get(tileId) };
  try {
    let result;
    if (blink) {
      // MQTT Dash's blink condition is an expression over `val`, e.g. "val > 13.2"
      result = !!new Function("val", "event", "app", `"use strict"; return (${source});`)(event.value, scriptEvent, app);
    } else {
      new Function("event", "app", `"use strict";\n${source}`)(scriptEvent, app);
    }
    dataByTile.set(tileId, scriptEvent.data);
    const { data, ...rest } = scriptEvent;
    self.postMessage({ id, ok: true, event: JSON.parse(JSON.stringify(rest)), result, actions });
  } catch (error) {
    self.postMessage({ id, ok: false, error: `${error?.name ?? "Error"}: ${error?.message ?? error}`, actions });
  }
};
