// Live messages for a filter, from the hub's event stream (/stream): pause (messages that come
// meanwhile are kept and shown on resume), search, and each payload as text, pretty JSON, hex or
// base64. The filter, search and view are in the URL.
import { openStream } from "../api.js";
import { h, replaceChildren } from "../dom.js";
import { href } from "../router.js";
import { show } from "../payload.js";
import { field, filterBar } from "../ui.js";

const KEEP = 500;

export async function live(ctx) {
  const { hub, main, route } = ctx;
  const filter = route.params.filter || "#";
  const format = route.params.view || "text";
  let search = route.params.search ?? "";
  document.title = "Live messages — Switchboard";
  const messages = [];
  let paused = false;
  let held = [];
  let dropped = 0;
  const state = h("p", { class: "stream-state", role: "status" }, "connecting…");
  const list = h("ol", { class: "messages", "aria-label": "Messages, newest first", "aria-live": "off" });
  const pauseButton = h("button", { type: "button", "aria-pressed": "false", onclick: togglePause }, "Pause");
  const searchInput = h("input", {
    type: "search",
    id: "live-search",
    value: search,
    oninput: () => {
      search = searchInput.value;
      history.replaceState(null, "", href(route.page, { ...route.params, search }));
      draw();
    },
  });

  function togglePause() {
    paused = !paused;
    pauseButton.textContent = paused ? "Resume" : "Pause";
    pauseButton.setAttribute("aria-pressed", String(paused));
    if (!paused) {
      messages.unshift(...held.reverse());
      held = [];
      messages.length = Math.min(messages.length, KEEP);
      draw();
    }
    describe();
  }

  function describe() {
    state.textContent =
      `${messages.length} message(s) on ${filter}` +
      (paused ? ` — paused, ${held.length} waiting` : "") +
      (dropped ? ` — ${dropped} lost by the server (this page fell behind)` : "");
  }

  function row(m) {
    const text = show(m, format);
    return h(
      "li",
      { class: "message", dataset: { topic: m.topic } },
      h(
        "div",
        { class: "meta" },
        h("time", {}, new Date(m.receivedAt).toLocaleTimeString()),
        " ",
        h("code", { class: "topic" }, m.topic),
        ` QoS ${m.qos}`,
        m.retain ? " retained" : "",
        ` ${m.payloadSize} B`,
      ),
      h("pre", { class: "payload" }, text),
    );
  }

  function draw() {
    const needle = search.toLowerCase();
    const shown = needle
      ? messages.filter((m) => m.topic.toLowerCase().includes(needle) || show(m, "text").toLowerCase().includes(needle))
      : messages;
    replaceChildren(list, shown.slice(0, 200).map(row));
    describe();
  }

  const stream = openStream(hub, filter);
  stream.addEventListener("ready", () => {
    state.className = "stream-state ok";
    describe();
  });
  stream.addEventListener("message", (event) => {
    const m = { ...JSON.parse(event.data), receivedAt: Date.now() };
    if (paused) {
      held.push(m);
      describe();
      return;
    }
    messages.unshift(m);
    if (messages.length > KEEP) messages.pop();
    draw();
  });
  stream.addEventListener("dropped", (event) => {
    dropped = JSON.parse(event.data).total;
    describe();
  });
  stream.addEventListener("end", (event) => {
    stream.close();
    state.textContent = `The stream ended: ${JSON.parse(event.data).reason}`;
  });
  stream.onerror = () => {
    if (stream.readyState === EventSource.CONNECTING) state.textContent = "reconnecting…";
  };
  ctx.onLeave(() => stream.close());

  replaceChildren(
    main,
    h("h1", {}, "Live messages"),
    filterBar(
      [
        field("Topic filter", "filter", { value: filter }),
        field("Show payloads as", "view", {
          kind: "select",
          value: format,
          options: [["text", "text"], ["json", "JSON, pretty"], ["hex", "hex"], ["base64", "base64"]],
        }),
      ],
      route,
      ctx.navigate,
    ),
    h(
      "div",
      { class: "toolbar" },
      pauseButton,
      h("label", { for: "live-search" }, "Search "),
      searchInput,
      h("button", { type: "button", onclick: () => { messages.length = 0; held = []; draw(); } }, "Clear"),
    ),
    state,
    list,
  );
}
