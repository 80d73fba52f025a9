// The REST API (/api/v1), the console's only back end. The session is the HttpOnly cookie the login
// sets; the CSRF token the login answers with is kept in sessionStorage (where the dashboard at /dash
// reads it too) and sent as X-CSRF-Token on every change.

export const CSRF_KEY = "switchboard.csrfToken";
const BASE = "/api/v1";

/** A problem the API answered (RFC 9457), with the field at fault when it names one. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.code = problem.code ?? null;
    this.field = problem.field ?? null;
  }
}

/** Calls the API; resolves to the JSON body (null for 204), rejects with an ApiError. */
export async function api(method, path, body, { query } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const token = sessionStorage.getItem(CSRF_KEY);
  if (method !== "GET" && token) headers["X-CSRF-Token"] = token;
  const response = await fetch(BASE + path + queryString(query), {
    method,
    headers,
    credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 204) return null;
  let json = null;
  try {
    json = await response.json();
  } catch {
    json = { detail: response.statusText };
  }
  if (!response.ok) {
    const error = new ApiError(response.status, json ?? {});
    if (response.status === 401 && path !== "/login") {
      sessionStorage.removeItem(CSRF_KEY);
      globalThis.dispatchEvent(new CustomEvent("switchboard:logged-out"));
    }
    throw error;
  }
  return json;
}

/** "?a=1&b=2" of the non-empty values of an object; "" when there are none. */
export function queryString(query) {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== "") params.set(name, String(value));
  }
  const text = params.toString();
  return text ? "?" + text : "";
}

/** /hubs/{hub}{rest}: a hub's resource path, the hub's name escaped. */
export function hubPath(hub, rest = "") {
  return `/hubs/${encodeURIComponent(hub)}${rest}`;
}

/** An event stream of the hub's messages matching a filter (EventSource sends the cookie). */
export function openStream(hub, filter) {
  return new EventSource(`${BASE}${hubPath(hub, "/stream")}${queryString({ filter })}`);
}
