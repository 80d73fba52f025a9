// The server's side: hubs (server administrators), administrators, API keys and the audit log.
import { api, hubPath } from "../api.js";
import { h, replaceChildren, time } from "../dom.js";
import { confirmAction, field, form, notice, pagedTable, pill, secretBox } from "../ui.js";

const ROLES = [["viewer", "viewer: reads"], ["admin", "admin: also changes"], ["owner", "owner: also administrators and keys"]];

export async function hubs(ctx) {
  const { main, route } = ctx;
  document.title = "Hubs — Switchboard";
  const status = notice();
  const page = await api("GET", "/hubs", undefined, { query: { limit: 100, cursor: route.params.cursor } });

  async function toggle(hub) {
    const enable = hub.status !== "enabled";
    if (!enable && !(await confirmAction(`Disable hub ${hub.name}?`, ["its clients are disconnected and cannot log in until it is enabled again"], { action: "Disable" }))) return;
    try {
      await api("PATCH", `/hubs/${encodeURIComponent(hub.name)}`, { enabled: enable });
      ctx.refresh();
    } catch (error) {
      status.error(error);
    }
  }

  async function remove(hub) {
    const ok = await confirmAction(`Delete hub ${hub.name}?`, [
      "its devices, access rules, administrators, API keys and dashboards",
      "its sessions and retained messages; its clients are disconnected",
      "the audit log keeps what was done in it",
    ]);
    if (!ok) return;
    try {
      await api("DELETE", `/hubs/${encodeURIComponent(hub.name)}`, undefined, { query: { force: true } });
      ctx.refresh();
    } catch (error) {
      status.error(error);
    }
  }

  const limit = (l, name) => (l?.[name] ? String(l[name]) : "—");
  replaceChildren(
    main,
    h("h1", {}, "Hubs"),
    status.element,
    pagedTable(
      "Hubs of this server",
      [
        ["Name", (hb) => h("strong", {}, hb.name)],
        ["Display name", (hb) => hb.displayName ?? ""],
        ["Status", (hb) => pill(hb.status, hb.status === "enabled")],
        ["Device limit", (hb) => limit(hb.limits, "devices")],
        ["Connection limit", (hb) => limit(hb.limits, "connections")],
        ["Created", (hb) => time(hb.createdAt)],
        [
          "Actions",
          (hb) =>
            h(
              "div",
              { class: "actions" },
              h("button", { type: "button", onclick: () => toggle(hb) }, hb.status === "enabled" ? "Disable" : "Enable"),
              h("button", { type: "button", class: "danger", onclick: () => remove(hb), "aria-label": `Delete hub ${hb.name}` }, "Delete"),
            ),
        ],
      ],
      page,
      route,
    ),
    h("h2", {}, "Add a hub"),
    form(
      [
        field("Name", "name", { required: true, autocomplete: "off" }),
        field("Display name", "displayName"),
        h(
          "div",
          { class: "row" },
          field("Device limit (empty: none)", "limits.devices", { kind: "number", min: 0 }),
          field("Connection limit (empty: none)", "limits.connections", { kind: "number", min: 0 }),
        ),
      ],
      async (v) => {
        const body = { name: v.name };
        if (v.displayName) body.displayName = v.displayName;
        const limits = {};
        if (v["limits.devices"] !== "") limits.devices = Number(v["limits.devices"]);
        if (v["limits.connections"] !== "") limits.connections = Number(v["limits.connections"]);
        if (Object.keys(limits).length) body.limits = limits;
        await api("POST", "/hubs", body);
        ctx.refresh();
      },
      { label: "Add hub" },
    ),
  );
}

/** Administrators: a server administrator sees the server's; a hub's sees the hub's. */
export async function admins(ctx) {
  const { hub, main, me } = ctx;
  document.title = "Administrators — Switchboard";
  const status = notice();
  const shown = h("div");
  const scope = ctx.route.params.scope ?? (me.hub ? "hub" : "server");
  const base = scope === "server" ? "/admins" : hubPath(hub, "/admins");
  const list = await api("GET", base);

  async function remove(admin) {
    const ok = await confirmAction(`Remove administrator ${admin.name}?`, [`${admin.name} (${admin.role}) can no longer log in; their sessions end`]);
    if (!ok) return;
    try {
      await api("DELETE", `${base}/${encodeURIComponent(admin.name)}`);
      ctx.refresh();
    } catch (error) {
      status.error(error);
    }
  }

  async function changeRole(admin, role) {
    try {
      await api("PATCH", `${base}/${encodeURIComponent(admin.name)}`, { role });
      status.ok(`${admin.name} is now ${role}.`);
    } catch (error) {
      status.error(error);
    }
  }

  replaceChildren(
    main,
    h("h1", {}, scope === "server" ? "Server administrators" : `Administrators of hub ${hub}`),
    me.hub
      ? null
      : h(
          "p",
          { class: "toolbar" },
          h("a", { href: `#/admins?hub=${encodeURIComponent(hub)}&scope=server`, "aria-current": scope === "server" ? "true" : null }, "Server's"),
          h("a", { href: `#/admins?hub=${encodeURIComponent(hub)}&scope=hub`, "aria-current": scope === "hub" ? "true" : null }, `Hub ${hub}'s`),
        ),
    status.element,
    shown,
    pagedTable(
      "Administrators",
      [
        ["Name", (a) => h("strong", {}, a.name)],
        [
          "Role",
          (a) =>
            h(
              "select",
              { "aria-label": `Role of ${a.name}`, onchange: (e) => changeRole(a, e.target.value) },
              ROLES.map(([v]) => h("option", { value: v, selected: v === a.role }, v)),
            ),
        ],
        ["Since", (a) => time(a.createdAt)],
        ["Actions", (a) => h("button", { type: "button", class: "danger", onclick: () => remove(a), "aria-label": `Remove ${a.name}` }, "Remove")],
      ],
      list,
      ctx.route,
    ),
    h("h2", {}, "Add an administrator"),
    form(
      [
        field("Name", "name", { required: true, autocomplete: "off" }),
        field("Role", "role", { kind: "select", options: ROLES }),
        field("Password (empty: generate one)", "password", { kind: "password", autocomplete: "new-password" }),
      ],
      async (v) => {
        const body = { name: v.name, role: v.role };
        if (v.password) body.password = v.password;
        else body.generatePassword = true;
        const made = await api("POST", base, body);
        if (made.generatedPassword) replaceChildren(shown, secretBox(`Password of ${v.name}`, [[v.name, made.generatedPassword]]));
        status.ok(`Administrator ${v.name} added.`);
        setTimeout(() => ctx.refresh(), 0);
      },
      { label: "Add administrator" },
    ),
  );
}

export async function apiKeys(ctx) {
  const { hub, main, me } = ctx;
  document.title = "API keys — Switchboard";
  const status = notice();
  const shown = h("div");
  const scope = ctx.route.params.scope ?? (me.hub ? "hub" : "server");
  const base = scope === "server" ? "/api-keys" : hubPath(hub, "/api-keys");
  const list = await api("GET", base);

  async function revoke(key) {
    const ok = await confirmAction(`Revoke key ${key.id}?`, [`${key.label || key.id} (${key.role}) stops working at once`], { action: "Revoke" });
    if (!ok) return;
    try {
      await api("DELETE", `${base}/${encodeURIComponent(key.id)}`);
      ctx.refresh();
    } catch (error) {
      status.error(error);
    }
  }

  replaceChildren(
    main,
    h("h1", {}, scope === "server" ? "Server API keys" : `API keys of hub ${hub}`),
    me.hub
      ? null
      : h(
          "p",
          { class: "toolbar" },
          h("a", { href: `#/keys?hub=${encodeURIComponent(hub)}&scope=server` }, "Server's"),
          h("a", { href: `#/keys?hub=${encodeURIComponent(hub)}&scope=hub` }, `Hub ${hub}'s`),
        ),
    status.element,
    shown,
    pagedTable(
      "API keys",
      [
        ["Id", (k) => h("code", {}, k.id)],
        ["Label", (k) => k.label ?? ""],
        ["Role", (k) => k.role],
        ["Made by", (k) => k.createdBy ?? ""],
        ["Created", (k) => time(k.createdAt)],
        ["Expires", (k) => time(k.expiresAt)],
        ["Actions", (k) => h("button", { type: "button", class: "danger", onclick: () => revoke(k), "aria-label": `Revoke ${k.id}` }, "Revoke")],
      ],
      list,
      ctx.route,
      { empty: "No API keys." },
    ),
    h("h2", {}, "New API key"),
    form(
      [
        field("Label", "label"),
        field("Role", "role", { kind: "select", value: "admin", options: ROLES }),
        field("Expires at (empty: never)", "expiresAt", { kind: "datetime-local" }),
      ],
      async (v) => {
        const body = { role: v.role };
        if (v.label) body.label = v.label;
        if (v.expiresAt) body.expiresAt = new Date(v.expiresAt).toISOString().replace(/\.\d+Z$/, "Z");
        const issued = await api("POST", base, body);
        replaceChildren(shown, secretBox("New API key", [["token (Authorization: Bearer …)", issued.token]]));
        status.ok(`Key ${issued.key.id} made.`);
      },
      { label: "Make key" },
    ),
  );
}

export async function audit(ctx) {
  const { hub, main, me, route } = ctx;
  document.title = "Audit log — Switchboard";
  const scope = route.params.scope ?? (me.hub ? "hub" : "server");
  const page = await api("GET", scope === "server" ? "/audit" : hubPath(hub, "/audit"), undefined, {
    query: { limit: 50, cursor: route.params.cursor },
  });
  replaceChildren(
    main,
    h("h1", {}, "Audit log"),
    me.hub
      ? null
      : h(
          "p",
          { class: "toolbar" },
          h("a", { href: `#/audit?hub=${encodeURIComponent(hub)}&scope=server` }, "Every hub"),
          h("a", { href: `#/audit?hub=${encodeURIComponent(hub)}&scope=hub` }, `Hub ${hub}`),
        ),
    pagedTable(
      "Changes, newest first",
      [
        ["When", (e) => time(e.at)],
        ["Who", (e) => e.actor],
        ["From", (e) => e.source ?? ""],
        ["Hub", (e) => e.hub ?? "—"],
        ["Action", (e) => h("code", {}, e.action)],
        ["Target", (e) => e.target ?? ""],
        ["Detail", (e) => e.detail ?? ""],
      ],
      page,
      route,
      { empty: "Nothing changed yet." },
    ),
  );
}
