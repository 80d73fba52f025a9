// The component layer: a function that builds DOM from data, and nothing more. Text always goes
// in as text nodes (never innerHTML), so a payload can never become markup.

/**
 * Creates an element: h("button", { class: "x", onclick: fn, "aria-label": "Edit" }, "text", child).
 * Attributes named on* become listeners; `dataset` and `style` take objects; false/null skip.
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2), value);
    } else if (name === "dataset") {
      Object.assign(element.dataset, value);
    } else if (name === "style" && typeof value === "object") {
      Object.assign(element.style, value);
    } else if (name === "value" || name === "checked" || name === "selected") {
      element[name] = value;
    } else {
      element.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's children. */
export function replaceChildren(element, ...children) {
  element.replaceChildren();
  append(element, children);
}

/** "12 s ago", "3 min ago", or a date for anything older than a day. */
export function ago(epochSeconds, nowMillis = Date.now()) {
  if (!epochSeconds) return "never";
  const seconds = Math.max(0, Math.round(nowMillis / 1000 - epochSeconds));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return new Date(epochSeconds * 1000).toLocaleString();
}
