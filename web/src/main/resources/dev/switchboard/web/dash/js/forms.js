// Forms built from a list of fields, for a tile's settings and a connection's. Each field:
// { name, label, kind: text|number|checkbox|select|color|textarea|lines|json, options, hint, show(values) }.

import { h } from "./dom.js";
import { argbToCss, cssToArgb, metricField } from "./mqttdash.js";

const COMMON_TILE_FIELDS = [
  { name: "name", label: "Name", kind: "text" },
  { name: "topic", label: "Topic (subscribe)", kind: "text", hint: "wildcards + and # allowed" },
  { name: "enablePub", label: "Enable publishing", kind: "checkbox" },
  { name: "topicPub", label: "Topic (publish)", kind: "text", hint: "empty: the same topic", show: (v) => v.enablePub },
  { name: "qos", label: "QoS", kind: "select", options: [[0, "0"], [1, "1"], [2, "2"]] },
  { name: "retained", label: "Retained", kind: "checkbox", show: (v) => v.enablePub },
  { name: "updateLastPayloadOnPub", label: "Update metric on publish immediately", kind: "checkbox", show: (v) => v.enablePub },
  { name: "enableIntermediateState", label: "Wait for the echo (intermediate state)", kind: "checkbox", show: (v) => v.enablePub && !v.updateLastPayloadOnPub },
  { name: "intermediateStateTimeout", label: "Echo timeout, s (0: no limit)", kind: "number", show: (v) => v.enablePub && !v.updateLastPayloadOnPub && v.enableIntermediateState },
  { name: "jsonPath", label: "JSON path", kind: "text", hint: "e.g. $.level.value, main.humidity, weather[0].icon" },
  { name: "jsBlinkExpression", label: "Blink when", kind: "text", hint: "e.g. val > 30" },
  { name: "jsOnReceive", label: "Script on receive (jsOnReceive)", kind: "textarea", hint: "event.payload, event.topic, event.data, app.publish(topic, payload, retained, qos)" },
  { name: "jsOnDisplay", label: "Script on display (jsOnDisplay)", kind: "textarea", hint: "event.text, event.textColor, event.name, event.blink, event.value" },
  { name: "jsOnTap", label: "Script on tap (jsOnTap)", kind: "textarea", hint: "event.payload, event.preventDefault = true" },
];

const SIZE = { name: "mainTextSize", label: "Main text size", kind: "select", options: [["SMALL", "small"], ["MEDIUM", "medium"], ["LARGE", "large"]] };

/** The fields of each tile type, after the common ones. */
export const TILE_FIELDS = {
  text: [SIZE, { name: "prefix", label: "Prefix", kind: "text" }, { name: "postfix", label: "Postfix", kind: "text" }, { name: "textColor", label: "Text colour", kind: "color" }],
  switch: [
    { name: "payloadOn", label: "Payload on", kind: "text" },
    { name: "payloadOff", label: "Payload off", kind: "text" },
    { name: "iconOn", label: "Icon on", kind: "text" },
    { name: "iconOff", label: "Icon off", kind: "text" },
    { name: "onColor", label: "Colour on", kind: "color" },
    { name: "offColor", label: "Colour off", kind: "color" },
  ],
  range: [
    { name: "minValue", label: "Min", kind: "number" },
    { name: "maxValue", label: "Max", kind: "number" },
    { name: "decimalPrecision", label: "Decimals", kind: "number" },
    { name: "displayPayloadValue", label: "Show the value (off: percent)", kind: "checkbox" },
    { name: "prefix", label: "Prefix", kind: "text" },
    { name: "postfix", label: "Postfix", kind: "text" },
    { name: "progressColor", label: "Progress colour", kind: "color" },
  ],
  multi: [SIZE, { name: "textColor", label: "Text colour", kind: "color" }, { name: "items", label: "Choices, one a line: label = payload", kind: "lines", keys: ["label", "payload"] }],
  image: [
    { name: "kind", label: "Image", kind: "select", options: [[1, "fixed URL"], [2, "URL in the payload"], [3, "image bytes in the payload"]] },
    { name: "imageUrl", label: "Image URL", kind: "text", show: (v) => Number(v.kind) === 1 },
    { name: "reloadInterval", label: "Reload every, s", kind: "number", show: (v) => Number(v.kind) === 1 },
    { name: "openUrl", label: "Open on tap (URL)", kind: "text" },
  ],
  color: [{ name: "format", label: "Format", kind: "select", options: [[0, "HEX (#rrggbb)"], [1, "INT"]] }],
  chart: [
    { name: "windowSeconds", label: "Time window, s", kind: "number" },
    { name: "maxPoints", label: "Points kept at most", kind: "number" },
    { name: "postfix", label: "Unit", kind: "text" },
    { name: "textColor", label: "Line colour", kind: "color" },
    { name: "series", label: "More series, one a line: label = topic = JSON path", kind: "lines", keys: ["label", "topic", "jsonPath"] },
  ],
  gauge: [
    { name: "minValue", label: "Min", kind: "number" },
    { name: "maxValue", label: "Max", kind: "number" },
    { name: "decimalPrecision", label: "Decimals", kind: "number" },
    { name: "postfix", label: "Unit", kind: "text" },
    { name: "segments", label: "Segments, one a line: up to = colour", kind: "lines", keys: ["to", "color"], numbers: ["to"] },
  ],
  indicator: [
    { name: "payloadOn", label: "Payload on", kind: "text" },
    { name: "payloadOff", label: "Payload off", kind: "text" },
    { name: "onColor", label: "Colour on", kind: "color" },
    { name: "offColor", label: "Colour off", kind: "color" },
    { name: "thresholds", label: "Or thresholds, one a line: from = colour = label", kind: "lines", keys: ["from", "color", "label"], numbers: ["from"] },
  ],
  log: [{ name: "maxLines", label: "Messages kept", kind: "number" }],
  note: [{ name: "text", label: "Note (Markdown)", kind: "textarea" }],
};

export function tileFields(typeName) {
  return [...COMMON_TILE_FIELDS, ...(TILE_FIELDS[typeName] ?? [])];
}

function linesToList(text, keys, numbers = []) {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const parts = line.split("=").map((p) => p.trim());
      const item = {};
      keys.forEach((k, i) => {
        const v = parts[i] ?? "";
        item[k] = numbers.includes(k) ? Number(v) : v;
      });
      if (keys[1] === "payload" && parts.length === 1) item.payload = parts[0];
      return item;
    });
}

function listToLines(list, keys) {
  return (Array.isArray(list) ? list : []).map((item) => keys.map((k) => item?.[k] ?? "").join(" = ").replace(/( = )+$/, "")).join("\n");
}

/**
 * A form for `fields` over `values` (read with `read(name)`). Returns { element, values() }:
 * values() gives only the fields the user changed, so untouched fields keep their imported form.
 */
export function buildForm(fields, read) {
  const inputs = new Map();
  const rows = [];
  const current = () => Object.fromEntries(fields.map((f) => [f.name, valueOf(f)]));
  function valueOf(field) {
    const input = inputs.get(field.name);
    switch (field.kind) {
      case "checkbox": return input.checked;
      case "number": return input.value === "" ? 0 : Number(input.value);
      case "select": return typeof field.options[0][0] === "number" ? Number(input.value) : input.value;
      case "color": return input.dataset.unset === "true" ? -1 : cssToArgb(input.value);
      case "lines": return linesToList(input.value, field.keys, field.numbers);
      default: return input.value;
    }
  }
  const refresh = () => {
    const values = current();
    for (const { field, row } of rows) row.hidden = field.show ? !field.show(values) : false;
  };
  for (const field of fields) {
    const id = `f-${field.name}-${Math.random().toString(16).slice(2, 8)}`;
    const value = read(field.name);
    let input;
    if (field.kind === "checkbox") input = h("input", { type: "checkbox", id, checked: !!value });
    else if (field.kind === "select") {
      input = h("select", { id }, field.options.map(([v, label]) => h("option", { value: String(v), selected: String(v) === String(value) }, label)));
    } else if (field.kind === "textarea" || field.kind === "lines") {
      input = h("textarea", { id, rows: 3, spellcheck: "false" });
      input.value = field.kind === "lines" ? listToLines(value, field.keys) : value ?? "";
    } else if (field.kind === "color") {
      const unset = value === -1 || value === undefined || value === null;
      input = h("input", { type: "color", id, value: unset ? "#ffffff" : argbToCss(value).slice(0, 7), dataset: { unset: String(unset) } });
      input.addEventListener("input", () => (input.dataset.unset = "false"));
    } else input = h("input", { type: field.kind === "number" ? "number" : field.kind === "password" ? "password" : "text", id, value: value ?? "", step: field.kind === "number" ? "any" : null, autocomplete: "off" });
    input.name = field.name;
    input.addEventListener("change", refresh);
    inputs.set(field.name, input);
    const row = field.kind === "checkbox"
      ? h("div", { class: "form-row check" }, input, h("label", { for: id }, field.label))
      : h("div", { class: "form-row" }, h("label", { for: id }, field.label), input, field.hint ? h("small", {}, field.hint) : null);
    rows.push({ field, row });
  }
  const initial = JSON.stringify(current());
  const initialValues = JSON.parse(initial);
  refresh();
  return {
    element: h("div", { class: "form" }, rows.map((r) => r.row)),
    changed() {
      const now = current();
      return Object.fromEntries(Object.entries(now).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(initialValues[k])));
    },
    values: current,
  };
}

/** A tile's settings form (reads through MQTT Dash's defaults). */
export function tileForm(metric, typeName) {
  return buildForm(tileFields(typeName), (name) => metricField(metric, name));
}

export const CONNECTION_FIELDS = [
  { name: "name", label: "Name", kind: "text" },
  { name: "host", label: "Address", kind: "text" },
  { name: "port", label: "Port (WebSocket: 8083, secure: 8084)", kind: "number" },
  { name: "path", label: "Path", kind: "text" },
  { name: "tls", label: "Enable connection encryption (WSS)", kind: "checkbox" },
  { name: "fingerprint", label: "Server certificate SHA-256 (as the server printed it, to compare)", kind: "text", show: (v) => v.tls },
  { name: "username", label: "User name", kind: "text" },
  { name: "password", label: "User password", kind: "password" },
  { name: "savePassword", label: "Remember the password in this browser", kind: "checkbox" },
  { name: "clientId", label: "Client ID (must be unique)", kind: "text" },
  { name: "keepalive", label: "Keep alive, s", kind: "number" },
  { name: "cleanSession", label: "Clean session", kind: "checkbox" },
  { name: "autoConnect", label: "Connect automatically on start", kind: "checkbox" },
  { name: "keepScreenOn", label: "Keep screen on when connected", kind: "checkbox" },
  { name: "allowManagement", label: "Allow metrics management (off: the layout is locked)", kind: "checkbox" },
  { name: "tileSize", label: "Tile size", kind: "select", options: [["S", "Small"], ["M", "Medium"], ["L", "Large"]] },
  { name: "columnsPortrait", label: "Columns in portrait (0: automatic)", kind: "number" },
  { name: "columnsLandscape", label: "Columns in landscape (0: automatic)", kind: "number" },
];
