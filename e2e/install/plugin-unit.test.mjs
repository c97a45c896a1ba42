// Unit tests of the OpenCode plugin (npm/opencode/lib): language choice,
// the zod shape built from plugin/describe, the JSON-RPC client, and the
// plugin's hooks against a fake host. The Host tests start the real binary
// ($MYSTATUS_BIN) to check it is started once and ends with its owner.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { tool } from "@opencode-ai/plugin";
import { openCodeLang, posixToTag } from "../../npm/opencode/lib/lang.js";
import { toZodShape } from "../../npm/opencode/lib/schema.js";
import { Connection, RpcError } from "../../npm/opencode/lib/rpc.js";
import { createPlugin } from "../../npm/opencode/lib/plugin.js";
import { Host } from "../../npm/opencode/lib/host.js";

const here = dirname(fileURLToPath(import.meta.url));
const describe = JSON.parse(readFileSync(join(here, "testdata", "describe.json"), "utf8"));
const z = tool.schema;

test("language: plugin option, then POSIX locale, then Intl; MYSTATUS_LANG defers to the server", () => {
  const intl = () => "fr-FR";
  const cases = [
    [{ LANG: "zh_CN.UTF-8" }, {}, "zh-CN"],
    [{ LC_ALL: "fr_FR.UTF-8", LANG: "zh_CN.UTF-8" }, {}, "fr-FR"],
    [{ LC_MESSAGES: "zh_TW", LANG: "en_US.UTF-8" }, {}, "zh-TW"],
    [{}, {}, "fr-FR"],
    [{ LANG: "C.UTF-8" }, {}, undefined],
    [{ MYSTATUS_LANG: "zh", LANG: "fr_FR.UTF-8" }, {}, undefined],
    [{ MYSTATUS_LANG: "zh" }, { lang: "fr" }, "fr"],
    [{ LANG: "en_US.UTF-8" }, { lang: " zh " }, "zh"],
  ];
  for (const [env, opts, want] of cases) {
    assert.equal(openCodeLang(env, opts, intl), want, JSON.stringify({ env, opts }));
  }
  assert.equal(openCodeLang({}, {}, () => "und"), undefined);
  assert.equal(posixToTag("POSIX"), undefined);
  assert.equal(posixToTag("de_DE@euro"), "de-DE");
  assert.equal(posixToTag("../../etc"), undefined);
});

test("schema: the recorded describe input schema becomes a zod shape that validates like it", () => {
  const shape = toZodShape(describe.tools[0].inputSchema, z);
  assert.deepEqual(Object.keys(shape).sort(), ["format", "lang", "platforms", "refresh"]);
  const obj = z.object(shape).strict();
  assert.ok(obj.safeParse({}).success, "no field is required");
  assert.ok(obj.safeParse({ lang: "zh", platforms: ["zhipu", "openai"], format: "json", refresh: true }).success);
  assert.ok(!obj.safeParse({ platforms: ["nope"] }).success, "platform enum kept");
  assert.ok(!obj.safeParse({ format: "html" }).success, "format enum kept");
  assert.ok(!obj.safeParse({ refresh: "yes" }).success);
  assert.equal(shape.lang.description, describe.tools[0].inputSchema.properties.lang.description);
  // What OpenCode gives the model: JSON Schema again, enums intact.
  const js = z.toJSONSchema(obj);
  assert.deepEqual(js.properties.platforms.items.enum, describe.tools[0].inputSchema.properties.platforms.items.enum);
});

test("rpc: replies matched by id, errors typed, garbage ignored, cancel sends notifications/cancelled", async () => {
  const sent = [];
  const conn = new Connection((line) => sent.push(JSON.parse(line)));
  const a = conn.request("plugin/describe", {});
  const b = conn.request("tool/execute", { name: "x" });
  conn.receive('not json\n{"jsonrpc":"2.0","id":99,"result":1}\n');
  conn.receive('{"jsonrpc":"2.0","id":2,"error":{"code":-32602,"message":"unknown tool: x"}}\n{"jsonrpc":"2.0","id":1,');
  conn.receive('"result":{"ok":true}}\n');
  assert.deepEqual(await a, { ok: true });
  await assert.rejects(b, (e) => e instanceof RpcError && e.code === -32602);
  const ac = new AbortController();
  const c = conn.request("tool/execute", {}, ac.signal);
  ac.abort(new Error("user pressed escape"));
  await assert.rejects(c, /escape/);
  assert.deepEqual(sent.at(-1), { jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 3, reason: "aborted by OpenCode" } });
  const d = conn.request("ping", {});
  conn.close(new Error("server gone"));
  await assert.rejects(d, /server gone/);
  await assert.rejects(conn.request("ping", {}), /server gone/);
});

/** A host that answers from the recorded describe and records tool/execute calls. */
function fakeHost(fail) {
  const calls = [];
  return {
    calls,
    async request(method, params, signal) {
      calls.push({ method, params, signal });
      if (fail) throw new Error(fail);
      if (method === "plugin/describe") return describe;
      if (method === "tool/execute") return { title: "mystatus", output: `report in ${params.args.lang ?? "server default"}`, metadata: {} };
      throw new Error("unexpected " + method);
    },
  };
}

test("plugin: registers the mystatus tool and /mystatus, passes OpenCode's language, keeps the user's command", async () => {
  const host = fakeHost();
  const hooks = await createPlugin({ tool, host, env: { LANG: "zh_CN.UTF-8" } })({});
  assert.deepEqual(Object.keys(hooks.tool), ["mystatus"]);
  const t = hooks.tool.mystatus;
  assert.equal(t.description, describe.tools[0].description);
  const ac = new AbortController();
  assert.equal(await t.execute({}, { sessionID: "s1", messageID: "m1", agent: "build", abort: ac.signal }), "report in zh-CN");
  const call = host.calls.at(-1);
  assert.deepEqual(call.params, { name: "mystatus", args: { lang: "zh-CN" }, context: { sessionID: "s1", messageID: "m1", agent: "build" } });
  assert.equal(call.signal, ac.signal, "OpenCode's abort reaches the request");
  assert.equal(await t.execute({ lang: "fr" }, {}), "report in fr", "the model's choice wins");
  assert.deepEqual(host.calls[0].params, { lang: "zh-CN" }, "describe asked in the same language");

  const config = { command: { other: { template: "x" } } };
  await hooks.config(config);
  assert.deepEqual(config.command.mystatus, { template: describe.commands[0].template, description: describe.commands[0].description });
  assert.deepEqual(config.command.other, { template: "x" });
  const mine = { command: { mystatus: { template: "my own" } } };
  await hooks.config(mine);
  assert.deepEqual(mine.command.mystatus, { template: "my own" }, "a user's /mystatus is not replaced");
  const empty = {};
  await hooks.config(empty);
  assert.ok(empty.command.mystatus);
});

test("plugin: MYSTATUS_LANG set means no lang argument", async () => {
  const host = fakeHost();
  const hooks = await createPlugin({ tool, host, env: { MYSTATUS_LANG: "fr", LANG: "zh_CN.UTF-8" } })({});
  assert.equal(await hooks.tool.mystatus.execute({}, {}), "report in server default");
  assert.deepEqual(host.calls[0].params, {});
});

test("plugin: without a server the tool is still offered and says why", async () => {
  const hooks = await createPlugin({ tool, host: fakeHost("mystatus has no prebuilt binary for aix ppc64"), env: {} })({});
  assert.match(hooks.tool.mystatus.description, /aix ppc64/);
  await assert.rejects(hooks.tool.mystatus.execute({}, {}), /aix ppc64/);
  assert.equal(hooks.config, undefined);
});

const bin = process.env.MYSTATUS_BIN;

test("host: one real mystatus serve for every request, restarted after it dies, stopped with its owner", { skip: !bin && "set MYSTATUS_BIN", timeout: 30_000 }, async () => {
  // The idle server never holds the event loop (by design): hold it here
  // while the test waits for the child's exit events.
  const keep = setInterval(() => {}, 1000);
  after(() => clearInterval(keep));
  let exit;
  const host = new Host({ binary: () => bin, env: { ...process.env, HOME: "/nonexistent-mystatus-home" }, onExit: (l) => (exit = l) });
  const d1 = await host.request("plugin/describe", {});
  const d2 = await host.request("plugin/describe", {});
  assert.equal(d1.tools[0].name, "mystatus");
  assert.deepEqual(d1, d2);
  assert.equal(host.starts, 1);
  const child = host.child;
  const dead = new Promise((r) => child.once("exit", r));
  child.kill("SIGKILL");
  await dead;
  assert.ok((await host.request("plugin/describe", {})).tools);
  assert.equal(host.starts, 2);
  const second = host.child;
  const ended = new Promise((r) => second.once("exit", (code, sig) => r({ code, sig })));
  exit(); // what process "exit" does
  const how = await ended;
  assert.ok(how.code === 0 || how.sig === "SIGTERM", JSON.stringify(how));
  assert.equal(host.child, undefined);
});

test("host: a missing binary is an error with the path, not a hang", { timeout: 10_000 }, async () => {
  const host = new Host({ binary: () => "/nonexistent/mystatus", onExit: () => {} });
  await assert.rejects(host.request("plugin/describe", {}), /nonexistent\/mystatus/);
});
