// Topics as a tree (MQTT Explorer's): live topics and retained ones, with their activity; a topic's
// retained value, the messages seen while the page is open (its history) and a plot of a numeric
// payload or of a JSON field; delete a retained message or a whole subtree. A stream of the hub's
// messages keeps the tree live: a topic that gets a message lights up and counts it.
import { api, hubPath, openStream } from "../api.js";
import { h, number, replaceChildren, time } from "../dom.js";
import { timeChart } from "../chart.js";
import { numberAt, numericPaths, show } from "../payload.js";
import { href } from "../router.js";
import { confirmAction, field, filterBar, notice } from "../ui.js";

const HISTORY = 200;

export async function topics(ctx) {
  const { hub, main, route } = ctx;
  const p = route.params;
  const selected = p.topic ?? null;
  document.title = "Topics — Switchboard";
  const status = notice();
  const treeHolder = h("div", { class: "tree-holder" });
  const detail = h("section", { class: "topic-detail", "aria-label": "Topic" });
  const history = new Map(); // topic -> [{at, message}]
  const nodeElements = new Map(); // topic -> li
  let chart = null;

  async function loadTree() {
    const tree = await api("GET", hubPath(hub, "/topics"), undefined, { query: { depth: 8, contains: p.contains } });
    nodeElements.clear();
    const list = h("ul", { role: "tree", "aria-label": `Topics of hub ${hub}` }, tree.children.map((n) => node(n)));
    replaceChildren(
      treeHolder,
      h("p", { class: "hint" }, `${number(tree.topics)} topic(s)${tree.truncated ? ", the tree is cut short: filter it" : ""}.`),
      tree.children.length ? list : h("p", {}, "No topics yet: publish something, or wait for your devices."),
    );
  }

  function node(n) {
    const isTopic = n.messages !== undefined && n.messages !== null;
    const open = selected !== null && (selected === n.topic || selected.startsWith(n.topic + "/"));
    const label = h(
      "a",
      { href: href("topics", { ...p, topic: n.topic }), class: n.topic === selected ? "topic selected" : "topic", "aria-current": n.topic === selected ? "true" : null },
      n.name === "" ? "(empty)" : n.name,
    );
    const facts = h(
      "span",
      { class: "facts" },
      isTopic ? ` ${number(n.messages)} msg/h` : "",
      n.retained ? h("span", { class: "pill ok", title: "has a retained message" }, "retained") : "",
      n.subtreeTopics > (isTopic ? 1 : 0) ? h("span", { class: "count" }, ` ${n.subtreeTopics} topics`) : "",
    );
    const kids = n.children ?? [];
    let element;
    if (kids.length || n.subtreeTopics > (isTopic ? 1 : 0)) {
      const childList = h("ul", { role: "group" }, kids.map((k) => node(k)));
      const details = h("details", { open: open || kids.length < 6 }, h("summary", {}, label, facts), childList);
      if (!kids.length) {
        details.addEventListener("toggle", async () => {
          if (!details.open || childList.childElementCount) return;
          const deeper = await api("GET", hubPath(hub, "/topics"), undefined, { query: { prefix: n.topic, depth: 8 } });
          replaceChildren(childList, deeper.children.map((k) => node(k)));
        });
      }
      element = h("li", { role: "treeitem", dataset: { topic: n.topic } }, details);
    } else {
      element = h("li", { role: "treeitem", dataset: { topic: n.topic } }, label, facts);
    }
    nodeElements.set(n.topic, element);
    return element;
  }

  async function showDetail() {
    if (!selected) {
      replaceChildren(detail, h("p", { class: "hint" }, "Choose a topic to see its retained value, its messages and a plot."));
      return;
    }
    let retained = null;
    try {
      // a topic name is a filter that matches only itself: a list of one or none, never a 404
      const found = await api("GET", hubPath(hub, "/retained"), undefined, { query: { filter: selected } });
      if (found.items.length) {
        retained = await api("GET", hubPath(hub, "/retained/message"), undefined, { query: { topic: selected } });
      }
    } catch (error) {
      status.error(error);
    }
    const format = p.view || "text";
    const plotHolder = h("div", { class: "chart" });
    const seen = history.get(selected) ?? [];
    const sample = seen[0]?.message ?? retained;
    const paths = sample ? numericPaths(show(sample, "text")) : [];
    if (p.field && !paths.includes(p.field)) paths.unshift(p.field);
    const fieldPath = p.field ?? "";
    replaceChildren(
      detail,
      h("h2", {}, h("code", {}, selected)),
      h(
        "div",
        { class: "toolbar" },
        h("a", { href: href("publish", { hub, topic: selected }) }, "Publish to it"),
        h("a", { href: href("live", { hub, filter: selected }) }, "Live messages"),
        retained
          ? h("button", { type: "button", class: "danger", onclick: () => removeRetained({ topic: selected }, [`the retained message of ${selected}`]) }, "Delete retained message")
          : null,
        h(
          "button",
          { type: "button", class: "danger", onclick: () => removeRetained({ filter: `${selected}/#` }, [`every retained message below ${selected}/ (the filter ${selected}/#)`]) },
          "Delete retained subtree",
        ),
      ),
      h("h3", {}, "Retained"),
      retained
        ? h("div", { class: "retained" }, h("pre", { class: "payload" }, show(retained, format)), h("p", { class: "hint" }, `QoS ${retained.qos}, ${retained.payloadSize} bytes`))
        : h("p", { class: "no-retained" }, "No retained message."),
      h("h3", {}, "Plot"),
      h(
        "form",
        { class: "filters", onsubmit: (e) => e.preventDefault() },
        field("Value", "field", {
          kind: "select",
          value: fieldPath,
          options: [["", "the payload as a number"], ...paths.map((path) => [path, `JSON ${path}`])],
          onchange: (e) => ctx.navigate("topics", { ...p, field: e.target.value }, { replace: true }),
        }),
        field("Show payloads as", "view", {
          kind: "select",
          value: format,
          options: [["text", "text"], ["json", "JSON, pretty"], ["hex", "hex"], ["base64", "base64"]],
          onchange: (e) => ctx.navigate("topics", { ...p, view: e.target.value }, { replace: true }),
        }),
      ),
      plotHolder,
      h("h3", {}, "Messages while this page is open"),
      h("ol", { class: "messages topic-history" }, seen.map((entry) => messageRow(entry, format))),
    );
    chart?.destroy();
    chart = timeChart(plotHolder, selected, [[fieldPath || "value", "#2f80ed"]], { height: 160 });
    plot();
  }

  function plot() {
    if (!chart) return;
    const entries = (history.get(selected) ?? []).slice().reverse();
    // no field chosen and a JSON payload: its first numeric field
    const latest = entries.at(-1);
    const path = p.field ?? (latest && numberAt(show(latest.message, "text"), "") === null ? numericPaths(show(latest.message, "text"))[0] ?? "" : "");
    const points = entries
      .map((e) => [e.at / 1000, numberAt(show(e.message, "text"), path)])
      .filter(([, v]) => v !== null);
    chart.set(points.map(([t]) => t), points.map(([, v]) => v));
  }

  function messageRow(entry, format) {
    return h(
      "li",
      { class: "message" },
      h("div", { class: "meta" }, h("time", {}, new Date(entry.at).toLocaleTimeString()), ` QoS ${entry.message.qos}`, entry.message.retain ? " retained" : ""),
      h("pre", { class: "payload" }, show(entry.message, format)),
    );
  }

  async function removeRetained(query, lines) {
    const ok = await confirmAction("Delete retained messages?", [...lines, "from memory and the store; new subscribers will no longer get them"]);
    if (!ok) return;
    try {
      await api("DELETE", hubPath(hub, "/retained"), undefined, { query });
      status.ok(query.topic ? `Retained message of ${query.topic} deleted.` : `Retained messages below ${query.filter} deleted.`);
      await loadTree();
      await showDetail();
    } catch (error) {
      status.error(error);
    }
  }

  const stream = openStream(hub, "#");
  let treeStale = false;
  stream.addEventListener("message", (event) => {
    const message = JSON.parse(event.data);
    const list = history.get(message.topic) ?? [];
    list.unshift({ at: Date.now(), message });
    if (list.length > HISTORY) list.pop();
    history.set(message.topic, list);
    const element = nodeElements.get(message.topic);
    if (element) {
      element.classList.remove("active");
      void element.offsetWidth; // restarts the highlight
      element.classList.add("active");
      element.dataset.lastPayload = show(message, "text").slice(0, 80);
    } else {
      treeStale = true;
    }
    if (message.topic === selected) {
      const holder = detail.querySelector(".topic-history");
      holder?.prepend(messageRow({ at: Date.now(), message }, p.view || "text"));
      while (holder && holder.childElementCount > HISTORY) holder.lastChild.remove();
      plot();
    }
  });
  let turns = 0;
  const refresh = setInterval(() => {
    // a topic not in the tree got a message: the tree is read again (the server counts activity
    // once a second); else every 10 s for the counts
    turns += 1;
    if (treeStale || turns % 5 === 0) {
      treeStale = false;
      loadTree().catch(() => {});
    }
  }, 2000);
  ctx.onLeave(() => {
    stream.close();
    clearInterval(refresh);
    chart?.destroy();
  });

  replaceChildren(
    main,
    h("h1", {}, "Topics"),
    filterBar([field("Topic contains", "contains", { value: p.contains ?? "" })], route, ctx.navigate),
    status.element,
    h("div", { class: "split" }, treeHolder, detail),
  );
  await loadTree();
  await showDetail();
}
