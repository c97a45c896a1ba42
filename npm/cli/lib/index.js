"use strict";
// Finds the mystatus binary that npm installed for this machine: one
// optional dependency per OS/CPU (esbuild's scheme), of which npm keeps
// the one whose os/cpu fields match.
const path = require("node:path");
const fs = require("node:fs");

/** The platforms a package is published for, as `${process.platform}-${process.arch}`. */
const PLATFORMS = ["darwin-arm64", "darwin-x64", "linux-arm64", "linux-x64", "win32-arm64", "win32-x64"];

/**
 * The per-platform package name for a platform and CPU, or undefined when
 * none is published.
 * @param {string} [platform]
 * @param {string} [arch]
 * @returns {string | undefined}
 */
function packageName(platform = process.platform, arch = process.arch) {
  const key = `${platform}-${arch}`;
  return PLATFORMS.includes(key) ? `@mystatus/cli-${key}` : undefined;
}

/**
 * The absolute path of the mystatus binary. MYSTATUS_BINARY overrides the
 * search (a binary built from source). Throws an Error whose message says
 * what is wrong and how to fix it.
 * @param {{platform?: string, arch?: string, env?: NodeJS.ProcessEnv, resolve?: (id: string) => string}} [opts]
 * @returns {string}
 */
function binaryPath(opts = {}) {
  const { platform = process.platform, arch = process.arch, env = process.env } = opts;
  const resolve = opts.resolve ?? ((id) => require.resolve(id));
  if (env.MYSTATUS_BINARY) {
    if (!fs.existsSync(env.MYSTATUS_BINARY)) {
      throw new Error(`MYSTATUS_BINARY is set to ${env.MYSTATUS_BINARY}, which does not exist. Point it at a mystatus binary, or unset it to use the one installed with @mystatus/cli.`);
    }
    return env.MYSTATUS_BINARY;
  }
  const pkg = packageName(platform, arch);
  if (!pkg) {
    throw new Error(`mystatus has no prebuilt binary for ${platform} ${arch} (published: ${PLATFORMS.join(", ")}). ` +
      "Build it from source with Go (go install github.com/mystatus/mystatus@latest) and set MYSTATUS_BINARY to its path.");
  }
  const exe = platform === "win32" ? "mystatus.exe" : "mystatus";
  try {
    return path.join(path.dirname(resolve(`${pkg}/package.json`)), "bin", exe);
  } catch {
    throw new Error(`The package ${pkg}, which holds the mystatus binary for ${platform} ${arch}, is not installed. ` +
      "It is an optional dependency of @mystatus/cli: reinstall without --no-optional or --omit=optional " +
      "(for example `npm install @mystatus/cli`), or set MYSTATUS_BINARY to a mystatus binary.");
  }
}

module.exports = { PLATFORMS, packageName, binaryPath };
