#!/usr/bin/env node
"use strict";
// Runs the native mystatus binary with this process's arguments and stdio
// (so `npx -y @mystatus/cli serve` is a stdio MCP server), passes signals
// on, and exits with the binary's status.
const { spawn } = require("node:child_process");
const { binaryPath } = require("../lib/index.js");

let bin;
try {
  bin = binaryPath();
} catch (err) {
  process.stderr.write(`mystatus: ${err.message}\n`);
  process.exit(1);
}
const child = spawn(bin, process.argv.slice(2), { stdio: "inherit", windowsHide: true });
const signals = ["SIGINT", "SIGTERM", "SIGHUP"];
const forward = (sig) => child.kill(sig);
for (const sig of signals) process.on(sig, forward);
child.on("error", (err) => {
  process.stderr.write(`mystatus: cannot run ${bin}: ${err.message}\n`);
  process.exit(1);
});
child.on("exit", (code, signal) => {
  if (signal) {
    // Die of the same signal, as a shell expects.
    for (const sig of signals) process.off(sig, forward);
    process.kill(process.pid, signal);
    return;
  }
  process.exit(code ?? 1);
});
