// Payloads as text, JSON, hex or base64: how the console reads what a message carries and writes
// what it publishes. The API carries a payload as `payload` (UTF-8 text) or `payloadBase64`.

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The bytes of a message as the API shows it. */
export function bytesOf(message) {
  if (message.payload !== undefined && message.payload !== null) return encoder.encode(message.payload);
  const binary = atob(message.payloadBase64 ?? "");
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

export function toBase64(bytes) {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

export function toHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
}

/** A message's payload shown as `format`: text, json (pretty when it parses), hex or base64. */
export function show(message, format) {
  const bytes = bytesOf(message);
  if (format === "hex") return toHex(bytes);
  if (format === "base64") return toBase64(bytes);
  const text = message.payload ?? decoder.decode(bytes);
  if (format === "json") {
    try {
      return JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      return text;
    }
  }
  return text;
}

/**
 * The API's payload fields for what a person typed as `format`; throws an Error naming the problem
 * (bad hex, bad base64, JSON that does not parse).
 */
export function encode(text, format) {
  if (format === "json") {
    JSON.parse(text); // throws with the parser's message
    return { payload: text };
  }
  if (format === "hex") {
    const digits = text.replace(/[\s:]/g, "");
    if (!/^(?:[0-9a-fA-F]{2})*$/.test(digits)) throw new Error("hex: pairs of 0-9 a-f digits, e.g. 00 ff 10");
    const bytes = new Uint8Array(digits.length / 2);
    for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(digits.slice(2 * i, 2 * i + 2), 16);
    return { payloadBase64: toBase64(bytes) };
  }
  if (format === "base64") {
    const clean = text.replace(/\s/g, "");
    try {
      atob(clean);
    } catch {
      throw new Error("base64: not valid base64");
    }
    return { payloadBase64: clean };
  }
  return { payload: text };
}

/** A number out of a payload: the payload itself, or a JSON field by a dotted path ("a.b[0]"). */
export function numberAt(text, path) {
  let value;
  if (!path) {
    value = Number(String(text).trim());
  } else {
    try {
      value = JSON.parse(text);
    } catch {
      return null;
    }
    for (const part of path.replace(/\[(\d+)\]/g, ".$1").split(".").filter(Boolean)) {
      value = value === null || value === undefined ? undefined : value[part];
    }
    value = typeof value === "number" ? value : Number(value);
  }
  return Number.isFinite(value) ? value : null;
}

/** The dotted paths of a JSON payload's numeric fields, for a plot's choice. */
export function numericPaths(text) {
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    return [];
  }
  const out = [];
  const walk = (v, path) => {
    if (typeof v === "number") out.push(path);
    else if (v && typeof v === "object" && out.length < 50) {
      for (const [k, child] of Object.entries(v)) walk(child, Array.isArray(v) ? `${path}[${k}]` : path ? `${path}.${k}` : k);
    }
  };
  walk(value, "");
  return out.filter(Boolean);
}
