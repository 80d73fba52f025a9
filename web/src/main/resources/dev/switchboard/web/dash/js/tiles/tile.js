// One tile on the dashboard: the path of a message through it (jsOnReceive, JSON path, the
// tile's view), publishing with MQTT Dash's "update on publish" and "waiting for echo", blink,
// scripts, and what it shows when something is wrong. What a tile looks like is its view's
// business (basic.js, extra.js); a view's failure is shown on its tile and stops there.

import { h, replaceChildren, ago } from "../dom.js";
import { extract } from "../jsonpath.js";
import { TYPES, metricField, argbToCss } from "../mqttdash.js";
import { ScriptTimeout, simpleBlink } from "../sandbox.js";

const decoder = new TextDecoder("utf-8", { fatal: false });

export class Tile {
  /**
   * host: { session, sandbox, scriptsAllowed(), manage (bool), onEdit(tile), onOpenUri(uri),
   *         onChange(tile) (a field the dashboard saves changed), views }
   */
  constructor(metric, host) {
    this.metric = metric;
    this.host = host;
    this.typeName = TYPES[metric.type];
    this.view = host.views[this.typeName] ?? host.views.unknown;
    this.problems = new Map(); // where -> message
    this.value = null;
    this.lastPayload = this.field("lastPayload") || "";
    this.lastActivity = this.field("lastActivity") || 0;
    this.waiting = false;
    this.blink = false;
    this.unsubscribes = [];
    this.chain = Promise.resolve();
    this.stoppedScripts = new Set();
    this.element = h("article", {
      class: `tile tile--${this.typeName ?? "unknown"}`,
      dataset: { id: metric.id, type: String(metric.type), name: metric.name ?? "", state: "idle" },
    });
    this.nameElement = h("h2", { class: "tile-name" });
    this.body = h("div", { class: "tile-body" });
    this.status = h("p", { class: "tile-status", role: "status", "aria-live": "polite" });
    this.footer = h("footer", { class: "tile-footer" });
    const tools = host.manage
      ? h(
          "div",
          { class: "tile-tools" },
          h("button", { class: "tile-drag", type: "button", "aria-label": `Move ${metric.name}`, title: "Drag to move" }, "⠿"),
          h("button", { class: "tile-edit", type: "button", "aria-label": `Edit ${metric.name}`, onclick: (e) => { e.stopPropagation(); host.onEdit(this); } }, "✎")
        )
      : null;
    this.element.append(h("header", { class: "tile-header" }, this.nameElement, tools), this.body, this.status, this.footer);
    this.body.addEventListener("click", (e) => {
      if (!e.target.closest("input, select, a")) this.tap();
    });
    try {
      this.view.build(this);
    } catch (e) {
      this.setProblem("tile", `cannot show this tile: ${e.message}`);
    }
    if (this.lastPayload) this.applyPayload(this.lastPayload, null, true);
    this.render();
  }

  field(name) {
    return metricField(this.metric, name);
  }

  scriptsOn() {
    return this.host.scriptsAllowed();
  }

  /** Subscribes the tile's topics (a view may add more, e.g. a chart's other series). */
  start() {
    const topics = this.view.topics ? this.view.topics(this) : [this.field("topic")];
    for (const topic of new Set(topics.filter((t) => t && t.trim()))) {
      this.unsubscribes.push(
        this.host.session.subscribe(topic, this.field("qos"), (t, payload) => this.receive(t, payload))
      );
    }
  }

  stop() {
    this.unsubscribes.forEach((u) => u());
    this.unsubscribes = [];
    clearTimeout(this.echoTimer);
    this.view.stop?.(this);
  }

  setProblem(where, message) {
    if (message) this.problems.set(where, message);
    else this.problems.delete(where);
    this.showState();
  }

  showState() {
    const messages = [...this.problems.entries()].map(([where, m]) => `${where}: ${m}`);
    if (this.waiting) messages.unshift("waiting for echo…");
    replaceChildren(this.status, messages.join(" · "));
    this.element.dataset.state = this.problems.size ? "problem" : this.waiting ? "waiting" : this.lastActivity ? "ok" : "idle";
    this.element.classList.toggle("blink", !!this.blink);
  }

  /** A message for this tile: kept in order even when scripts make its steps asynchronous. */
  receive(topic, bytes) {
    this.chain = this.chain.then(() => this.process(topic, bytes)).catch((e) => this.setProblem("tile", e.message));
    return this.chain;
  }

  async process(topic, bytes) {
    let payload = decoder.decode(bytes);
    const script = this.field("jsOnReceive");
    if (script && script.trim()) {
      const result = await this.runScript("jsOnReceive", script, { topic, payload });
      if (result) {
        payload = result.event.payload === undefined || result.event.payload === null ? payload : String(result.event.payload);
        topic = result.event.topic ?? topic;
      }
    }
    this.lastActivity = Math.floor(Date.now() / 1000);
    this.metric.lastActivity = this.lastActivity;
    this.leaveWaiting();
    this.problems.delete("echo");
    this.applyPayload(payload, { topic, bytes }, false);
    await this.render();
  }

  applyPayload(payload, message, restoring) {
    let value = payload;
    const path = this.field("jsonPath");
    if (path && path.trim()) {
      try {
        value = extract(payload, path);
        this.problems.delete("JSON path");
      } catch (e) {
        value = null;
        this.problems.set("JSON path", e.message);
      }
    }
    const accepted = this.view.accept ? this.view.accept(this, value, message) : true;
    if (accepted === false) return; // e.g. a chart series' own topic: the view kept it
    this.lastPayload = payload;
    if (!restoring) this.metric.lastPayload = payload;
    this.value = value;
    try {
      this.view.receive?.(this, value, message, restoring);
    } catch (e) {
      this.problems.set("tile", e.message);
    }
  }

  /** Runs one of the tile's scripts in the sandbox; shows what went wrong; null if it did not run. */
  async runScript(kind, source, event, options = {}) {
    if (!this.scriptsOn()) {
      this.problems.set(kind, "scripts are off for this dashboard");
      return null;
    }
    if (this.stoppedScripts.has(kind)) return null;
    try {
      const result = await this.host.sandbox.run(this.metric.id, source, event, options);
      this.problems.delete(kind);
      this.applyActions(result.actions);
      return result;
    } catch (e) {
      if (e instanceof ScriptTimeout) {
        this.stoppedScripts.add(kind); // a looping script would stall every tile: it stays off
        this.problems.set(kind, `${e.message}; off until the page is reloaded`);
      } else {
        this.problems.set(kind, e.message);
        this.applyActions(e.actions ?? []);
      }
      this.showState();
      return null;
    }
  }

  applyActions(actions) {
    for (const action of actions) {
      if (action.kind === "publish") {
        this.host.session
          .publish(action.topic, action.payload, { qos: action.qos, retain: action.retained })
          .catch((e) => this.setProblem("app.publish", e.message));
      } else if (action.kind === "openUri") {
        this.host.onOpenUri(action.uri);
      }
    }
  }

  /** What the tile shows, before jsOnDisplay may change it. */
  describe() {
    const base = { name: this.metric.name ?? "", text: this.value ?? "", textColor: null };
    return this.view.describe ? { ...base, ...this.view.describe(this) } : base;
  }

  async render() {
    let display = this.describe();
    const onDisplay = this.field("jsOnDisplay");
    if (onDisplay && onDisplay.trim() && this.scriptsOn()) {
      const result = await this.runScript("jsOnDisplay", onDisplay, {
        ...display,
        blink: this.blink,
        payload: this.lastPayload,
        value: this.value,
        lastActivityString: ago(this.lastActivity),
      });
      if (result) display = { ...display, ...result.event };
    }
    this.blink = display.blink ?? (await this.blinkNow());
    replaceChildren(this.nameElement, display.name);
    try {
      this.view.show(this, display);
    } catch (e) {
      this.problems.set("tile", e.message);
    }
    this.showFooter();
    this.showState();
  }

  async blinkNow() {
    const expression = this.field("jsBlinkExpression");
    if (!expression || !expression.trim() || this.value === null) return false;
    const simple = simpleBlink(expression, this.value);
    if (simple !== undefined) return simple;
    const result = await this.runScript("jsBlinkExpression", expression, { value: this.value, payload: this.lastPayload }, { blink: true });
    return !!result?.result;
  }

  showFooter() {
    if (!this.lastActivity && !(this.field("topic") || "").trim()) {
      replaceChildren(this.footer); // a note without a topic has no activity to speak of
      return;
    }
    replaceChildren(
      this.footer,
      h("span", { class: "tile-activity" }, ago(this.lastActivity)),
      this.lastPayload ? h("span", { class: "tile-payload", title: this.lastPayload }, this.lastPayload) : null
    );
  }

  /** A tap on the tile's body: jsOnTap first (it may prevent the default), then the view's action. */
  async tap() {
    const onTap = this.field("jsOnTap");
    if (onTap && onTap.trim()) {
      const result = await this.runScript("jsOnTap", onTap, { payload: this.lastPayload, value: this.value, preventDefault: false });
      this.showState();
      if (result?.event.preventDefault) return;
    }
    this.view.tap?.(this);
  }

  /**
   * Publishes from the tile (switch, slider, choice, colour): to topicPub or else topic, with the
   * tile's QoS and retained flag; then MQTT Dash's "update on publish immediately" or "waiting
   * for echo" with its timeout (0: until the echo comes).
   */
  async publish(payload) {
    if (!this.field("enablePub")) {
      this.setProblem("publish", "publishing is off for this tile");
      return false;
    }
    const topic = (this.field("topicPub") || "").trim() || (this.field("topic") || "").trim();
    if (!topic) {
      this.setProblem("publish", "no topic to publish to");
      return false;
    }
    try {
      await this.host.session.publish(topic, payload, { qos: this.field("qos"), retain: this.field("retained") });
      this.problems.delete("publish");
    } catch (e) {
      this.setProblem("publish", `not sent: ${e.message}`);
      return false;
    }
    if (this.field("updateLastPayloadOnPub")) {
      this.lastActivity = Math.floor(Date.now() / 1000);
      this.metric.lastActivity = this.lastActivity;
      this.lastPayload = payload;
      this.metric.lastPayload = payload;
      this.value = payload;
      this.view.receive?.(this, payload, null, false);
      await this.render();
    } else if (this.field("enableIntermediateState")) {
      this.enterWaiting();
    }
    return true;
  }

  enterWaiting() {
    this.waiting = true;
    this.problems.delete("echo");
    this.metric.enteredIntermediateStateAt = Math.floor(Date.now() / 1000);
    clearTimeout(this.echoTimer);
    const seconds = Number(this.field("intermediateStateTimeout")) || 0;
    if (seconds > 0) {
      this.echoTimer = setTimeout(() => {
        if (!this.waiting) return;
        this.leaveWaiting();
        this.setProblem("echo", `no echo within ${seconds} s`);
      }, seconds * 1000);
    }
    this.showState();
  }

  leaveWaiting() {
    if (!this.waiting) return;
    this.waiting = false;
    this.metric.enteredIntermediateStateAt = 0;
    clearTimeout(this.echoTimer);
  }

  /** A colour field (MQTT Dash's ARGB int, or CSS) as CSS; null for "default" (-1 = white on MQTT Dash's dark tiles). */
  color(fieldName) {
    const value = this.field(fieldName);
    if (value === -1 || value === undefined || value === null || value === "") return null;
    return argbToCss(value);
  }
}
