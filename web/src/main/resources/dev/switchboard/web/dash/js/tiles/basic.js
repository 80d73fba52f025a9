// MQTT Dash's six tiles: text, switch/button, range/progress, multi-choice, image, colour.
// A view is { build(tile), show(tile, display), and optionally describe, accept, receive, tap,
// topics, stop }; it keeps its DOM on the tile (tile.parts).

import { h, replaceChildren } from "../dom.js";
import { IMAGE_KIND, payloadToCss, cssToPayload } from "../mqttdash.js";
import { chooser } from "./chooser.js";

const ICONS = {
  // MQTT Dash names its icons after Material ones; the commonest map to a character that common
  // fonts have (no emoji: a phone or CI machine may lack an emoji font), the rest show ON/OFF only.
  ic_check_box_checked: "☑", ic_check_box_unchecked: "☐", ic_lightbulb_on: "☀", ic_lightbulb: "☀",
  ic_lightbulb_outline: "☼", ic_power: "⏻", ic_power_settings_new: "⏻", ic_lock_closed_outline: "▣",
  ic_lock_opened_outline: "□", ic_radio_button_checked: "◉", ic_radio_button_unchecked: "○",
  ic_autorenew: "↻", ic_toggle_on: "◉", ic_toggle_off: "○", ic_alarm: "⏰", ic_alarm_on: "⏰",
  ic_alarm_off: "⏰", ic_fan: "✣", ic_propeller_on: "✣", ic_car: "⛟", ic_door_closed: "▯",
};

/** A metric's icon name as a character, or null when we have none for it. */
export function iconFor(name) {
  return ICONS[name] ?? null;
}

function textSizeClass(tile) {
  return `size-${String(tile.field("mainTextSize") || "LARGE").toLowerCase()}`;
}

export const text = {
  build(tile) {
    tile.parts = { value: h("div", { class: "tile-text" }) };
    tile.body.append(tile.parts.value);
  },
  describe(tile) {
    const value = tile.value === null ? "" : tile.value;
    return { text: value === "" ? "" : `${tile.field("prefix")}${value}${tile.field("postfix")}`, textColor: tile.color("textColor") };
  },
  show(tile, display) {
    tile.parts.value.className = `tile-text ${textSizeClass(tile)}`;
    tile.parts.value.style.color = display.textColor ?? "";
    replaceChildren(tile.parts.value, display.text === "" ? "–" : display.text);
  },
  tap(tile) {
    // MQTT Dash's text tile, when publishing is on, asks for a text to send
    if (!tile.field("enablePub")) return;
    chooser.prompt(`Publish to ${tile.field("topicPub") || tile.field("topic")}`, tile.lastPayload).then((value) => {
      if (value !== null) tile.publish(value);
    });
  },
};

export const switchView = {
  build(tile) {
    tile.parts = { button: h("div", { class: "tile-switch", role: "switch", "aria-checked": "false" }) };
    tile.body.append(tile.parts.button);
  },
  state(tile) {
    if (tile.value === null || tile.value === undefined || tile.value === "") return null;
    if (tile.value === String(tile.field("payloadOn"))) return true;
    if (tile.value === String(tile.field("payloadOff"))) return false;
    return undefined;
  },
  receive(tile) {
    const state = switchView.state(tile);
    tile.problems.delete("payload");
    if (state === undefined) {
      tile.problems.set("payload", `"${tile.value}" is neither on ("${tile.field("payloadOn")}") nor off ("${tile.field("payloadOff")}")`);
    }
  },
  describe(tile) {
    const state = switchView.state(tile);
    const on = state === true;
    return {
      text: state === null || state === undefined ? "?" : on ? "ON" : "OFF",
      textColor: tile.color(on ? "onColor" : "offColor"),
    };
  },
  show(tile, display) {
    const state = switchView.state(tile);
    const icon = iconFor(tile.field(state ? "iconOn" : "iconOff"));
    const button = tile.parts.button;
    button.setAttribute("aria-checked", state === true ? "true" : "false");
    button.dataset.on = state === true ? "true" : state === false ? "false" : "unknown";
    button.style.color = display.textColor ?? "";
    replaceChildren(button, icon ? h("span", { class: "tile-icon", "aria-hidden": "true" }, icon) : null, h("span", { class: "tile-text" }, display.text));
  },
  tap(tile) {
    const on = switchView.state(tile) === true;
    tile.publish(String(tile.field(on ? "payloadOff" : "payloadOn")));
  },
};

function decimals(tile) {
  return Math.max(0, Math.min(10, Number(tile.field("decimalPrecision")) || 0));
}

export const range = {
  build(tile) {
    const slider = h("input", {
      type: "range",
      class: "tile-slider",
      "aria-label": tile.metric.name,
      min: tile.field("minValue"),
      max: tile.field("maxValue"),
      step: Math.pow(10, -decimals(tile)),
    });
    slider.addEventListener("change", () => tile.publish(Number(slider.value).toFixed(decimals(tile))));
    tile.parts = {
      value: h("div", { class: "tile-text" }),
      bar: h("div", { class: "tile-progress" }, h("div", { class: "tile-progress-fill" })),
      slider,
    };
    tile.body.append(tile.parts.value, tile.parts.bar, tile.field("enablePub") ? slider : null);
  },
  number(tile) {
    if (tile.value === null || String(tile.value).trim() === "") return null;
    const n = Number(String(tile.value).trim());
    return Number.isFinite(n) ? n : NaN;
  },
  receive(tile) {
    const n = range.number(tile);
    const min = Number(tile.field("minValue"));
    const max = Number(tile.field("maxValue"));
    tile.problems.delete("value");
    if (Number.isNaN(n)) tile.problems.set("value", `"${tile.value}" is not a number`);
    else if (n !== null && (n < min || n > max)) tile.problems.set("value", `${n} is outside ${min}…${max}`);
  },
  describe(tile) {
    const n = range.number(tile);
    if (n === null || Number.isNaN(n)) return { text: "", percent: 0 };
    const min = Number(tile.field("minValue"));
    const max = Number(tile.field("maxValue"));
    const percent = max > min ? Math.max(0, Math.min(100, ((n - min) / (max - min)) * 100)) : 0;
    const shown = tile.field("displayPayloadValue") ? n : percent;
    return { text: `${tile.field("prefix")}${shown.toFixed(decimals(tile))}${tile.field("postfix")}`, percent, number: n };
  },
  show(tile, display) {
    replaceChildren(tile.parts.value, display.text === "" ? "–" : display.text);
    const fill = tile.parts.bar.firstChild;
    fill.style.width = `${display.percent ?? 0}%`;
    fill.style.background = tile.color("progressColor") ?? "";
    if (display.number !== undefined && document.activeElement !== tile.parts.slider) tile.parts.slider.value = String(display.number);
  },
};

export const multi = {
  build(tile) {
    tile.parts = { value: h("div", { class: "tile-text" }) };
    tile.body.append(tile.parts.value);
  },
  items(tile) {
    const items = tile.field("items");
    return Array.isArray(items) ? items.filter((i) => i && typeof i === "object") : [];
  },
  receive(tile) {
    tile.problems.delete("payload");
    if (tile.value !== null && tile.value !== "" && !multi.items(tile).some((i) => String(i.payload) === tile.value)) {
      tile.problems.set("payload", `"${tile.value}" is none of the choices`);
    }
  },
  describe(tile) {
    const item = multi.items(tile).find((i) => String(i.payload) === tile.value);
    return { text: item ? item.label || item.payload : tile.value ?? "", textColor: tile.color("textColor") };
  },
  show(tile, display) {
    tile.parts.value.className = `tile-text ${textSizeClass(tile)}`;
    tile.parts.value.style.color = display.textColor ?? "";
    replaceChildren(tile.parts.value, display.text === "" ? "–" : display.text);
  },
  tap(tile) {
    const items = multi.items(tile);
    if (!tile.field("enablePub") || items.length === 0) return;
    chooser
      .choose(tile.metric.name, items.map((i) => ({ label: i.label || i.payload, value: String(i.payload), current: String(i.payload) === tile.value })))
      .then((payload) => {
        if (payload !== null) tile.publish(payload);
      });
  },
};

export const image = {
  build(tile) {
    const img = h("img", { class: "tile-image", alt: tile.metric.name || "image" });
    img.addEventListener("error", () => {
      if (img.getAttribute("src")) tile.setProblem("image", "the image did not load");
    });
    img.addEventListener("load", () => tile.setProblem("image", null));
    tile.parts = { img };
    tile.body.append(img);
    if (Number(tile.field("kind")) === IMAGE_KIND.URL) {
      const load = () => image.load(tile, tile.field("imageUrl"), true);
      load();
      const seconds = Number(tile.field("reloadInterval")) || 0;
      if (seconds > 0) tile.parts.timer = setInterval(load, seconds * 1000);
    }
  },
  load(tile, url, bustCache) {
    if (!url) return;
    let address;
    try {
      address = new URL(url, location.href);
    } catch {
      tile.setProblem("image", `"${url}" is not a URL`);
      return;
    }
    if (!/^(https?|blob|data):$/.test(address.protocol)) {
      tile.setProblem("image", `"${address.protocol}" images are not shown`);
      return;
    }
    if (bustCache && /^https?:$/.test(address.protocol)) address.searchParams.set("_", String(Date.now()));
    tile.parts.img.src = address.href;
  },
  receive(tile, value, message, restoring) {
    const kind = Number(tile.field("kind"));
    if (kind === IMAGE_KIND.URL_IN_PAYLOAD) image.load(tile, String(value ?? "").trim(), false);
    else if (kind === IMAGE_KIND.DATA_IN_PAYLOAD && message?.bytes && !restoring) {
      if (tile.parts.blobUrl) URL.revokeObjectURL(tile.parts.blobUrl);
      tile.parts.blobUrl = URL.createObjectURL(new Blob([message.bytes]));
      tile.parts.img.src = tile.parts.blobUrl;
      tile.lastPayload = `(${message.bytes.length} bytes)`;
      tile.metric.lastPayload = "";
    }
  },
  describe() {
    return { text: "" };
  },
  show() {},
  tap(tile) {
    const open = tile.field("openUrl");
    if (open) tile.host.onOpenUri(open);
  },
  stop(tile) {
    clearInterval(tile.parts?.timer);
    if (tile.parts?.blobUrl) URL.revokeObjectURL(tile.parts.blobUrl);
  },
};

export const color = {
  build(tile) {
    const picker = h("input", { type: "color", class: "tile-color-input", "aria-label": `Pick ${tile.metric.name}` });
    picker.addEventListener("change", () => tile.publish(cssToPayload(picker.value, tile.field("format"))));
    tile.parts = { swatch: h("div", { class: "tile-swatch" }), label: h("div", { class: "tile-text size-small" }), picker };
    tile.body.append(tile.parts.swatch, tile.parts.label, picker);
  },
  receive(tile) {
    tile.problems.delete("colour");
    tile.parts.css = null;
    if (tile.value === null || tile.value === "") return;
    try {
      tile.parts.css = payloadToCss(tile.value, tile.field("format"));
    } catch (e) {
      tile.problems.set("colour", e.message);
    }
  },
  describe(tile) {
    return { text: tile.parts.css ?? "", textColor: tile.parts.css };
  },
  show(tile, display) {
    tile.parts.swatch.style.background = display.textColor ?? "transparent";
    replaceChildren(tile.parts.label, display.text || "–");
    if (display.textColor && /^#[0-9a-f]{6}$/i.test(display.textColor)) tile.parts.picker.value = display.textColor;
  },
  tap(tile) {
    if (tile.field("enablePub")) tile.parts.picker.click();
  },
};

/** A type this dashboard does not know (a newer MQTT Dash's): kept, shown, exported unchanged. */
export const unknown = {
  build(tile) {
    tile.problems.set("type", `tile type ${tile.metric.type} is not known here; it is kept as it is`);
    tile.parts = { value: h("div", { class: "tile-text size-small" }) };
    tile.body.append(tile.parts.value);
  },
  show(tile, display) {
    replaceChildren(tile.parts.value, display.text || "–");
  },
};
