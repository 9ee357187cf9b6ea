#!/usr/bin/env node
// `npm create nimbus@latest my-app` runs this: it is `nimbus-web new my-app`, nothing of its own,
// so there is one generator to keep (in nimbus-web) and both documented starts behave the same.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
const manifest = require.resolve("nimbus-web/package.json");
const { bin } = JSON.parse(readFileSync(manifest, "utf8"));
const cli = join(dirname(manifest), bin["nimbus-web"]);
const args = process.argv.slice(2);
const result = spawnSync(process.execPath, [cli, "new", ...(args.length ? args : ["--help"])], {
  stdio: "inherit",
});
process.exit(result.status ?? 1);
