// One MQTT connection over WebSocket (MQTT.js), with the state the header shows, subscriptions
// kept per listener (a topic several tiles watch is subscribed once) and reconnection by itself.

import mqtt from "../vendor/mqtt/mqtt.esm.js";

/** Whether an MQTT topic filter (with + and #) matches a topic name. */
export function topicMatches(filter, topic) {
  const f = filter.split("/");
  const t = topic.split("/");
  if (topic.startsWith("$") && (f[0] === "#" || f[0] === "+")) return false;
  for (let i = 0; i < f.length; i++) {
    if (f[i] === "#") return true;
    if (i >= t.length) return false;
    if (f[i] !== "+" && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

/** The WebSocket URL of a connection. */
export function brokerUrl(connection) {
  const path = connection.path ? (connection.path.startsWith("/") ? connection.path : "/" + connection.path) : "";
  const host = connection.host.includes(":") ? `[${connection.host}]` : connection.host;
  return `${connection.tls ? "wss" : "ws"}://${host}:${connection.port}${path}`;
}

/**
 * Events (on this EventTarget): "state" (detail: { state, error, attempts }) with state one of
 * "offline", "connecting", "connected", "reconnecting", "error".
 */
export class MqttSession extends EventTarget {
  constructor() {
    super();
    this.client = null;
    this.listeners = new Map(); // filter -> { qos, callbacks: Set }
    this.state = "offline";
    this.attempts = 0;
    this.lastError = "";
    this.everConnected = false;
  }

  setState(state, error = this.lastError) {
    this.state = state;
    this.lastError = error;
    this.dispatchEvent(
      new CustomEvent("state", { detail: { state, error, attempts: this.attempts, everConnected: this.everConnected } })
    );
  }

  connect(connection) {
    this.disconnect();
    this.connection = connection;
    this.attempts = 0;
    this.everConnected = false;
    this.setState("connecting", "");
    const client = mqtt.connect(brokerUrl(connection), {
      clientId: connection.clientId,
      username: connection.username || undefined,
      password: connection.password || undefined,
      keepalive: Number(connection.keepalive) || 60,
      clean: connection.cleanSession !== false,
      protocolVersion: 4,
      reconnectPeriod: 2000,
      connectTimeout: 10000,
      resubscribe: true,
    });
    this.client = client;
    client.on("connect", () => {
      this.attempts = 0;
      this.everConnected = true;
      this.setState("connected", "");
      for (const [filter, entry] of this.listeners) {
        client.subscribe(filter, { qos: entry.qos });
      }
    });
    client.on("reconnect", () => {
      this.attempts++;
      this.setState("reconnecting");
    });
    client.on("close", () => {
      if (this.client === client && this.state === "connected") this.setState("reconnecting");
    });
    client.on("offline", () => {
      if (this.client === client && this.state !== "error") this.setState("reconnecting");
    });
    client.on("error", (error) => {
      // A refused CONNECT (bad password, not authorised) will not get better by retrying
      const refused = /not authori[sz]ed|bad user name or password|identifier rejected/i.test(error.message);
      if (refused) {
        client.end(true);
        this.setState("error", `refused by the broker: ${error.message}`);
      } else {
        this.lastError = error.message;
      }
    });
    client.on("message", (topic, payload, packet) => {
      for (const [filter, entry] of this.listeners) {
        if (topicMatches(filter, topic)) {
          for (const callback of entry.callbacks) {
            try {
              callback(topic, payload, packet);
            } catch (e) {
              console.error("tile failed on a message", e); // a tile's bug stops at that tile
            }
          }
        }
      }
    });
  }

  disconnect() {
    if (this.client) {
      this.client.end(true);
      this.client = null;
    }
    this.setState("offline", "");
  }

  /** Calls callback(topic, payloadBytes, packet) for each message matching filter; returns an unsubscribe function. */
  subscribe(filter, qos, callback) {
    let entry = this.listeners.get(filter);
    if (!entry) {
      entry = { qos: Number(qos) || 0, callbacks: new Set() };
      this.listeners.set(filter, entry);
      if (this.client?.connected) this.client.subscribe(filter, { qos: entry.qos });
    } else if ((Number(qos) || 0) > entry.qos) {
      entry.qos = Number(qos);
      if (this.client?.connected) this.client.subscribe(filter, { qos: entry.qos });
    }
    entry.callbacks.add(callback);
    return () => {
      entry.callbacks.delete(callback);
      if (entry.callbacks.size === 0 && this.listeners.get(filter) === entry) {
        this.listeners.delete(filter);
        if (this.client?.connected) this.client.unsubscribe(filter);
      }
    };
  }

  /** Publishes; resolves when the broker has it (QoS 1/2) or it is written (QoS 0). */
  publish(topic, payload, { qos = 0, retain = false } = {}) {
    return new Promise((resolve, reject) => {
      if (!this.client?.connected) {
        reject(new Error("not connected"));
        return;
      }
      this.client.publish(topic, payload, { qos: Number(qos) || 0, retain: !!retain }, (error) =>
        error ? reject(error) : resolve()
      );
    });
  }
}
