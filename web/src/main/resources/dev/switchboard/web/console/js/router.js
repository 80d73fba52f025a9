// Hash routing: "#/devices?hub=default&cursor=..." names the page and its filters, so that reload,
// back and forward show what was shown, and a URL can be shared.

/** The page and parameters of a hash (the current one by default). */
export function parse(hash = location.hash) {
  const text = hash.replace(/^#\/?/, "");
  const [page, query = ""] = text.split("?", 2);
  return { page: page || "overview", params: Object.fromEntries(new URLSearchParams(query)) };
}

/** The hash of a page with parameters (empty values left out). */
export function href(page, params = {}) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") query.set(name, String(value));
  }
  const text = query.toString();
  return `#/${page}${text ? "?" + text : ""}`;
}

/** Goes to a page; `replace` changes the current history entry instead of adding one. */
export function navigate(page, params = {}, { replace = false } = {}) {
  const target = href(page, params);
  if (target === location.hash) {
    globalThis.dispatchEvent(new HashChangeEvent("hashchange"));
  } else if (replace) {
    history.replaceState(null, "", target);
    globalThis.dispatchEvent(new HashChangeEvent("hashchange"));
  } else {
    location.hash = target;
  }
}
