import type { Plugin } from "@opencode-ai/plugin";
/** The OpenCode plugin: the `mystatus` tool and the /mystatus command. */
export declare const MystatusPlugin: Plugin;
