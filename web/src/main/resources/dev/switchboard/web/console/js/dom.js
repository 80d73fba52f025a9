// The component layer is the dashboard's (/dash/js/dom.js: `h` builds DOM from data, text always
// as text nodes, never innerHTML, so a payload, a client id or a problem's detail can never become
// markup), loaded from the same server as uPlot is; here only what the console adds.
export { h, replaceChildren } from "/dash/js/dom.js";

let ids = 0;

/** A unique id for label/aria wiring. */
export function uid(prefix = "f") {
  ids += 1;
  return `${prefix}-${ids}`;
}

/** "2030-01-31T12:00:00Z" as the browser's local date and time; "—" for none. */
export function time(iso) {
  if (!iso) return "—";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

/** A number with thousands separators; "—" for null. */
export function number(value, digits = 0) {
  if (value === null || value === undefined) return "—";
  return Number(value).toLocaleString(undefined, { maximumFractionDigits: digits });
}
