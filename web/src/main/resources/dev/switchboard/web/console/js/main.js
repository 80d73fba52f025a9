// The console: MyQttHub's panel and more, over the REST API. Starts at the login page when there is
// no session, else at the page the URL names.
import { api, CSRF_KEY } from "./api.js";
import { h, replaceChildren } from "./dom.js";
import { href, navigate, parse } from "./router.js";
import { field, form } from "./ui.js";
import { PAGES, NAVIGATION, NAVIGATION_PARENT } from "./pages/index.js";

const root = document.getElementById("app");
let me = null;
let leave = [];

function cleanUp() {
  for (const stop of leave) {
    try {
      stop();
    } catch {
      // a page's clean-up that fails must not keep the next page from showing
    }
  }
  leave = [];
}

function loginPage(reason) {
  cleanUp();
  document.title = "Log in — Switchboard";
  const page = h(
    "main",
    { class: "login", id: "main" },
    h("h1", {}, "Switchboard"),
    reason ? h("p", { class: "notice error", role: "alert" }, reason) : null,
    form(
      [
        field("User name", "username", { autocomplete: "username", required: true, autofocus: true }),
        field("Password", "password", { kind: "password", autocomplete: "current-password", required: true }),
      ],
      async (v) => {
        const answer = await api("POST", "/login", { username: v.username, password: v.password });
        sessionStorage.setItem(CSRF_KEY, answer.csrfToken);
        me = { name: answer.username, hub: answer.hub, role: answer.role, kind: "session" };
        render();
      },
      { label: "Log in" },
    ),
    h(
      "p",
      { class: "hint" },
      "The first start prints how to make an administrator: ",
      h("code", {}, "switchboard admins add NAME --role owner --generate"),
      ".",
    ),
  );
  replaceChildren(root, page);
  page.querySelector("input")?.focus();
}

async function logout() {
  try {
    await api("POST", "/logout");
  } catch {
    // already logged out: the login page is what comes next anyway
  }
  sessionStorage.removeItem(CSRF_KEY);
  me = null;
  hubNames = null;
  history.replaceState(null, "", location.pathname);
  loginPage("Logged out.");
}

async function hubsOf(user) {
  if (user.hub) return [user.hub];
  try {
    const list = await api("GET", "/hubs", undefined, { query: { limit: 1000 } });
    return list.items.map((hub) => hub.name);
  } catch {
    return ["default"];
  }
}

let hubNames = null;

async function render() {
  cleanUp();
  if (!me) {
    if (!sessionStorage.getItem(CSRF_KEY)) {
      loginPage(); // not logged in in this tab: asking /me would only log a 401
      return;
    }
    try {
      me = await api("GET", "/me");
    } catch {
      loginPage();
      return;
    }
  }
  hubNames ??= await hubsOf(me);
  const route = parse();
  const page = PAGES[route.page] ? route.page : "overview";
  const hub = me.hub ?? route.params.hub ?? (hubNames.includes("default") ? "default" : hubNames[0]);
  const content = h("main", { id: "main", tabindex: "-1" });
  const shell = h(
    "div",
    { class: "shell" },
    h("a", { class: "skip", href: "#main", onclick: (e) => { e.preventDefault(); content.focus(); } }, "Skip to content"),
    h(
      "header",
      { class: "top" },
      h("span", { class: "brand" }, "Switchboard"),
      hubSelector(hub, route, page),
      h(
        "span",
        { class: "who" },
        h("span", { class: "user" }, `${me.name} (${me.role}${me.hub ? " of " + me.hub : ""})`),
        h("button", { type: "button", class: "logout", onclick: logout }, "Log out"),
      ),
    ),
    h(
      "nav",
      { class: "side", "aria-label": "Pages" },
      h(
        "ul",
        {},
        NAVIGATION.filter(([, , serverOnly]) => !serverOnly || !me.hub).map(([name, label]) =>
          h(
            "li",
            {},
            h("a", { href: href(name, name === "hubs" ? {} : { hub }), "aria-current": name === (NAVIGATION_PARENT[page] ?? page) ? "page" : null }, label),
          ),
        ),
      ),
    ),
    content,
  );
  replaceChildren(root, shell);
  const context = {
    hub,
    me,
    route: { page, params: { ...route.params, hub } },
    main: content,
    navigate,
    onLeave: (stop) => leave.push(stop),
    refresh: render,
  };
  try {
    await PAGES[page](context);
  } catch (error) {
    content.append(h("p", { class: "notice error", role: "alert" }, error.message ?? String(error)));
  }
}

function hubSelector(hub, route, page) {
  if (hubNames.length <= 1 && (me.hub || hubNames[0] === hub)) {
    return h("span", { class: "hub" }, "hub ", h("strong", {}, hub));
  }
  const names = hubNames.includes(hub) ? hubNames : [hub, ...hubNames];
  return h(
    "label",
    { class: "hub" },
    "hub ",
    h(
      "select",
      { onchange: (e) => navigate(page, { hub: e.target.value }) },
      names.map((name) => h("option", { value: name, selected: name === hub }, name)),
    ),
  );
}

globalThis.addEventListener("hashchange", () => {
  if (me) render();
});
globalThis.addEventListener("switchboard:logged-out", () => {
  me = null;
  hubNames = null;
  loginPage("Your session ended: log in again.");
});
render();
