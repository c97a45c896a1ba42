// One long-lived `mystatus serve` for the whole OpenCode process: its cache
// and request coalescing then serve every call. It is started on first use,
// started again if it dies, and ends with OpenCode (stdin closes, and it is
// killed on exit).
import { spawn as nodeSpawn } from "node:child_process";
import { Connection } from "./rpc.js";

/** Bytes of the server's stderr kept to explain a failure. */
const STDERR_TAIL = 4096;

export class Host {
  /**
   * @param {{ binary: () => string, spawn?: typeof nodeSpawn, env?: NodeJS.ProcessEnv,
   *           onExit?: (listener: () => void) => void }} opts
   */
  constructor(opts) {
    this.binary = opts.binary;
    this.spawn = opts.spawn ?? nodeSpawn;
    this.env = opts.env ?? process.env;
    this.onExit = opts.onExit ?? ((l) => process.once("exit", l));
    /** @type {Connection | undefined} */
    this.conn = undefined;
    /** @type {import("node:child_process").ChildProcess | undefined} */
    this.child = undefined;
    this.starts = 0;
    this.stderr = "";
    this.exitHooked = false;
    this.busy = 0;
  }

  /** @returns {Connection} */
  connection() {
    if (this.conn && !this.conn.closed) return this.conn;
    const bin = this.binary(); // throws with the fix when there is no binary
    const child = this.spawn(bin, ["serve"], { stdio: ["pipe", "pipe", "pipe"], env: this.env, windowsHide: true });
    this.starts++;
    this.child = child;
    this.stderr = "";
    const conn = new Connection((line) => child.stdin?.write(line));
    this.conn = conn;
    child.stdout?.setEncoding("utf8");
    child.stdout?.on("data", (chunk) => conn.receive(chunk));
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (chunk) => {
      this.stderr = (this.stderr + chunk).slice(-STDERR_TAIL);
    });
    child.stdin?.on("error", () => {}); // EPIPE after the server died: reported by "exit"
    const gone = (/** @type {string} */ why) => {
      const tail = this.stderr.trim();
      conn.close(new Error(`mystatus serve (${bin}) ${why}${tail ? `: ${tail}` : ""}`));
    };
    child.on("error", (err) => gone(`could not start: ${err.message}`));
    child.on("exit", (code, signal) => gone(signal ? `was killed by ${signal}` : `exited with status ${code}`));
    this.hold(child, false);
    if (!this.exitHooked) {
      this.exitHooked = true;
      this.onExit(() => this.stop());
    }
    return conn;
  }

  /**
   * @param {string} method
   * @param {unknown} params
   * @param {AbortSignal} [signal]
   */
  async request(method, params, signal) {
    const conn = this.connection();
    const child = this.child;
    this.busy++;
    this.hold(child, true);
    try {
      return await conn.request(method, params, signal);
    } finally {
      if (--this.busy === 0 && this.child === child) this.hold(child, false);
    }
  }

  /**
   * The server keeps its owner's event loop alive only while a request is
   * in flight: an idle server must never keep OpenCode from exiting.
   * @param {import("node:child_process").ChildProcess | undefined} child
   * @param {boolean} on
   */
  hold(child, on) {
    if (!child) return;
    for (const h of [child, child.stdin, child.stdout, child.stderr]) {
      /** @type {any} */ const x = h;
      on ? x?.ref?.() : x?.unref?.();
    }
  }

  /** Ends the server: stdin EOF lets it finish what is in flight; the kill makes sure. */
  stop() {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    try {
      child.stdin?.end();
    } catch {}
    if (child.exitCode === null && child.signalCode === null) child.kill();
  }
}
