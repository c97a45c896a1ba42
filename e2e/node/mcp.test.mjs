// Drives `mystatus serve` with the TypeScript MCP SDK v1 client over stdio,
// the client OpenCode and most MCP hosts embed (legacy initialize era).
// The binary is $MYSTATUS_BIN (run.sh builds it). A temporary HOME holds a
// fake Zhipu API key; its quota endpoint is a loopback fake.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const here = dirname(fileURLToPath(import.meta.url));
const bin = process.env.MYSTATUS_BIN;
const canaryKey = "sk-CANARY-e2e-node-zhipu-0002.abcdefghijkl";
const limits = readFileSync(join(here, "..", "testdata", "zhipu_limits.json"));

let home, fake, client, transport, stderr = "";
// When hold is set, the fake keeps quota requests waiting until release().
let hold = false, held = [], onHeld = null;
let fetches = 0;

function release() {
  hold = false;
  for (const res of held.splice(0)) respond(res);
}

function respond(res) {
  res.writeHead(200, { "content-type": "application/json" });
  res.end(limits);
}

before(async () => {
  assert.ok(bin, "set MYSTATUS_BIN to the mystatus binary (run.sh does)");
  fake = createServer((req, res) => {
    if (req.url !== "/api/monitor/usage/quota/limit" || req.headers.authorization !== canaryKey) {
      res.writeHead(401, { "content-type": "application/json" });
      res.end('{"code":401,"msg":"bad request"}');
      return;
    }
    fetches++;
    if (hold) {
      held.push(res);
      onHeld?.();
      return;
    }
    respond(res);
  });
  fake.listen(0, "127.0.0.1");
  await once(fake, "listening");

  home = mkdtempSync(join(tmpdir(), "mystatus-node-e2e-"));
  const data = join(home, ".local", "share");
  mkdirSync(join(data, "opencode"), { recursive: true });
  writeFileSync(join(data, "opencode", "auth.json"),
    JSON.stringify({ "zhipuai-coding-plan": { type: "api", key: canaryKey } }), { mode: 0o600 });

  // As OpenCode does: the whole environment, then the server's own
  // settings. Nothing from the developer's machine may leak in.
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith("MYSTATUS_")) delete env[k];
  Object.assign(env, {
    HOME: home,
    XDG_DATA_HOME: data,
    XDG_CONFIG_HOME: join(home, ".config"),
    MYSTATUS_LANG: "en",
    MYSTATUS_ZHIPU_BASE_URL: `http://127.0.0.1:${fake.address().port}`,
  });
  transport = new StdioClientTransport({ command: bin, args: ["serve", "--log-level=debug"], env, stderr: "pipe" });
  transport.stderr?.on("data", (b) => { stderr += b; });
  client = new Client({ name: "mystatus-node-e2e", version: "0" });
  await client.connect(transport);
});

after(async () => {
  release();
  await client?.close();
  fake?.close();
  if (home) rmSync(home, { recursive: true, force: true });
  assert.ok(!stderr.includes("CANARY"), "a secret reached the log");
});

test("initialize", () => {
  assert.equal(client.getServerVersion().name, "mystatus");
  const caps = client.getServerCapabilities();
  assert.ok(caps.tools && caps.prompts);
  assert.match(client.getInstructions(), /mystatus/);
});

test("tools/list", async () => {
  const { tools } = await client.listTools();
  assert.equal(tools.length, 1);
  const [tool] = tools;
  assert.equal(tool.name, "mystatus");
  assert.equal(tool.inputSchema.type, "object");
  assert.equal(tool.inputSchema.additionalProperties, false);
  assert.equal(tool.inputSchema.required, undefined);
  assert.deepEqual(Object.keys(tool.inputSchema.properties).sort(), ["format", "lang", "platforms", "refresh"]);
  assert.equal(tool.outputSchema.type, "object");
  assert.equal(tool.annotations.readOnlyHint, true);
  assert.equal(tool.annotations.destructiveHint, false);
});

test("tools/call with progress", async () => {
  // A fast call sends no notification: none can race the reply.
  const fast = [];
  const res = await client.callTool({ name: "mystatus", arguments: {} }, undefined, {
    onprogress: (p) => fast.push(p),
  });
  // The SDK checks structuredContent against outputSchema here.
  assert.equal(res.isError, false);
  assert.equal(res.content[0].type, "text");
  assert.match(res.content[0].text, /Zhipu AI/);
  assert.match(res.content[0].text, /█/);
  assert.equal(res.structuredContent.locale, "en");
  assert.equal(res.structuredContent.platforms.length, 1);
  assert.equal(res.structuredContent.platforms[0].id, "zhipu");
  // The markdown also rides in structuredContent, for clients that show
  // the model only that.
  assert.equal(res.structuredContent.markdown, res.content[0].text);
  assert.deepEqual(fast, []);
  assert.ok(!JSON.stringify(res).includes("CANARY"));

  // A slow call (Zhipu held) does show progress, and every notification
  // reaches the callback: none arrives with the reply.
  // How many platforms the host serves: the platforms argument's enum.
  const platforms = (await client.listTools()).tools[0].inputSchema.properties.platforms.items.enum.length;
  assert.ok(platforms >= 6, `platforms ${platforms}`);
  hold = true;
  const slow = [];
  let first;
  const seen = new Promise((resolve) => { first = resolve; });
  const pending = client.callTool({ name: "mystatus", arguments: { refresh: true } }, undefined, {
    onprogress: (p) => { slow.push(p); first(); },
    timeout: 30000,
  });
  await seen;
  release();
  const res2 = await pending;
  assert.equal(res2.isError, false);
  assert.ok(slow.length >= 1, "no progress during a slow call");
  slow.forEach((p, i) => {
    assert.ok(p.progress >= 1 && p.progress < platforms, `progress ${p.progress}`);
    if (i > 0) assert.ok(p.progress > slow[i - 1].progress);
    assert.equal(p.total, platforms);
    assert.ok(p.message.length > 0);
  });
  // The host logs each notification it sends; stderr is another pipe, so
  // give its last lines a moment (bounded) to arrive.
  const sent = () => (stderr.match(/msg=progress/g) ?? []).length;
  for (let i = 0; i < 500 && sent() < slow.length; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(sent(), slow.length, `host sent ${sent()}, the SDK delivered ${slow.length}`);
});

test("tools/call language and invalid arguments", async () => {
  const fr = await client.callTool({ name: "mystatus", arguments: { lang: "fr", format: "json" } });
  assert.equal(fr.isError, false);
  assert.equal(JSON.parse(fr.content[0].text).locale, "fr");
  const bad = await client.callTool({ name: "mystatus", arguments: { platforms: ["nope"] } });
  assert.equal(bad.isError, true);
  assert.match(bad.content[0].text, /nope/);
  await assert.rejects(client.callTool({ name: "unknown" }), /-32602|unknown tool/i);
});

test("prompts", async () => {
  const { prompts } = await client.listPrompts();
  assert.equal(prompts.length, 1);
  assert.equal(prompts[0].name, "mystatus");
  assert.deepEqual(prompts[0].arguments ?? [], []);
  const res = await client.getPrompt({ name: "mystatus" });
  assert.equal(res.messages[0].role, "user");
  // The report is fresh in the host's cache: the prompt carries it.
  assert.match(res.messages[0].content.text, /Zhipu AI/);
  assert.doesNotMatch(res.messages[0].content.text, /\$[0-9]|\$ARGUMENTS|!`/);
});

test("cancellation: the call is abandoned and the connection lives on", async () => {
  hold = true;
  const arrived = new Promise((resolve) => { onHeld = resolve; });
  const ac = new AbortController();
  const call = client.callTool({ name: "mystatus", arguments: { refresh: true } }, undefined, { signal: ac.signal });
  await arrived;
  ac.abort("user");
  await assert.rejects(call);
  await client.ping();
  release();
  const res = await client.callTool({ name: "mystatus", arguments: {} });
  assert.equal(res.isError, false);
});

test("caching: repeated calls reuse the upstream answer", () => {
  // One fetch for the first report, one for the slow refreshed call, one
  // for the refresh that was cancelled; every other call was served from
  // the cache.
  assert.equal(fetches, 3);
});
