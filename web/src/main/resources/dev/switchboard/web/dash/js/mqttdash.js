// MQTT Dash's dashboard JSON: an array of "metrics", each with a numeric "type" and the field
// names MQTT Dash itself writes (what it exports to a file and publishes, retained, on the
// "metrics/exchange" topic). Where the format comes from is written in docs/dashboard.md.
//
// A metric object is kept as it was imported: the dashboard reads fields through metricField()
// with MQTT Dash's defaults, and writes only the fields a user changes, so fields this code does
// not know (a newer MQTT Dash's) are exported again unchanged.

/** MQTT Dash's six tile types, then ours (numbers MQTT Dash does not use). */
export const TYPES = Object.freeze({
  1: "text",
  2: "switch",
  3: "range",
  4: "multi",
  5: "image",
  6: "color",
  101: "chart",
  102: "gauge",
  103: "indicator",
  104: "log",
  105: "note",
});

export const TYPE_NUMBERS = Object.freeze(
  Object.fromEntries(Object.entries(TYPES).map(([n, name]) => [name, Number(n)]))
);

/** Whether MQTT Dash itself knows this type (our extra tiles are 101 and up). */
export function isMqttDashType(type) {
  return type >= 1 && type <= 6;
}

const COMMON = {
  name: "",
  topic: "",
  topicPub: "",
  enablePub: true,
  updateLastPayloadOnPub: true,
  enableIntermediateState: true,
  intermediateStateTimeout: 0,
  enteredIntermediateStateAt: 0,
  qos: 0,
  retained: false,
  lastPayload: "",
  lastActivity: 0,
  jsonPath: "",
  jsOnReceive: "",
  jsOnDisplay: "",
  jsOnTap: "",
  jsBlinkExpression: "",
};

const BY_TYPE = {
  text: { mainTextSize: "LARGE", prefix: "", postfix: "", textColor: -1, enablePub: false },
  switch: {
    payloadOn: "1",
    payloadOff: "0",
    iconOn: "ic_check_box_checked",
    iconOff: "ic_check_box_unchecked",
    onColor: -1,
    offColor: -1,
  },
  range: {
    minValue: 0.0,
    maxValue: 100.0,
    decimalPrecision: 0,
    displayPayloadValue: true,
    prefix: "",
    postfix: "",
    progressColor: -1,
  },
  multi: { mainTextSize: "LARGE", textColor: -1, items: [] },
  image: { kind: 1, imageUrl: "", openUrl: "", reloadInterval: 5, enablePub: false },
  color: { icon: "ic_radio_button_checked", format: 0 },
  chart: { enablePub: false, windowSeconds: 600, maxPoints: 1000, series: [], postfix: "" },
  gauge: {
    enablePub: false,
    minValue: 0,
    maxValue: 100,
    decimalPrecision: 1,
    postfix: "",
    segments: [
      { to: 60, color: "#2e7d32" },
      { to: 85, color: "#f9a825" },
      { to: 100, color: "#c62828" },
    ],
  },
  indicator: {
    enablePub: false,
    payloadOn: "1",
    payloadOff: "0",
    onColor: -16711936,
    offColor: -12566464,
    thresholds: [],
  },
  log: { enablePub: false, maxLines: 50 },
  note: { enablePub: false, text: "" },
};

/** Image tile kinds (MQTT Dash's numbers). */
export const IMAGE_KIND = Object.freeze({ URL: 1, URL_IN_PAYLOAD: 2, DATA_IN_PAYLOAD: 3 });

/** A tile's field, or MQTT Dash's default for it. */
export function metricField(metric, field) {
  if (metric && Object.prototype.hasOwnProperty.call(metric, field) && metric[field] !== null) {
    return metric[field];
  }
  const byType = BY_TYPE[TYPES[metric?.type]] ?? {};
  return field in byType ? byType[field] : COMMON[field];
}

function uuid() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  return "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".replace(/[xy]/g, (c) => {
    const r = (Math.random() * 16) | 0;
    return (c === "x" ? r : (r & 0x3) | 0x8).toString(16);
  });
}

/** A new tile of a type by name ("text", "chart", ...), with every field MQTT Dash writes. */
export function newMetric(typeName, longId = 0) {
  const type = TYPE_NUMBERS[typeName];
  if (!type) throw new Error(`unknown tile type ${typeName}`);
  return structuredClone({
    ...COMMON,
    ...BY_TYPE[typeName],
    id: uuid(),
    longId,
    type,
  });
}

/** A dashboard file that cannot be read; the message says why, for the user. */
export class ImportError extends Error {}

const SCRIPT_FIELDS = ["jsOnReceive", "jsOnDisplay", "jsOnTap", "jsBlinkExpression"];

/** Whether a tile has any script (a simple blink comparison counts: it is a script in MQTT Dash). */
export function hasScripts(metric) {
  return SCRIPT_FIELDS.some((f) => typeof metric[f] === "string" && metric[f].trim() !== "");
}

/**
 * Reads MQTT Dash's export: a JSON array of metrics (also accepted: {"metrics": [...]}). Returns
 * { metrics, warnings, scripts } where scripts counts the tiles with scripts. A file that is not
 * such JSON throws ImportError; a tile with a problem is kept and its problem is a warning, so
 * one bad tile does not lose the others.
 */
export function importDashboard(text) {
  let json;
  try {
    json = JSON.parse(String(text).replace(/^\uFEFF/, ""));
  } catch (e) {
    throw new ImportError(`not JSON: ${e.message}`);
  }
  const list = Array.isArray(json) ? json : Array.isArray(json?.metrics) ? json.metrics : null;
  if (!list) throw new ImportError("expected MQTT Dash's export: a JSON array of metrics");
  const warnings = [];
  const metrics = [];
  const ids = new Set();
  list.forEach((metric, index) => {
    const where = `tile ${index + 1}`;
    if (metric === null || typeof metric !== "object" || Array.isArray(metric)) {
      warnings.push(`${where}: not an object, skipped`);
      return;
    }
    const name = typeof metric.name === "string" ? `"${metric.name}"` : where;
    if (!Number.isInteger(metric.type)) warnings.push(`${name}: no numeric "type"`);
    else if (!TYPES[metric.type]) warnings.push(`${name}: unknown type ${metric.type}, kept as is`);
    if (metric.topic !== undefined && typeof metric.topic !== "string") {
      warnings.push(`${name}: "topic" is not text`);
    }
    if (typeof metric.id !== "string" || metric.id === "" || ids.has(metric.id)) {
      // The dashboard needs a unique id per tile; MQTT Dash's are UUIDs. A missing or repeated
      // one gets a new id (the only change import makes), and the warning says so.
      if (metric.id !== undefined) warnings.push(`${name}: repeated id, given a new one`);
      metric.id = uuid();
    }
    ids.add(metric.id);
    metrics.push(metric);
  });
  return { metrics, warnings, scripts: metrics.filter(hasScripts).length };
}

/**
 * MQTT Dash's export of a dashboard: the metrics as a JSON array. With onlyMqttDashTypes, our
 * extra tiles (chart, gauge, ...) are left out, for a phone whose MQTT Dash would not know them.
 */
export function exportDashboard(metrics, { onlyMqttDashTypes = false } = {}) {
  const list = onlyMqttDashTypes ? metrics.filter((m) => isMqttDashType(m.type)) : metrics;
  return JSON.stringify(list);
}

// ---------------------------------------------------------------- colours

/** MQTT Dash's colour (a signed 32-bit ARGB int, -1 = white) as CSS. */
export function argbToCss(argb) {
  if (typeof argb === "string") return argb; // our tiles may hold CSS colours directly
  const value = Number(argb) >>> 0;
  const a = (value >>> 24) & 0xff;
  const rgb = (value & 0xffffff).toString(16).padStart(6, "0");
  return a === 0xff ? `#${rgb}` : `rgba(${(value >>> 16) & 0xff}, ${(value >>> 8) & 0xff}, ${value & 0xff}, ${(a / 255).toFixed(2)})`;
}

/** A CSS "#rrggbb" as MQTT Dash's signed ARGB int (opaque). */
export function cssToArgb(css) {
  const m = /^#?([0-9a-f]{6})$/i.exec(String(css).trim());
  if (!m) throw new Error(`not a #rrggbb colour: ${css}`);
  return (0xff000000 | parseInt(m[1], 16)) | 0;
}

/**
 * A colour tile's payload as CSS: "#rrggbb" (or "rrggbb", "#aarrggbb") for format HEX, a decimal
 * integer (ARGB or RGB) for INT. Throws with a message for anything else.
 */
export function payloadToCss(payload, format) {
  const text = String(payload).trim();
  const isInt = format === 1 || format === "INT";
  if (isInt) {
    if (!/^-?\d+$/.test(text)) throw new Error(`"${text}" is not an integer colour`);
    const n = Number(text);
    return argbToCss(n < 0 || n > 0xffffff ? n : (0xff000000 | n) | 0);
  }
  const m = /^#?([0-9a-f]{2})?([0-9a-f]{6})$/i.exec(text);
  if (!m) throw new Error(`"${text}" is not a #rrggbb colour`);
  return `#${m[2].toLowerCase()}`;
}

/** A CSS "#rrggbb" as the payload a colour tile publishes in its format. */
export function cssToPayload(css, format) {
  const isInt = format === 1 || format === "INT";
  return isInt ? String(cssToArgb(css)) : css.toLowerCase();
}
