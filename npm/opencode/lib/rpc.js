// A JSON-RPC 2.0 client over a child's stdio, one message per line (the
// framing `mystatus serve` detects from the first byte).

/**
 * @typedef {{ code: number, message: string, data?: unknown }} RpcErrorBody
 */

/** An error reply from the server. */
export class RpcError extends Error {
  /** @param {string} method @param {RpcErrorBody} body */
  constructor(method, body) {
    super(`${method}: ${body.message} (code ${body.code})`);
    this.name = "RpcError";
    this.code = body.code;
    this.data = body.data;
  }
}

/**
 * A JSON-RPC connection. `write` sends one line; feed every chunk read from
 * the server to `receive`, and call `close` when the stream ends.
 */
export class Connection {
  /** @param {(line: string) => void} write */
  constructor(write) {
    this.write = write;
    this.nextId = 1;
    /** @type {Map<number, {method: string, resolve: (v: any) => void, reject: (e: Error) => void}>} */
    this.pending = new Map();
    this.buffer = "";
    /** @type {Error | undefined} */
    this.closed = undefined;
  }

  /**
   * Sends a request and resolves with its result. Aborting the signal sends
   * `notifications/cancelled` (the server then stops the work and sends no
   * reply) and rejects with the signal's reason.
   * @param {string} method
   * @param {unknown} params
   * @param {AbortSignal} [signal]
   * @returns {Promise<any>}
   */
  request(method, params, signal) {
    if (this.closed) return Promise.reject(this.closed);
    if (signal?.aborted) return Promise.reject(signal.reason ?? new Error("aborted"));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        if (!this.pending.delete(id)) return;
        this.notify("notifications/cancelled", { requestId: id, reason: "aborted by OpenCode" });
        reject(signal?.reason ?? new Error("aborted"));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      const done = () => signal?.removeEventListener("abort", onAbort);
      this.pending.set(id, {
        method,
        resolve: (v) => (done(), resolve(v)),
        reject: (e) => (done(), reject(e)),
      });
      this.write(JSON.stringify({ jsonrpc: "2.0", id, method, params }) + "\n");
    });
  }

  /** @param {string} method @param {unknown} params */
  notify(method, params) {
    if (!this.closed) this.write(JSON.stringify({ jsonrpc: "2.0", method, params }) + "\n");
  }

  /** @param {string} chunk */
  receive(chunk) {
    this.buffer += chunk;
    let nl;
    while ((nl = this.buffer.indexOf("\n")) >= 0) {
      const line = this.buffer.slice(0, nl).trim();
      this.buffer = this.buffer.slice(nl + 1);
      if (line) this.dispatch(line);
    }
  }

  /** @param {string} line */
  dispatch(line) {
    let msg;
    try {
      msg = JSON.parse(line);
    } catch {
      return; // not ours to judge: the server logs to stderr, never here
    }
    if (msg === null || typeof msg !== "object" || typeof msg.id !== "number" || "method" in msg) return;
    const call = this.pending.get(msg.id);
    if (!call) return;
    this.pending.delete(msg.id);
    if (msg.error) call.reject(new RpcError(call.method, msg.error));
    else call.resolve(msg.result);
  }

  /** Fails every pending request: the server is gone. @param {Error} err */
  close(err) {
    this.closed ??= err;
    for (const call of this.pending.values()) call.reject(err);
    this.pending.clear();
  }
}
