// Writes the package.json of one per-platform package, or (--stamp) sets
// the release version on a front package and on its dependencies on the
// other mystatus packages, so one release always installs one build.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const args = process.argv.slice(2);
if (args[0] === "--stamp") {
  const [, version, file] = args;
  const pkg = JSON.parse(readFileSync(file, "utf8"));
  pkg.version = version;
  for (const field of ["dependencies", "optionalDependencies"]) {
    for (const name of Object.keys(pkg[field] ?? {})) {
      if (name.startsWith("@mystatus/")) pkg[field][name] = version;
    }
  }
  writeFileSync(file, JSON.stringify(pkg, null, 2) + "\n");
} else {
  const [os, cpu, version, dir] = args;
  const exe = os === "win32" ? ".exe" : "";
  const pkg = {
    name: `@mystatus/cli-${os}-${cpu}`,
    version,
    description: `The mystatus binary for ${os} ${cpu}; installed by @mystatus/cli, not meant to be installed directly.`,
    repository: { type: "git", url: "git+https://github.com/mystatus/mystatus.git" },
    os: [os],
    cpu: [cpu],
    files: [`bin/mystatus${exe}`],
    preferUnplugged: true,
  };
  writeFileSync(join(dir, "package.json"), JSON.stringify(pkg, null, 2) + "\n");
  writeFileSync(join(dir, "README.md"),
    `# ${pkg.name}\n\nThe \`mystatus\` binary for ${os} ${cpu}. Install [\`@mystatus/cli\`](https://www.npmjs.com/package/@mystatus/cli) instead: it picks this package on ${os} ${cpu}.\n`);
}
