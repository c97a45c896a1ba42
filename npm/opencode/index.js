// @mystatus/opencode: add "@mystatus/opencode" to the "plugin" list of
// opencode.json and OpenCode gets the native `mystatus` tool and the
// /mystatus command. Only the plugin function is exported: OpenCode treats
// every exported function as a plugin.
import { tool } from "@opencode-ai/plugin";
import cli from "@mystatus/cli";
import { Host } from "./lib/host.js";
import { createPlugin } from "./lib/plugin.js";

/** @type {import("@opencode-ai/plugin").Plugin} */
export const MystatusPlugin = createPlugin({ tool, host: new Host({ binary: () => cli.binaryPath() }) });
