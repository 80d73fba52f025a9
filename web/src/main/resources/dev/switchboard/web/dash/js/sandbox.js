// The page's side of the script sandbox: one Web Worker runs the scripts one at a time; a script
// that has not finished within the time limit has its worker terminated (the only way to stop a
// loop), and a fresh worker takes the next script. Nothing a script does reaches the page except
// its event's fields and its app.publish / app.openUri calls, which the caller applies.

export class ScriptTimeout extends Error {}

export class ScriptSandbox {
  constructor({ timeLimitMs = 1000, workerUrl = new URL("./sandbox-worker.js", import.meta.url) } = {}) {
    this.timeLimitMs = timeLimitMs;
    this.workerUrl = workerUrl;
    this.worker = null;
    this.queue = [];
    this.running = null;
    this.nextId = 1;
  }

  /**
   * Runs a script. Resolves to { event, result, actions }; rejects with the script's error, or
   * with ScriptTimeout when it ran past the limit (its worker is then terminated).
   */
  run(tileId, source, event, { blink = false } = {}) {
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, tileId, source, event, blink, resolve, reject });
      this.pump();
    });
  }

  pump() {
    if (this.running || this.queue.length === 0) return;
    const job = this.queue.shift();
    this.running = job;
    if (!this.worker) {
      this.worker = new Worker(this.workerUrl);
      this.worker.onmessage = (message) => this.finish(message.data);
      this.worker.onerror = (e) => {
        e.preventDefault();
        this.finish({ id: this.running?.id, ok: false, error: e.message || "script failed" });
      };
    }
    job.timer = setTimeout(() => {
      this.worker.terminate(); // a looping script cannot be interrupted any other way
      this.worker = null;
      this.running = null;
      job.reject(new ScriptTimeout(`script ran longer than ${this.timeLimitMs} ms and was stopped`));
      this.pump();
    }, this.timeLimitMs);
    const { id, tileId, source, event, blink } = job;
    this.worker.postMessage({ id, tileId, source, event, blink });
  }

  finish(reply) {
    const job = this.running;
    if (!job || reply.id !== job.id) return;
    clearTimeout(job.timer);
    this.running = null;
    if (reply.ok) job.resolve(reply);
    else {
      const error = new Error(reply.error);
      error.actions = reply.actions;
      job.reject(error);
    }
    this.pump();
  }

  close() {
    this.worker?.terminate();
    this.worker = null;
  }
}

const SIMPLE_BLINK = /^\s*val\s*(>=|<=|===|!==|==|!=|>|<)\s*(-?\d+(?:\.\d+)?|'[^'\\]*'|"[^"\\]*")\s*$/;

/**
 * Evaluates MQTT Dash's commonest blink conditions ("val > 13.2", "val == 'on'") without running
 * a script, so they work before scripts are allowed. Returns undefined for anything else.
 */
export function simpleBlink(expression, value) {
  const m = SIMPLE_BLINK.exec(expression ?? "");
  if (!m) return undefined;
  const [, op, literal] = m;
  const numeric = /^-?\d/.test(literal);
  const right = numeric ? Number(literal) : literal.slice(1, -1);
  const left = numeric ? Number(value) : String(value);
  if (numeric && Number.isNaN(left)) return false;
  switch (op) {
    case ">": return left > right;
    case "<": return left < right;
    case ">=": return left >= right;
    case "<=": return left <= right;
    case "==": case "===": return left === right;
    default: return left !== right;
  }
}
