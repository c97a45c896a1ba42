// Unit tests of the front package's binary lookup (npm/cli/lib/index.js):
// the right per-platform package, a clear error on an unsupported
// platform or a missing optional dependency, and MYSTATUS_BINARY.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

const require = createRequire(import.meta.url);
const cli = require("../../npm/cli/lib/index.js");
const pkg = JSON.parse(readFileSync(new URL("../../npm/cli/package.json", import.meta.url), "utf8"));

test("every published platform is an optional dependency, and only those", () => {
  const names = cli.PLATFORMS.map((p) => `@mystatus/cli-${p}`).sort();
  assert.deepEqual(Object.keys(pkg.optionalDependencies).sort(), names);
  assert.equal(cli.packageName("linux", "x64"), "@mystatus/cli-linux-x64");
  assert.equal(cli.packageName("win32", "arm64"), "@mystatus/cli-win32-arm64");
  assert.equal(cli.packageName("aix", "ppc64"), undefined);
  assert.equal(cli.packageName("linux", "ia32"), undefined);
});

test("binaryPath resolves the platform package's bin/mystatus(.exe)", () => {
  const resolve = (id) => `/nm/${id}`;
  assert.equal(cli.binaryPath({ platform: "darwin", arch: "arm64", env: {}, resolve }), "/nm/@mystatus/cli-darwin-arm64/bin/mystatus");
  assert.match(cli.binaryPath({ platform: "win32", arch: "x64", env: {}, resolve }), /cli-win32-x64[\\/]bin[\\/]mystatus\.exe$/);
});

test("unsupported platform: the error names it, lists what exists and says how to build", () => {
  assert.throws(() => cli.binaryPath({ platform: "freebsd", arch: "x64", env: {}, resolve: () => "" }),
    (e) => /freebsd x64/.test(e.message) && /linux-x64/.test(e.message) && /go install/.test(e.message) && /MYSTATUS_BINARY/.test(e.message));
});

test("missing optional dependency: the error says to reinstall without omitting optional packages", () => {
  const resolve = () => { throw new Error("Cannot find module"); };
  assert.throws(() => cli.binaryPath({ platform: "linux", arch: "arm64", env: {}, resolve }),
    (e) => /@mystatus\/cli-linux-arm64/.test(e.message) && /--omit=optional/.test(e.message));
});

test("MYSTATUS_BINARY overrides, and must exist", () => {
  assert.equal(cli.binaryPath({ env: { MYSTATUS_BINARY: process.execPath } }), process.execPath);
  assert.throws(() => cli.binaryPath({ env: { MYSTATUS_BINARY: "/nonexistent/mystatus" } }), /does not exist/);
});
