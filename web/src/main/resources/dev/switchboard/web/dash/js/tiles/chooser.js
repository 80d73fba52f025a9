// Small modal questions a tile asks: pick one of several payloads, or type a text to publish.

import { h } from "../dom.js";

function dialog(title, content, onClose) {
  const element = h("dialog", { class: "chooser" }, h("h2", {}, title), content);
  element.addEventListener("close", () => {
    onClose(element.returnValue);
    element.remove();
  });
  document.body.append(element);
  element.showModal();
  return element;
}

export const chooser = {
  /** Resolves to the chosen item's value, or null when cancelled. */
  choose(title, items) {
    return new Promise((resolve) => {
      const list = h("div", { class: "chooser-list" });
      const d = dialog(title, h("form", { method: "dialog" }, list, h("button", { value: "\u0000cancel", class: "secondary" }, "Cancel")), (v) =>
        resolve(v === "\u0000cancel" || v === "" ? null : v)
      );
      for (const item of items) {
        list.append(h("button", { value: item.value, class: item.current ? "current" : null }, item.label));
      }
      d.querySelector("button")?.focus();
    });
  },

  /** Resolves to the text entered, or null when cancelled. */
  prompt(title, value = "") {
    return new Promise((resolve) => {
      const input = h("input", { type: "text", value, "aria-label": title });
      let sent = null;
      const form = h(
        "form",
        { method: "dialog", onsubmit: () => { sent = input.value; } },
        input,
        h("div", { class: "row" }, h("button", { value: "cancel", type: "button", class: "secondary", onclick: () => d.close("cancel") }, "Cancel"), h("button", { value: "ok" }, "Publish"))
      );
      const d = dialog(title, form, () => resolve(sent));
      input.focus();
    });
  },
};
