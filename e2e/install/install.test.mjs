// The dist/ tarballs as a user gets them: installed offline into a fresh
// project, then `npx @mystatus/cli demo`, an MCP session with the official
// SDK client over `npx -y @mystatus/cli serve`, and the OpenCode plugin
// loaded from its installed package — all with no Go on PATH.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { installProject, fakeHome, fakeZhipu, childEnv, distVersion } from "./lib.mjs";

let proj, h, zhipu;

before(() => {
  proj = installProject();
  h = fakeHome();
});
after(async () => {
  await zhipu?.close();
  for (const d of [proj, h?.home]) if (d) rmSync(d, { recursive: true, force: true });
});

test("npx @mystatus/cli demo and version run the packaged binary", { timeout: 60_000 }, () => {
  const env = childEnv(h, { MYSTATUS_LANG: "fr" });
  const demo = execFileSync("npx", ["-y", "@mystatus/cli", "demo"], { cwd: proj, env, encoding: "utf8", timeout: 30_000 });
  assert.match(demo, /Données de démonstration/, "the French demo report");
  assert.match(demo, /demo@example\.com/);
  const version = execFileSync("npx", ["-y", "@mystatus/cli", "version"], { cwd: proj, env, encoding: "utf8", timeout: 30_000 });
  const commit = distVersion().match(/\.g([0-9a-f]+)/)?.[1];
  if (commit) assert.match(version, new RegExp(`commit ${commit}`), "stamped with the dist commit");
  assert.match(version, /built \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/);
  // The front package resolved this platform's package, not a binary on PATH.
  const where = execFileSync(process.execPath, ["-e", "console.log(require('@mystatus/cli').binaryPath())"], { cwd: proj, env, encoding: "utf8" });
  assert.ok(where.trim().startsWith(join(proj, "node_modules", "@mystatus", `cli-${process.platform}-${process.arch}`)), where);
});

test("npx -y @mystatus/cli with no arguments prints the report", { timeout: 60_000 }, async () => {
  zhipu ??= await fakeZhipu();
  const before = zhipu.hits;
  const env = childEnv(h, { MYSTATUS_LANG: "en", MYSTATUS_ZHIPU_BASE_URL: zhipu.url });
  // Asynchronous: the fake Zhipu endpoint lives in this process.
  const { stdout } = await promisify(execFile)("npx", ["-y", "@mystatus/cli"], { cwd: proj, env, encoding: "utf8", timeout: 30_000 });
  assert.match(stdout, /Zhipu/);
  assert.match(stdout, /% remaining/);
  assert.ok(!stdout.includes("abcdefghijkl"), "the key never reaches the output");
  assert.equal(zhipu.hits, before + 1);
});

test("MCP session through npx -y @mystatus/cli serve with the official SDK client", { timeout: 60_000 }, async () => {
  zhipu ??= await fakeZhipu();
  const before = zhipu.hits;
  const env = childEnv(h, { MYSTATUS_LANG: "zh", MYSTATUS_ZHIPU_BASE_URL: zhipu.url });
  const transport = new StdioClientTransport({ command: "npx", args: ["-y", "@mystatus/cli", "serve"], cwd: proj, env, stderr: "pipe" });
  let stderr = "";
  transport.stderr?.on("data", (b) => { stderr += b; });
  const client = new Client({ name: "mystatus-install-e2e", version: "0" });
  await client.connect(transport);
  try {
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name), ["mystatus"]);
    const { prompts } = await client.listPrompts();
    assert.ok(prompts.some((p) => p.name === "mystatus"));
    const res = await client.callTool({ name: "mystatus", arguments: { platforms: ["zhipu"] } });
    assert.equal(res.isError, false, stderr);
    const text = res.content[0].text;
    assert.match(text, /智谱/, "the Chinese report");
    assert.ok(!text.includes("abcdefghijkl"), "the key never reaches the output");
    assert.equal(zhipu.hits, before + 1, "one upstream call for one tool call");
  } finally {
    await client.close();
  }
});

test("the OpenCode plugin loads from its installed package and reports through the packaged binary", { timeout: 60_000 }, async () => {
  zhipu ??= await fakeZhipu();
  // A child process: the plugin's server inherits the environment of the process that loads it.
  const entry = pathToFileURL(join(proj, "node_modules", "@mystatus", "opencode", "index.js")).href;
  const script = `
    const mod = await import(${JSON.stringify(entry)});
    const fns = Object.values(mod).filter((v) => typeof v === "function");
    if (fns.length !== 1) throw new Error("exports: " + Object.keys(mod));
    const hooks = await fns[0]({ directory: process.cwd() }, {});
    const config = {};
    await hooks.config(config);
    const out = await hooks.tool.mystatus.execute({ platforms: ["zhipu"] }, { sessionID: "s", messageID: "m", agent: "build", abort: new AbortController().signal });
    process.stdout.write(JSON.stringify({ commands: Object.keys(config.command), out }));`;
  const env = childEnv(h, { LANG: "fr_FR.UTF-8", MYSTATUS_ZHIPU_BASE_URL: zhipu.url });
  // Asynchronous: the fake Zhipu endpoint lives in this process.
  const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], { cwd: proj, env, encoding: "utf8", timeout: 30_000 });
  const got = JSON.parse(stdout);
  assert.deepEqual(got.commands, ["mystatus"]);
  assert.match(got.out, /Zhipu/, got.out);
  assert.match(got.out, /restant/, "OpenCode's language (fr) reached the report");
  assert.ok(!got.out.includes("Échec"), got.out);
  assert.ok(!got.out.includes("abcdefghijkl"), "the key never reaches the output");
});
