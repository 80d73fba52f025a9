// JSON path as MQTT Dash uses it: "$.level.value", and the same without "$": "main.humidity",
// "weather[0].icon", "$['key with spaces']", "$.list[-1]" (from the end). No filters, no
// wildcards: a tile shows one value, and a path that could match several would hide a mistake.

/** A path that cannot be parsed, or a payload that does not have what it names. */
export class JsonPathError extends Error {}

/** Splits a path into its steps: property names (strings) and array indexes (numbers). */
export function parsePath(path) {
  const text = String(path ?? "").trim();
  if (text === "" || text === "$") return [];
  let i = 0;
  const steps = [];
  if (text[0] === "$") i = 1;
  const fail = (why) => {
    throw new JsonPathError(`bad JSON path "${text}" at ${i + 1}: ${why}`);
  };
  let first = true;
  while (i < text.length) {
    const c = text[i];
    if (c === ".") {
      if (text[i + 1] === ".") fail("recursive descent (..) is not supported");
      i++;
      const start = i;
      while (i < text.length && /[^.[\]]/.test(text[i])) i++;
      if (i === start) fail("a name is missing after '.'");
      steps.push(text.slice(start, i));
    } else if (c === "[") {
      i++;
      if (text[i] === "'" || text[i] === '"') {
        const quote = text[i++];
        let name = "";
        while (i < text.length && text[i] !== quote) {
          if (text[i] === "\\" && i + 1 < text.length) i++;
          name += text[i++];
        }
        if (text[i] !== quote) fail("unclosed quote");
        i++;
        steps.push(name);
      } else {
        const start = i;
        while (i < text.length && /[-0-9]/.test(text[i])) i++;
        const digits = text.slice(start, i);
        if (!/^-?[0-9]+$/.test(digits)) fail("an index must be a whole number, e.g. [0]");
        steps.push(Number(digits));
      }
      if (text[i] !== "]") fail("']' expected");
      i++;
    } else if (first && (i === 0)) {
      // MQTT Dash's form without "$.": the first name starts right away
      const start = i;
      while (i < text.length && /[^.[\]]/.test(text[i])) i++;
      steps.push(text.slice(start, i));
    } else {
      fail(`unexpected '${c}'`);
    }
    first = false;
  }
  return steps;
}

function describe(steps) {
  return "$" + steps.map((s) => (typeof s === "number" ? `[${s}]` : `.${s}`)).join("");
}

/** The value at {@code path} in an already parsed JSON value. */
export function select(json, path) {
  const steps = parsePath(path);
  let current = json;
  for (let n = 0; n < steps.length; n++) {
    const step = steps[n];
    const where = describe(steps.slice(0, n));
    if (typeof step === "number") {
      if (!Array.isArray(current)) throw new JsonPathError(`${where} is not an array`);
      const index = step < 0 ? current.length + step : step;
      if (index < 0 || index >= current.length) {
        throw new JsonPathError(`${where} has no element [${step}] (length ${current.length})`);
      }
      current = current[index];
    } else {
      if (current === null || typeof current !== "object" || Array.isArray(current)) {
        throw new JsonPathError(`${where} is not an object`);
      }
      if (!Object.prototype.hasOwnProperty.call(current, step)) {
        throw new JsonPathError(`${where} has no field "${step}"`);
      }
      current = current[step];
    }
  }
  return current;
}

/**
 * Extracts the value a tile shows from a payload's text: strings as they are, numbers and
 * booleans as text, objects and arrays as JSON, null as "null".
 */
export function extract(payloadText, path) {
  let json;
  try {
    json = JSON.parse(payloadText);
  } catch (e) {
    throw new JsonPathError(`payload is not JSON (${e.message})`);
  }
  const value = select(json, path);
  if (typeof value === "string") return value;
  if (value === null) return "null";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}
