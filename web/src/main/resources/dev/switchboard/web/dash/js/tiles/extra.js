// Tiles MQTT Dash does not have: line chart (uPlot), gauge, indicator/LED, log, Markdown note.
// Their type numbers start at 101 (see mqttdash.js); MQTT Dash does not show them.

import uPlot from "../../vendor/uplot/uPlot.esm.js";
import { h, replaceChildren } from "../dom.js";
import { extract } from "../jsonpath.js";
import { renderMarkdown } from "../markdown.js";
import { topicMatches } from "../session.js";

const PALETTE = ["#4fc3f7", "#ffb74d", "#81c784", "#e57373", "#ba68c8", "#fff176"];

function numberOf(value) {
  if (value === null || value === undefined || String(value).trim() === "") return NaN;
  return Number(String(value).trim());
}

/**
 * The chart's series: the tile's own topic and JSON path first, then `series`
 * ([{ label, topic, jsonPath, color }]) for more lines on the same time axis.
 */
function seriesOf(tile) {
  const extra = Array.isArray(tile.field("series")) ? tile.field("series") : [];
  return [
    { label: tile.metric.name || tile.field("topic"), topic: tile.field("topic"), jsonPath: null, color: tile.color("textColor") },
    ...extra.map((s) => ({ label: s.label || s.topic, topic: s.topic, jsonPath: s.jsonPath || "", color: s.color })),
  ].map((s, i) => ({ ...s, color: s.color || PALETTE[i % PALETTE.length] }));
}

export const chart = {
  build(tile) {
    const series = seriesOf(tile);
    tile.parts = {
      series,
      times: [],
      values: series.map(() => []),
      holder: h("div", { class: "tile-chart" }),
      latest: h("div", { class: "tile-text size-small" }),
    };
    tile.body.append(tile.parts.latest, tile.parts.holder);
  },
  topics(tile) {
    return tile.parts.series.map((s) => s.topic);
  },
  ensurePlot(tile) {
    if (tile.parts.plot) return tile.parts.plot;
    const width = Math.max(120, tile.parts.holder.clientWidth || tile.element.clientWidth - 16 || 300);
    const options = {
      width,
      height: Math.max(100, Math.round(width * 0.5)),
      legend: { show: tile.parts.series.length > 1 },
      cursor: { show: false },
      axes: [
        { stroke: "#aaa", grid: { stroke: "#333" }, ticks: { stroke: "#333" } },
        { stroke: "#aaa", grid: { stroke: "#333" }, ticks: { stroke: "#333" }, size: 44 },
      ],
      series: [{}, ...tile.parts.series.map((s) => ({ label: s.label, stroke: s.color, width: 2, spanGaps: true }))],
    };
    tile.parts.plot = new uPlot(options, [tile.parts.times, ...tile.parts.values], tile.parts.holder);
    new ResizeObserver(() => {
      const w = tile.parts.holder.clientWidth;
      if (w > 0 && Math.abs(w - tile.parts.plot.width) > 4) tile.parts.plot.setSize({ width: w, height: Math.max(100, Math.round(w * 0.5)) });
    }).observe(tile.parts.holder);
    return tile.parts.plot;
  },
  /** A message on any of the series' topics: its number goes on the chart at the time it came. */
  accept(tile, value, message) {
    if (!message) return true; // restoring the last payload: nothing to plot
    const parts = tile.parts;
    const points = new Array(parts.series.length).fill(null);
    let ownTopic = false;
    parts.series.forEach((s, i) => {
      if (!s.topic || !topicMatches(s.topic, message.topic)) return;
      let v = value;
      if (i === 0) ownTopic = true;
      else {
        try {
          v = s.jsonPath ? extract(new TextDecoder().decode(message.bytes), s.jsonPath) : new TextDecoder().decode(message.bytes);
        } catch (e) {
          tile.problems.set(s.label, e.message);
          return;
        }
      }
      const n = numberOf(v);
      if (Number.isFinite(n)) {
        points[i] = n;
        tile.problems.delete(i === 0 ? "value" : s.label);
      } else if (v !== null) tile.problems.set(i === 0 ? "value" : s.label, `"${v}" is not a number`);
    });
    if (points.some((p) => p !== null)) {
      const now = Date.now() / 1000;
      parts.times.push(now);
      points.forEach((p, i) => parts.values[i].push(p));
      const windowStart = now - (Number(tile.field("windowSeconds")) || 600);
      const maxPoints = Number(tile.field("maxPoints")) || 1000;
      while (parts.times.length > maxPoints || (parts.times.length > 1 && parts.times[0] < windowStart)) {
        parts.times.shift();
        parts.values.forEach((v) => v.shift());
      }
      tile.element.dataset.points = String(parts.times.length);
    }
    return ownTopic; // another series' message: plotted, but not the tile's last payload
  },
  describe(tile) {
    const last = tile.parts.values[0].findLast?.((v) => v !== null) ?? null;
    return { text: last === null ? "" : `${last}${tile.field("postfix")}` };
  },
  show(tile, display) {
    replaceChildren(tile.parts.latest, display.text || "–");
    if (tile.parts.times.length) chart.ensurePlot(tile).setData([tile.parts.times, ...tile.parts.values]);
  },
  stop(tile) {
    tile.parts.plot?.destroy();
  },
};

const SVG = "http://www.w3.org/2000/svg";
function svg(tag, attributes) {
  const element = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attributes)) element.setAttribute(k, String(v));
  return element;
}

function arcPath(fraction0, fraction1, radius) {
  // a half circle from the left (0) to the right (1), centre (60, 60)
  const point = (f) => {
    const angle = Math.PI * (1 - f);
    return [60 + radius * Math.cos(angle), 60 - radius * Math.sin(angle)];
  };
  const [x0, y0] = point(fraction0);
  const [x1, y1] = point(fraction1);
  return `M ${x0.toFixed(2)} ${y0.toFixed(2)} A ${radius} ${radius} 0 0 1 ${x1.toFixed(2)} ${y1.toFixed(2)}`;
}

export const gauge = {
  build(tile) {
    const min = Number(tile.field("minValue"));
    const max = Number(tile.field("maxValue"));
    const graphic = svg("svg", { viewBox: "0 0 120 70", class: "tile-gauge", role: "img" });
    let from = 0;
    const segments = Array.isArray(tile.field("segments")) ? tile.field("segments") : [];
    for (const segment of segments) {
      const to = Math.max(0, Math.min(1, (Number(segment.to) - min) / (max - min)));
      if (to > from) graphic.append(svg("path", { d: arcPath(from, to, 48), stroke: segment.color, "stroke-width": 10, fill: "none" }));
      from = Math.max(from, to);
    }
    if (from < 1) graphic.append(svg("path", { d: arcPath(from, 1, 48), stroke: "#555", "stroke-width": 10, fill: "none" }));
    const needle = svg("line", { x1: 60, y1: 60, x2: 16, y2: 60, stroke: "currentColor", "stroke-width": 3, "stroke-linecap": "round" });
    graphic.append(needle, svg("circle", { cx: 60, cy: 60, r: 4, fill: "currentColor" }));
    tile.parts = { graphic, needle, value: h("div", { class: "tile-text size-medium" }) };
    tile.body.append(graphic, tile.parts.value);
  },
  receive(tile) {
    const n = numberOf(tile.value);
    tile.problems.delete("value");
    const min = Number(tile.field("minValue"));
    const max = Number(tile.field("maxValue"));
    if (tile.value !== null && !Number.isFinite(n)) tile.problems.set("value", `"${tile.value}" is not a number`);
    else if (n < min || n > max) tile.problems.set("value", `${n} is outside ${min}…${max}`);
  },
  describe(tile) {
    const n = numberOf(tile.value);
    if (!Number.isFinite(n)) return { text: "" };
    const digits = Math.max(0, Math.min(10, Number(tile.field("decimalPrecision")) || 0));
    return { text: `${n.toFixed(digits)}${tile.field("postfix")}`, number: n };
  },
  show(tile, display) {
    replaceChildren(tile.parts.value, display.text || "–");
    const min = Number(tile.field("minValue"));
    const max = Number(tile.field("maxValue"));
    const f = display.number === undefined ? 0 : Math.max(0, Math.min(1, (display.number - min) / (max - min)));
    const angle = Math.PI * (1 - f);
    tile.parts.needle.setAttribute("x2", (60 + 44 * Math.cos(angle)).toFixed(2));
    tile.parts.needle.setAttribute("y2", (60 - 44 * Math.sin(angle)).toFixed(2));
    tile.parts.graphic.setAttribute("aria-label", display.text || "no value");
  },
};

/**
 * An LED: with thresholds ([{ from, color, label }], ascending) the colour of the highest
 * threshold the number reaches; without, on/off payloads like a switch.
 */
export const indicator = {
  build(tile) {
    tile.parts = { led: h("div", { class: "tile-led", role: "img" }), label: h("div", { class: "tile-text size-small" }) };
    tile.body.append(tile.parts.led, tile.parts.label);
  },
  describe(tile) {
    const thresholds = Array.isArray(tile.field("thresholds")) ? tile.field("thresholds") : [];
    tile.problems.delete("value");
    if (tile.value === null || tile.value === "") return { text: "", textColor: null };
    if (thresholds.length) {
      const n = numberOf(tile.value);
      if (!Number.isFinite(n)) {
        tile.problems.set("value", `"${tile.value}" is not a number`);
        return { text: tile.value, textColor: null };
      }
      const reached = thresholds.filter((t) => n >= Number(t.from)).pop();
      return { text: reached?.label ? `${reached.label} (${n})` : String(n), textColor: reached?.color ?? null };
    }
    if (tile.value === String(tile.field("payloadOn"))) return { text: "on", textColor: tile.color("onColor") };
    if (tile.value === String(tile.field("payloadOff"))) return { text: "off", textColor: tile.color("offColor") };
    tile.problems.set("value", `"${tile.value}" is neither on nor off`);
    return { text: tile.value, textColor: null };
  },
  show(tile, display) {
    tile.parts.led.style.background = display.textColor ?? "#444";
    tile.parts.led.style.boxShadow = display.textColor ? `0 0 12px ${display.textColor}` : "none";
    tile.parts.led.setAttribute("aria-label", display.text || "no value");
    replaceChildren(tile.parts.label, display.text || "–");
  },
};

export const log = {
  build(tile) {
    tile.parts = { lines: [], list: h("ol", { class: "tile-log" }) };
    tile.body.append(tile.parts.list);
  },
  receive(tile, value, message, restoring) {
    if (restoring) return;
    const time = new Date().toLocaleTimeString();
    const topic = message && message.topic !== tile.field("topic") ? `${message.topic}: ` : "";
    tile.parts.lines.unshift(`${time}  ${topic}${value ?? tile.lastPayload}`);
    tile.parts.lines.length = Math.min(tile.parts.lines.length, Math.max(1, Number(tile.field("maxLines")) || 50));
  },
  show(tile) {
    replaceChildren(tile.parts.list, tile.parts.lines.map((line) => h("li", {}, line)));
  },
};

/** A Markdown note: its own text, or the last payload when it has a topic. */
export const note = {
  build(tile) {
    tile.parts = { content: h("div", { class: "tile-note" }) };
    tile.body.append(tile.parts.content);
  },
  show(tile) {
    const source = tile.field("topic") && tile.value !== null ? tile.value : tile.field("text");
    // renderMarkdown escapes every character of its source: this is markup it made, not the source's
    tile.parts.content.innerHTML = renderMarkdown(source ?? "");
  },
};
