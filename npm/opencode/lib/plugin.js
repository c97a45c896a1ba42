// The plugin itself, written against injected dependencies so it can be
// tested without OpenCode: `tool` (OpenCode's tool() helper, whose .schema
// is zod) and the Host that talks to `mystatus serve`.
import { toZodShape } from "./schema.js";
import { openCodeLang } from "./lang.js";

/** How long plugin start-up waits for `plugin/describe` (the server answers it without network). */
export const DESCRIBE_TIMEOUT_MS = 10_000;

/**
 * @typedef {{ name: string, description: string, inputSchema: any }} ToolInfo
 * @typedef {{ name: string, description: string, template: string }} CommandInfo
 * @typedef {{ name: string, version: string, tools: ToolInfo[], commands: CommandInfo[] }} Describe
 * @typedef {{ request: (method: string, params: unknown, signal?: AbortSignal) => Promise<any> }} HostLike
 */

/**
 * Builds the OpenCode plugin function.
 * @param {{ tool: any, host: HostLike, env?: Record<string, string | undefined>,
 *           intlLocale?: () => string | undefined }} deps
 */
export function createPlugin(deps) {
  const { tool, host } = deps;
  const env = deps.env ?? process.env;
  /**
   * @param {unknown} _input OpenCode's PluginInput (client, directory, …): not needed
   * @param {{ lang?: string }} [options] the options of a ["@mystatus/opencode", {…}] entry
   */
  return async function plugin(_input, options = {}) {
    const lang = openCodeLang(env, options ?? {}, deps.intlLocale);
    /** @type {Describe} */
    let desc;
    try {
      desc = await withTimeout(host.request("plugin/describe", lang ? { lang } : {}), DESCRIBE_TIMEOUT_MS);
    } catch (err) {
      // No server: still offer the tool, so the model (and the user) see why.
      const why = err instanceof Error ? err.message : String(err);
      return {
        tool: {
          mystatus: tool({
            description: "Show the quota of every AI coding plan (mystatus). Unavailable: " + why,
            args: {},
            async execute() {
              throw new Error(why);
            },
          }),
        },
      };
    }
    /** @type {Record<string, any>} */
    const tools = {};
    for (const t of desc.tools ?? []) {
      tools[t.name] = tool({
        description: t.description,
        args: toZodShape(t.inputSchema, tool.schema),
        /** @param {Record<string, unknown>} args @param {any} ctx */
        async execute(args, ctx) {
          const a = { ...args };
          if (lang && a.lang === undefined) a.lang = lang;
          const context = { sessionID: ctx?.sessionID, messageID: ctx?.messageID, agent: ctx?.agent };
          const res = await host.request("tool/execute", { name: t.name, args: a, context }, ctx?.abort);
          return typeof res?.output === "string" ? res.output : JSON.stringify(res);
        },
      });
    }
    return {
      tool: tools,
      /** Adds /mystatus (and any other command the server has) unless the user defined one. @param {any} config */
      async config(config) {
        config.command ??= {};
        for (const c of desc.commands ?? []) {
          config.command[c.name] ??= { template: c.template, description: c.description };
        }
      },
    };
  };
}

/**
 * @template T
 * @param {Promise<T>} p
 * @param {number} ms
 * @returns {Promise<T>}
 */
function withTimeout(p, ms) {
  let timer;
  const t = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`mystatus serve did not describe itself within ${ms / 1000} s`)), ms);
    /** @type {any} */ (timer).unref?.();
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}
