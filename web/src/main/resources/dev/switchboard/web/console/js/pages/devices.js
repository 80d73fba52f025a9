// Devices, as MyQttHub's panel lists them: client id, user name, status, freeze subscriptions,
// skip replace, SCI auth (strict client id) and actions; add (password generated and shown once,
// or set), edit every flag, enable/disable, new password, delete with a confirmation, and the lab
// handout's set (device_1..4, app_1..4).
import { api, hubPath } from "../api.js";
import { h, replaceChildren } from "../dom.js";
import { href } from "../router.js";
import { confirmAction, field, filterBar, form, notice, pagedTable, pill, secretBox } from "../ui.js";

export const LAB_SET = ["device_1", "device_2", "device_3", "device_4", "app_1", "app_2", "app_3", "app_4"];

/** "lab/# 1" lines to the API's subscriptions; a line without a QoS is QoS 0. */
export function parseSubscriptions(text) {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [filter, qos] = line.split(/\s+/);
      return { filter, qos: qos === undefined ? 0 : Number(qos) };
    });
}

function lines(text) {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
}

export async function devices(ctx) {
  const { hub, main, route } = ctx;
  document.title = "Devices — Switchboard";
  const status = notice();
  const shown = h("div", { class: "shown-once" });
  const editor = h("div", { class: "editor" });
  const query = () => ({
    limit: route.params.limit ?? 50,
    cursor: route.params.cursor,
    clientIdPrefix: route.params.clientIdPrefix,
  });
  const page = await api("GET", hubPath(hub, "/devices"), undefined, { query: query() });

  async function act(promise, done) {
    status.clear();
    try {
      await promise();
      status.ok(done);
      await refreshTable();
    } catch (error) {
      status.error(error);
    }
  }

  function showAdd() {
    replaceChildren(
      editor,
      h("h2", {}, "Add a device"),
      form(
        [
          field("Client id", "clientId", { required: true, autocomplete: "off" }),
          field("User name (empty: the client id)", "username", { autocomplete: "off" }),
          field("Password", "passwordMode", {
            kind: "select",
            options: [
              ["generate", "generate one (shown once)"],
              ["set", "set it"],
              ["none", "none (the device logs in without one)"],
            ],
          }),
          field("Password to set", "password", { kind: "password", autocomplete: "new-password" }),
          ...flagFields({ strictClientId: true, replacePolicy: "replace", subscriptionsFrozen: false, enabled: true }),
          field("Subscriptions given at connect when frozen (one \"filter qos\" a line)", "subscriptions", { kind: "textarea" }),
          field("Allowed source addresses (CIDR, one a line; empty: any)", "allowedSources", { kind: "textarea" }),
        ],
        async (v) => {
          const body = {
            clientId: v.clientId,
            strictClientId: v.strictClientId,
            replacePolicy: v.replacePolicy,
            subscriptionsFrozen: v.subscriptionsFrozen,
            enabled: v.enabled,
            subscriptions: parseSubscriptions(v.subscriptions),
            allowedSources: lines(v.allowedSources),
          };
          if (v.username) body.username = v.username;
          if (v.passwordMode === "generate") body.generatePassword = true;
          if (v.passwordMode === "set") body.password = v.password;
          const made = await api("POST", hubPath(hub, "/devices"), body);
          replaceChildren(editor);
          showPasswords([[made.device.clientId, made.generatedPassword]]);
          status.ok(`Device ${made.device.clientId} added.`);
          await refreshTable();
        },
        { label: "Add device", cancel: () => replaceChildren(editor) },
      ),
    );
    editor.querySelector("input")?.focus();
  }

  function showPasswords(entries) {
    const withPasswords = entries.filter(([, password]) => password);
    replaceChildren(
      shown,
      withPasswords.length ? secretBox("Generated passwords", withPasswords) : null,
    );
  }

  function showEdit(device) {
    replaceChildren(
      editor,
      h("h2", {}, `Edit ${device.clientId}`),
      form(
        [
          field("User name", "username", { value: device.username }),
          ...flagFields(device),
          field("Subscriptions (one \"filter qos\" a line)", "subscriptions", {
            kind: "textarea",
            value: device.subscriptions.map((s) => `${s.filter} ${s.qos}`).join("\n"),
          }),
          field("Allowed source addresses (CIDR, one a line)", "allowedSources", {
            kind: "textarea",
            value: device.allowedSources.join("\n"),
          }),
        ],
        async (v) => {
          await api("PATCH", hubPath(hub, `/devices/${encodeURIComponent(device.clientId)}`), {
            username: v.username,
            enabled: v.enabled,
            replacePolicy: v.replacePolicy,
            strictClientId: v.strictClientId,
            subscriptionsFrozen: v.subscriptionsFrozen,
            subscriptions: parseSubscriptions(v.subscriptions),
            allowedSources: lines(v.allowedSources),
          });
          replaceChildren(editor);
          status.ok(`Device ${device.clientId} saved.`);
          await refreshTable();
        },
        { cancel: () => replaceChildren(editor) },
      ),
      h("h3", {}, "Password"),
      form(
        [
          field("New password (empty: generate one)", "password", { kind: "password", autocomplete: "new-password" }),
        ],
        async (v) => {
          const body = v.password ? { password: v.password } : { generate: true };
          const answer = await api("PUT", hubPath(hub, `/devices/${encodeURIComponent(device.clientId)}/password`), body);
          showPasswords([[device.clientId, answer?.generatedPassword]]);
          status.ok(`Password of ${device.clientId} changed.`);
        },
        { label: "Change password" },
      ),
    );
    editor.querySelector("input")?.focus();
  }

  async function remove(device) {
    let ruleCount = 0;
    try {
      ruleCount = (await api("GET", hubPath(hub, "/rules"), undefined, { query: { device: device.clientId } })).items.length;
    } catch {
      // the confirmation still names the device
    }
    const ok = await confirmAction(`Delete device ${device.clientId}?`, [
      `the device ${device.clientId} (user name ${device.username}) and its password: it can no longer log in`,
      `its ${ruleCount} access rule${ruleCount === 1 ? "" : "s"} of its own`,
      `its frozen subscriptions (${device.subscriptions.length}) and allowed addresses`,
    ]);
    if (!ok) return;
    await act(() => api("DELETE", hubPath(hub, `/devices/${encodeURIComponent(device.clientId)}`)), `Device ${device.clientId} deleted.`);
  }

  async function addLabSet(button) {
    button.disabled = true;
    const made = [];
    const skipped = [];
    status.clear();
    try {
      for (const [i, name] of LAB_SET.entries()) {
        button.textContent = `Adding ${i + 1} of ${LAB_SET.length}…`;
        try {
          const answer = await api("POST", hubPath(hub, "/devices"), {
            clientId: name,
            generatePassword: true,
            strictClientId: true,
            replacePolicy: "replace",
          });
          made.push([name, answer.generatedPassword]);
        } catch (error) {
          if (error.code !== "exists") throw error;
          skipped.push(name);
        }
      }
      status.ok(
        `Lab set: ${made.length} added` + (skipped.length ? `; already there: ${skipped.join(", ")}` : "") + ".",
      );
    } catch (error) {
      status.error(error);
    } finally {
      button.disabled = false;
      button.textContent = "Add the lab set";
      showPasswords(made);
      await refreshTable();
    }
  }

  const tableHolder = h("div");
  function table(list) {
    return pagedTable(
      `Devices of hub ${hub}`,
      [
        ["Client id", (d) => h("strong", {}, d.clientId)],
        ["User name", (d) => d.username],
        ["Status", (d) => pill(d.enabled ? "enabled" : "disabled", d.enabled)],
        ["Freeze subscriptions", (d) => (d.subscriptionsFrozen ? `yes (${d.subscriptions.length})` : "no")],
        ["Skip replace", (d) => (d.replacePolicy === "reject" ? "yes" : "no")],
        ["SCI auth", (d) => (d.strictClientId ? "yes" : "no")],
        [
          "Actions",
          (d) =>
            h(
              "div",
              { class: "actions" },
              h("button", { type: "button", onclick: () => showEdit(d), "aria-label": `Edit ${d.clientId}` }, "Edit"),
              h(
                "button",
                {
                  type: "button",
                  "aria-label": `${d.enabled ? "Disable" : "Enable"} ${d.clientId}`,
                  onclick: () =>
                    act(
                      () => api("POST", hubPath(hub, `/devices/${encodeURIComponent(d.clientId)}/${d.enabled ? "disable" : "enable"}`)),
                      `Device ${d.clientId} ${d.enabled ? "disabled" : "enabled"}.`,
                    ),
                },
                d.enabled ? "Disable" : "Enable",
              ),
              h("button", { type: "button", class: "danger", onclick: () => remove(d), "aria-label": `Delete ${d.clientId}` }, "Delete"),
            ),
        ],
      ],
      list,
      route,
      { empty: "No devices yet: add one, or the lab set." },
    );
  }
  async function refreshTable() {
    const list = await api("GET", hubPath(hub, "/devices"), undefined, { query: query() });
    replaceChildren(tableHolder, table(list));
  }
  replaceChildren(tableHolder, table(page));

  const labButton = h("button", { type: "button", onclick: (e) => addLabSet(e.currentTarget) }, "Add the lab set");
  replaceChildren(
    main,
    h("h1", {}, "Devices"),
    h(
      "div",
      { class: "toolbar" },
      h("button", { type: "button", class: "primary", onclick: showAdd }, "Add a device"),
      labButton,
      h("a", { href: href("rules", { hub }) }, "Access rules"),
    ),
    filterBar([field("Client id starts with", "clientIdPrefix", { value: route.params.clientIdPrefix ?? "" })], route, ctx.navigate),
    status.element,
    shown,
    editor,
    tableHolder,
  );
}

function flagFields(d) {
  return [
    field("Enabled", "enabled", { kind: "checkbox", value: d.enabled }),
    field("SCI auth: the client id must be the device's", "strictClientId", { kind: "checkbox", value: d.strictClientId }),
    field("Skip replace (a second connection is refused)", "replacePolicy", {
      kind: "select",
      value: d.replacePolicy,
      options: [
        ["replace", "no: a new connection replaces the old one"],
        ["reject", "yes: refused while the old one is alive"],
      ],
    }),
    field("Freeze subscriptions (the device gets the list below, and cannot change it)", "subscriptionsFrozen", {
      kind: "checkbox",
      value: d.subscriptionsFrozen,
    }),
  ];
}
