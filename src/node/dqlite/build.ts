/**
 * Builds the nimbus-dqlite binary from its Go source on first use, offline, with Debian's Go
 * toolchain and go-dqlite; the result is cached under a hash of the source, so an edit rebuilds.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The Go source (shipped with the package; src/ and dist/ sit at the same depth). */
export const GO_SOURCE = fileURLToPath(
  new URL("../../../src/node/dqlite/nimbus-dqlite/", import.meta.url),
);

export const DEBIAN_PACKAGES = [
  "golang-go",
  "gcc",
  "libc6-dev",
  "golang-github-canonical-go-dqlite-dev",
  "libdqlite-dev",
  "libsqlite3-dev",
];

const GOPATH_DEPS = "/usr/share/gocode";

/** Where `nimbus db node install` puts the program on a database machine; exported units run it there. */
export const INSTALLED_NODE_PATH = "/usr/local/bin/nimbus-dqlite";

/** What is missing to build the binary, as an actionable message; null when all is there. */
export function missingToolchain(): string | null {
  const missing: string[] = [];
  if (!findOnPath("go")) missing.push("golang-go (the go command)");
  if (!findOnPath("gcc")) missing.push("gcc (cgo compiles dqlite's bindings)");
  if (!existsSync(join(GOPATH_DEPS, "src/github.com/canonical/go-dqlite/app"))) {
    missing.push("golang-github-canonical-go-dqlite-dev (go-dqlite's source)");
  }
  if (!existsSync("/usr/include/dqlite.h")) missing.push("libdqlite-dev (dqlite's C library)");
  if (missing.length === 0) return null;
  return (
    `The mirrored database needs dqlite and Go to build its node program; missing: ${missing.join(", ")}.\n` +
    `On Debian or Ubuntu: sudo apt-get install ${DEBIAN_PACKAGES.join(" ")}`
  );
}

function findOnPath(command: string): string | null {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    if (dir && existsSync(join(dir, command))) return join(dir, command);
  }
  return null;
}

/** Hash of the Go source files: names the cached binary. */
export function sourceHash(): string {
  const hash = createHash("sha256");
  for (const name of readdirSync(GO_SOURCE)
    .filter((n) => n.endsWith(".go"))
    .sort()) {
    hash
      .update(name)
      .update("\0")
      .update(readFileSync(join(GO_SOURCE, name)))
      .update("\0");
  }
  return hash.digest("hex").slice(0, 16);
}

/** Where built binaries are kept: $NIMBUS_CACHE_DIR, else ~/.cache/nimbus. */
export function cacheDir(): string {
  return (
    process.env.NIMBUS_CACHE_DIR ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "nimbus")
  );
}

/**
 * The path of a nimbus-dqlite binary built from the current source, building it if needed
 * (about 5-30 s the first time). Throws with the Debian packages to install when Go or dqlite
 * is missing.
 */
export async function ensureDqliteBinary(): Promise<string> {
  const dir = join(cacheDir(), "dqlite", sourceHash());
  const binary = join(dir, "nimbus-dqlite");
  if (existsSync(binary)) return binary;
  const missing = missingToolchain();
  if (missing) throw new Error(missing);
  mkdirSync(dir, { recursive: true });
  const partial = `${binary}.${process.pid}.tmp`;
  const gopath = [join(cacheDir(), "gopath"), GOPATH_DEPS].join(":");
  await new Promise<void>((resolve, reject) => {
    execFile(
      "go",
      ["build", "-tags", "libsqlite3", "-o", partial, "."],
      {
        cwd: GO_SOURCE,
        env: {
          ...process.env,
          GO111MODULE: "off",
          GOPATH: gopath,
          GOCACHE: join(cacheDir(), "go-build"),
          CGO_ENABLED: "1",
          CGO_LDFLAGS_ALLOW: "-Wl,-z,now",
        },
        timeout: 10 * 60_000,
      },
      (err, _stdout, stderr) => {
        if (err) {
          reject(
            new Error(
              `Building nimbus-dqlite failed (go build in ${GO_SOURCE}):\n${stderr || err.message}\n` +
                `It needs the Debian packages ${DEBIAN_PACKAGES.join(" ")}.`,
            ),
          );
        } else resolve();
      },
    );
  });
  renameSync(partial, binary); // atomic: a concurrent build finds either nothing or the whole binary
  return binary;
}
