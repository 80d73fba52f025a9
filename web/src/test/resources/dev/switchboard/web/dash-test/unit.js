// Unit tests of the dashboard's pure modules, run in the same Chromium as the browser tests
// (DashboardUnitJsTest reads window.unitResults). No framework: a test is a name and a function.

import { parsePath, extract, select, JsonPathError } from "../dash/js/jsonpath.js";
import { renderMarkdown, escapeHtml } from "../dash/js/markdown.js";
import {
  importDashboard, exportDashboard, newMetric, metricField, hasScripts, ImportError,
  argbToCss, cssToArgb, payloadToCss, cssToPayload, TYPES, isMqttDashType,
} from "../dash/js/mqttdash.js";
import { topicMatches, brokerUrl } from "../dash/js/session.js";
import { simpleBlink, ScriptSandbox, ScriptTimeout } from "../dash/js/sandbox.js";
import { LocalDashboardStore } from "../dash/js/store.js";

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

function equal(actual, expected, what = "") {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what} expected ${e} but was ${a}`);
}
function throws(fn, type, pattern) {
  try {
    fn();
  } catch (e) {
    if (type && !(e instanceof type)) throw new Error(`threw ${e.constructor.name}, not ${type.name}: ${e.message}`);
    if (pattern && !pattern.test(e.message)) throw new Error(`message "${e.message}" does not match ${pattern}`);
    return e;
  }
  throw new Error("did not throw");
}

// ---------------------------------------------------------------- JSON path

test("jsonpath: $.level.value", () => equal(extract('{"level":{"value":42}}', "$.level.value"), "42"));
test("jsonpath: MQTT Dash's main.humidity (no $)", () => equal(extract('{"main":{"humidity":81}}', "main.humidity"), "81"));
test("jsonpath: weather[0].icon", () => equal(extract('{"weather":[{"icon":"04d"},{"icon":"x"}]}', "weather[0].icon"), "04d"));
test("jsonpath: $[1] on an array payload", () => equal(extract("[10,20,30]", "$[1]"), "20"));
test("jsonpath: negative index from the end", () => equal(extract("[10,20,30]", "$[-1]"), "30"));
test("jsonpath: quoted names", () => equal(extract('{"a b":{"c.d":true}}', "$['a b'][\"c.d\"]"), "true"));
test("jsonpath: an object value as JSON", () => equal(extract('{"a":{"b":[1,2]}}', "$.a"), '{"b":[1,2]}'));
test("jsonpath: null as null", () => equal(extract('{"a":null}', "a"), "null"));
test("jsonpath: empty path and $ are the whole payload", () => {
  equal(parsePath(""), []);
  equal(parsePath("$"), []);
  equal(select({ a: 1 }, "$"), { a: 1 });
});
test("jsonpath: steps parsed", () => equal(parsePath("$.a[2].b['c']"), ["a", 2, "b", "c"]));
test("jsonpath: a payload that is not JSON", () => throws(() => extract("on", "$.a"), JsonPathError, /payload is not JSON/));
test("jsonpath: a missing field names where", () => throws(() => extract('{"main":{}}', "main.humidity"), JsonPathError, /\$\.main has no field "humidity"/));
test("jsonpath: index out of range", () => throws(() => extract('{"w":[]}', "w[0]"), JsonPathError, /no element \[0\]/));
test("jsonpath: index on an object", () => throws(() => extract('{"w":{}}', "w[0]"), JsonPathError, /not an array/));
test("jsonpath: bad paths", () => {
  throws(() => parsePath("$..a"), JsonPathError, /recursive/);
  throws(() => parsePath("$.a[x]"), JsonPathError, /whole number/);
  throws(() => parsePath("$.a['b"), JsonPathError, /unclosed/);
  throws(() => parsePath("$.a["), JsonPathError);
});

// ---------------------------------------------------------------- Markdown

test("markdown: HTML in the source is text", () => {
  const html = renderMarkdown('<img src=x onerror="alert(1)"><script>alert(2)</script>');
  equal(html.includes("<img") || html.includes("<script"), false, html);
  equal(html.includes("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"), true, html);
});
test("markdown: javascript: links stay text", () => {
  const html = renderMarkdown("[click](javascript:alert(1)) [x](JaVaScRiPt:alert(1)) [d](data:text/html,hi)");
  equal(html.includes("<a "), false, html);
});
test("markdown: http links open safely", () => {
  equal(renderMarkdown("[doc](https://example.org/a?b=1&c=2)"), '<p><a href="https://example.org/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">doc</a></p>');
});
test("markdown: a quote cannot leave the href", () => {
  const html = renderMarkdown('[x](https://a/"onmouseover="alert(1))');
  equal(/href="[^"]*"[^>]*onmouseover/.test(html), false, html);
});
test("markdown: emphasis, code, headings, lists", () => {
  equal(renderMarkdown("# T\n**b** *i* `<c>`\n- one\n- two\n1. x"), "<h3>T</h3><p><strong>b</strong> <em>i</em> <code>&lt;c&gt;</code></p><ul><li>one</li><li>two</li></ul><ol><li>x</li></ol>");
});
test("markdown: code block escaped", () => equal(renderMarkdown("```\n<b>&\n```"), "<pre><code>&lt;b&gt;&amp;</code></pre>"));
test("markdown: escapeHtml", () => equal(escapeHtml(`<a href="x">'&'</a>`), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"));

// ---------------------------------------------------------------- MQTT Dash's format

const REAL = '[{"mainTextSize":"LARGE","postfix":"°","prefix":"","textColor":-12517632,"enableIntermediateState":true,"enablePub":false,"enteredIntermediateStateAt":0,"intermediateStateTimeout":0,"jsOnReceive":"","jsonPath":"","lastPayload":"24.56","qos":0,"retained":false,"topic":"t/ds0","topicPub":"","updateLastPayloadOnPub":true,"id":"2e64db41-0000-4723-90ac-929a1f16b75a","jsBlinkExpression":"","jsOnDisplay":"","jsOnTap":"","lastActivity":1541527106,"longId":5,"name":"Engine","type":1},' +
  '{"decimalPrecision":2,"displayPayloadValue":true,"maxValue":15.0,"minValue":0.0,"postfix":"V","prefix":"","progressColor":-4128769,"enableIntermediateState":true,"enablePub":false,"enteredIntermediateStateAt":0,"intermediateStateTimeout":0,"jsOnReceive":"","jsonPath":"","lastPayload":"11.95","qos":0,"retained":false,"topic":"t/vbat","topicPub":"","updateLastPayloadOnPub":true,"id":"2b7ab4a9-0000-435e-b384-da2bf322ed75","jsBlinkExpression":"val \\u003e 13.2","jsOnDisplay":"","jsOnTap":"","lastActivity":1541527106,"longId":11,"name":"Voltage","type":3},' +
  '{"iconOff":"ic_lock_opened_outline","iconOn":"ic_lock_closed_outline","offColor":-12517632,"onColor":-65472,"payloadOff":"lock0","payloadOn":"lock1","enableIntermediateState":true,"enablePub":true,"enteredIntermediateStateAt":0,"intermediateStateTimeout":0,"jsOnReceive":"","jsonPath":"","lastPayload":"lock0","qos":0,"retained":false,"topic":"t/security","topicPub":"t/command","updateLastPayloadOnPub":true,"id":"6a98ecb5-0000-47ad-bb8c-e3a83d071bdf","jsBlinkExpression":"","jsOnDisplay":"","jsOnTap":"app.publish(\\u0027t/command\\u0027, \\u0027rssi\\u0027, false, 0);","lastActivity":1541527106,"longId":15,"name":"Lock","type":2}]';

test("import: a real export's shape, types 1, 2, 3", () => {
  const { metrics, warnings, scripts } = importDashboard(REAL);
  equal(metrics.map((m) => TYPES[m.type]), ["text", "range", "switch"]);
  equal(warnings, []);
  equal(scripts, 2); // a blink condition and a jsOnTap
  equal(metrics[1].jsBlinkExpression, "val > 13.2");
});
test("export: the same fields in the same order, values unchanged", () => {
  const { metrics } = importDashboard(REAL);
  const again = JSON.parse(exportDashboard(metrics));
  const original = JSON.parse(REAL);
  original.forEach((m, i) => equal(Object.keys(again[i]), Object.keys(m), `tile ${i} keys`));
  original.forEach((m, i) => Object.keys(m).forEach((k) => equal(again[i][k], m[k], `tile ${i} ${k}`)));
});
test("import/export: unknown fields and unknown types survive", () => {
  const text = '[{"type":1,"id":"a","name":"x","futureField":{"deep":[1,2]}},{"type":42,"id":"b","name":"y","whatever":true}]';
  const { metrics, warnings } = importDashboard(text);
  equal(warnings, ['"y": unknown type 42, kept as is']);
  equal(JSON.parse(exportDashboard(metrics)), JSON.parse(text));
});
test("import: {metrics:[...]} is accepted too; a BOM is skipped", () => equal(importDashboard('\uFEFF{"metrics":[{"type":1,"id":"a"}]}').metrics.length, 1));
test("import: broken files say why", () => {
  throws(() => importDashboard('[{"type":1,'), ImportError, /not JSON/);
  throws(() => importDashboard('{"a":1}'), ImportError, /JSON array of metrics/);
  throws(() => importDashboard("hello"), ImportError, /not JSON/);
});
test("import: one bad tile does not lose the others", () => {
  const { metrics, warnings } = importDashboard('[1,{"type":1,"id":"a","name":"ok"},{"name":"n"},{"type":1,"id":"a","name":"dup"}]');
  equal(metrics.length, 3);
  equal(warnings.length, 3, warnings.join("|"));
  equal(new Set(metrics.map((m) => m.id)).size, 3);
});
test("newMetric: every field MQTT Dash writes, with its type number", () => {
  const m = newMetric("switch", 3);
  equal([m.type, m.payloadOn, m.payloadOff, m.longId, m.enablePub, m.jsOnTap], [2, "1", "0", 3, true, ""]);
  equal(newMetric("text").mainTextSize, "LARGE");
  equal(newMetric("image").kind, 1);
  equal(newMetric("chart").type, 101);
  equal(isMqttDashType(6) && !isMqttDashType(101), true);
});
test("metricField: defaults for absent fields, stored values otherwise", () => {
  equal(metricField({ type: 3 }, "maxValue"), 100);
  equal(metricField({ type: 3, maxValue: 15 }, "maxValue"), 15);
  equal(metricField({ type: 1 }, "enablePub"), false);
  equal(metricField({ type: 2 }, "enablePub"), true);
});
test("export: only MQTT Dash's types on request", () => {
  const metrics = [newMetric("text"), newMetric("chart"), newMetric("color")];
  equal(JSON.parse(exportDashboard(metrics, { onlyMqttDashTypes: true })).map((m) => m.type), [1, 6]);
});
test("hasScripts", () => {
  equal(hasScripts({ jsOnTap: " " }), false);
  equal(hasScripts({ jsOnDisplay: "event.text='x'" }), true);
});
test("colours: MQTT Dash's ARGB ints", () => {
  equal(argbToCss(-1), "#ffffff");
  equal(argbToCss(-12517632), "#40ff00");
  equal(argbToCss(-16384), "#ffc000");
  equal(cssToArgb("#40ff00"), -12517632);
  equal(argbToCss(0x80ff0000), "rgba(255, 0, 0, 0.50)");
});
test("colours: a colour tile's payloads", () => {
  equal(payloadToCss("#FF8800", 0), "#ff8800");
  equal(payloadToCss("ff8800", "HEX"), "#ff8800");
  equal(payloadToCss("16711680", 1), "#ff0000");
  equal(payloadToCss("-16711936", "INT"), "#00ff00");
  equal(cssToPayload("#00ff00", 1), "-16711936");
  equal(cssToPayload("#00FF00", 0), "#00ff00");
  throws(() => payloadToCss("red", 0), Error, /not a #rrggbb/);
  throws(() => payloadToCss("1.5", 1), Error, /not an integer/);
});

// ---------------------------------------------------------------- the rest

test("topicMatches", () => {
  equal([topicMatches("a/+/c", "a/b/c"), topicMatches("a/#", "a"), topicMatches("a/#", "a/b/c"), topicMatches("#", "$SYS/x"), topicMatches("a/+", "a/b/c")], [true, true, true, false, false]);
});
test("brokerUrl", () => {
  equal(brokerUrl({ host: "h", port: 8084, path: "/mqtt", tls: true }), "wss://h:8084/mqtt");
  equal(brokerUrl({ host: "::1", port: 8083, path: "mqtt", tls: false }), "ws://[::1]:8083/mqtt");
});
test("simpleBlink: MQTT Dash's usual conditions without a script", () => {
  equal([simpleBlink("val > 13.2", "13.5"), simpleBlink("val > 13.2", "12"), simpleBlink("val == 'on'", "on"), simpleBlink("val != 'on'", "on"), simpleBlink("val > 1", "abc")], [true, false, true, false, false]);
  equal(simpleBlink("Math.random() > 0.5", "1"), undefined);
});
test("LocalDashboardStore: save, list, load, remove", async () => {
  const memory = new Map();
  const storage = { get length() { return memory.size; }, key: (i) => [...memory.keys()][i], getItem: (k) => memory.get(k) ?? null, setItem: (k, v) => memory.set(k, v), removeItem: (k) => memory.delete(k) };
  const store = new LocalDashboardStore(storage);
  await store.save({ name: "lab", metrics: [{ type: 1 }], scriptsAllowed: false });
  equal(await store.list(), ["lab"]);
  equal((await store.load("lab")).metrics, [{ type: 1 }]);
  await store.remove("lab");
  equal(await store.load("lab"), null);
});
test("sandbox: a script changes the event and publishes through app", async () => {
  const sandbox = new ScriptSandbox({ timeLimitMs: 2000, workerUrl: new URL("../dash/js/sandbox-worker.js", import.meta.url) });
  try {
    const r = await sandbox.run("t", "event.payload = event.payload.toUpperCase(); event.data.n = (event.data.n || 0) + 1; app.publish('a/b', event.data.n, true, 1);", { payload: "x" });
    equal(r.event.payload, "X");
    equal(r.actions, [{ kind: "publish", topic: "a/b", payload: "1", retained: true, qos: 1 }]);
    const again = await sandbox.run("t", "app.publish('a/b', event.data.n)", {});
    equal(again.actions[0].payload, "1", "event.data kept between runs");
  } finally {
    sandbox.close();
  }
});
test("sandbox: no network, no page", async () => {
  const sandbox = new ScriptSandbox({ timeLimitMs: 2000, workerUrl: new URL("../dash/js/sandbox-worker.js", import.meta.url) });
  try {
    const r = await sandbox.run("t", "event.out = [typeof fetch, typeof XMLHttpRequest, typeof WebSocket, typeof importScripts, typeof document, typeof localStorage].join()", {});
    equal(r.event.out, "undefined,undefined,undefined,undefined,undefined,undefined");
  } finally {
    sandbox.close();
  }
});
test("sandbox: a loop is stopped, and the next script runs", async () => {
  const sandbox = new ScriptSandbox({ timeLimitMs: 300, workerUrl: new URL("../dash/js/sandbox-worker.js", import.meta.url) });
  try {
    let stopped = null;
    try {
      await sandbox.run("t", "for(;;){}", {});
    } catch (e) {
      stopped = e;
    }
    equal(stopped instanceof ScriptTimeout, true, String(stopped));
    equal((await sandbox.run("u", "event.ok = 1", {})).event.ok, 1);
  } finally {
    sandbox.close();
  }
});
test("sandbox: a throwing script reports its error", async () => {
  const sandbox = new ScriptSandbox({ timeLimitMs: 2000, workerUrl: new URL("../dash/js/sandbox-worker.js", import.meta.url) });
  try {
    let error = null;
    try {
      await sandbox.run("t", "null.x", {});
    } catch (e) {
      error = e;
    }
    equal(/TypeError/.test(error?.message), true, String(error));
  } finally {
    sandbox.close();
  }
});

// ---------------------------------------------------------------- runner

const results = { passed: 0, failed: 0, failures: [] };
for (const { name, fn } of tests) {
  try {
    await fn();
    results.passed++;
  } catch (e) {
    results.failed++;
    results.failures.push(`${name}: ${e.message}`);
  }
}
document.getElementById("out").textContent = `${results.passed} passed, ${results.failed} failed\n${results.failures.join("\n")}`;
window.unitResults = results;
