// Publish a message from the browser: topic, QoS, retain, MQTT 5 properties, and a payload written
// as text, JSON, hex or base64. Routed as a client's message would be.
import { ApiError, api, hubPath } from "../api.js";
import { h, replaceChildren } from "../dom.js";
import { encode } from "../payload.js";
import { field, form, notice } from "../ui.js";

export async function publish(ctx) {
  const { hub, main, route } = ctx;
  document.title = "Publish — Switchboard";
  const status = notice();
  replaceChildren(
    main,
    h("h1", {}, "Publish"),
    status.element,
    form(
      [
        field("Topic", "topic", { value: route.params.topic ?? "", required: true, autocomplete: "off" }),
        h(
          "div",
          { class: "row" },
          field("QoS", "qos", { kind: "select", value: "0", options: [["0", "0"], ["1", "1"], ["2", "2"]] }),
          field("Retain", "retain", { kind: "checkbox" }),
          field("Payload as", "format", {
            kind: "select",
            options: [["text", "text"], ["json", "JSON"], ["hex", "hex"], ["base64", "base64"]],
          }),
        ),
        field("Payload", "payload", { kind: "textarea", rows: 5 }),
        h(
          "details",
          {},
          h("summary", {}, "MQTT 5 properties"),
          field("Content type", "properties.contentType"),
          field("Response topic", "properties.responseTopic"),
          field("Correlation data (base64)", "properties.correlationData"),
          field("Message expiry interval (s)", "properties.messageExpiryInterval", { kind: "number", min: 0 }),
          field("Payload is UTF-8 text (payload format indicator)", "properties.payloadUtf8", { kind: "checkbox" }),
          field("User properties (one name=value a line)", "properties.userProperties", { kind: "textarea" }),
        ),
      ],
      async (v, formElement) => {
        let payload;
        try {
          payload = encode(v.payload, v.format);
        } catch (error) {
          throw new ApiError(400, { detail: error.message, field: "payload" });
        }
        const properties = {};
        if (v["properties.contentType"]) properties.contentType = v["properties.contentType"];
        if (v["properties.responseTopic"]) properties.responseTopic = v["properties.responseTopic"];
        if (v["properties.correlationData"]) properties.correlationData = v["properties.correlationData"];
        if (v["properties.messageExpiryInterval"] !== "") {
          properties.messageExpiryInterval = Number(v["properties.messageExpiryInterval"]);
        }
        if (v["properties.payloadUtf8"]) properties.payloadUtf8 = true;
        const pairs = v["properties.userProperties"]
          .split("\n")
          .map((line) => line.trim())
          .filter(Boolean)
          .map((line) => {
            const at = line.indexOf("=");
            return at < 0 ? { name: line, value: "" } : { name: line.slice(0, at), value: line.slice(at + 1) };
          });
        if (pairs.length) properties.userProperties = pairs;
        const body = { topic: v.topic, qos: Number(v.qos), retain: v.retain, ...payload };
        if (Object.keys(properties).length) body.properties = properties;
        const answer = await api("POST", hubPath(hub, "/publish"), body);
        status.ok(
          `Published to ${answer.topic}: ${answer.subscribers} subscriber${answer.subscribers === 1 ? "" : "s"}` +
            (v.retain ? ", retained." : "."),
        );
        formElement.querySelector("[name=payload]").focus();
      },
      { label: "Publish" },
    ),
  );
}
