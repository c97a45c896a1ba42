// Shared set-up of the install tests: the dist/ tarballs installed offline
// into a temporary project, a temporary HOME holding a fake Zhipu key, and
// a loopback fake of Zhipu's quota endpoint.
import { execFileSync } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, readdirSync, existsSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join, dirname, delimiter } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const dist = process.env.DIST ?? join(here, "..", "..", "dist");
export const zhipuKey = "sk-CANARY-e2e-install-zhipu-0003.abcdefghijkl";
const limits = readFileSync(join(here, "..", "testdata", "zhipu_limits.json"));

/** The tarball of one package in dist/ (exactly one must exist). */
export function tarball(pkg) {
  const re = new RegExp(`^mystatus-${pkg}-\\d+\\.\\d+\\.\\d+.*\\.tgz$`);
  const hits = readdirSync(dist).filter((f) => re.test(f));
  if (hits.length !== 1) throw new Error(`want one ${pkg} tarball in ${dist}, found ${hits.join(", ") || "none"}: run make dist`);
  return join(dist, hits[0]);
}

/** The dist version, from the front package's file name. */
export function distVersion() {
  return tarball("cli").match(/mystatus-cli-(.*)\.tgz$/)[1];
}

/** PATH without any directory holding a `go` binary: the packages must work with no Go installed. */
export function pathWithoutGo() {
  return (process.env.PATH ?? "").split(delimiter).filter((d) => d && !existsSync(join(d, "go"))).join(delimiter);
}

/**
 * npm install of the front package, this platform's binary package and the
 * OpenCode plugin, from the tarballs, as a user installs them. --prefer-offline: the
 * dependencies come from the npm cache that `npm install` of this folder filled where it
 * can, and the registry is asked only for what the cache lacks (installing from a lockfile
 * stores the tarballs but not always the registry metadata that resolving the plugin's
 * `^` range needs, so --offline fails on a fresh machine).
 */
export function installProject() {
  const proj = mkdtempSync(join(tmpdir(), "mystatus-install-"));
  writeFileSync(join(proj, "package.json"), JSON.stringify({ name: "mystatus-install-probe", private: true }) + "\n");
  const platform = `${process.platform}-${process.arch}`;
  execFileSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--no-update-notifier",
    tarball("cli"), tarball(`cli-${platform}`), tarball("opencode")], { cwd: proj, stdio: ["ignore", "ignore", "inherit"], timeout: 120_000 });
  return proj;
}

/** A temporary HOME whose OpenCode auth.json holds a fake Zhipu key. */
export function fakeHome() {
  const home = mkdtempSync(join(tmpdir(), "mystatus-install-home-"));
  const data = join(home, ".local", "share");
  mkdirSync(join(data, "opencode"), { recursive: true });
  writeFileSync(join(data, "opencode", "auth.json"),
    JSON.stringify({ "zhipuai-coding-plan": { type: "api", key: zhipuKey } }), { mode: 0o600 });
  return { home, data, config: join(home, ".config") };
}

/** The loopback Zhipu quota endpoint; `hits` counts the requests it answered. */
export async function fakeZhipu() {
  const state = { hits: 0 };
  const server = createServer((req, res) => {
    if (req.url !== "/api/monitor/usage/quota/limit" || req.headers.authorization !== zhipuKey) {
      res.writeHead(401, { "content-type": "application/json" });
      res.end('{"code":401,"msg":"bad request"}');
      return;
    }
    state.hits++;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(limits);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  state.url = `http://127.0.0.1:${server.address().port}`;
  state.close = () => new Promise((r) => server.close(r));
  return state;
}

/** The environment of a child: the caller's minus MYSTATUS_*, no Go on PATH, HOME the fake one. */
export function childEnv(h, extra = {}) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith("MYSTATUS_")) delete env[k];
  return { ...env, PATH: pathWithoutGo(), HOME: h.home, XDG_DATA_HOME: h.data, XDG_CONFIG_HOME: h.config, ...extra };
}
