/**
 * TEST FIXTURE — not replication. Makes a second libSQL server behave like a read replica
 * that lags behind its primary, so tests of the replica router and consistency tokens can see
 * stale reads and then catch-up.
 *
 * Every `pollMs` the feed checks whether the primary committed anything (PRAGMA data_version);
 * if so it snapshots the primary's committed state (VACUUM INTO: consistent, does not block
 * writers). A snapshot is applied to the replica's database once it is `lagMs` old, in one
 * transaction (drop everything, recreate the schema, copy rows), so the replica server's
 * readers switch from one committed state to the next and never see a half-copied one.
 * The `libsql` package has no online-backup API (Database#backup throws "not implemented"),
 * hence snapshot files plus a logical copy. Virtual tables (FTS …) are not supported.
 */
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { LockWaiters, retryWhileBusy } from "./busy.ts";
import { Connection } from "./connection.ts";

export type ReplicaFeedOptions = {
  /** Database file of the primary server (LibsqlServer.file). */
  primaryFile: string;
  /** Database file of the replica server; it is overwritten with the primary's content. */
  replicaFile: string;
  /** How far the replica trails the primary. Can be changed later through `feed.lagMs`. */
  lagMs: number;
  /** How often the primary is checked for new commits. Default 25 ms. */
  pollMs?: number;
};

export type ReplicaFeed = {
  lagMs: number;
  /** Capture time (Date.now()) of the primary state the replica now shows; null before the first. */
  readonly appliedAt: number | null;
  /** Copies the primary's current state to the replica at once, ignoring the lag. */
  syncNow(): Promise<void>;
  /** Stops feeding and deletes pending snapshot files. The replica keeps what it has. */
  stop(): Promise<void>;
};

type Snapshot = { takenAt: number; path: string };

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

type SchemaRow = { type: string; name: string; sql: string | null };

/** Replaces everything in `replica`'s main database with the content of the snapshot file. */
function applySnapshot(replica: Connection, snapshotPath: string): void {
  const db = replica.db;
  const all = <T>(sql: string) => db.prepare<unknown[]>(sql).all() as T[];
  const userObjects = "name NOT LIKE 'sqlite\\_%' ESCAPE '\\'";
  db.exec(`ATTACH DATABASE ${literal(snapshotPath)} AS feed_src`);
  try {
    db.exec("BEGIN IMMEDIATE");
    try {
      const old = all<SchemaRow>(`SELECT type, name FROM main.sqlite_schema WHERE ${userObjects}`);
      for (const { name } of old.filter((o) => o.type === "view")) {
        db.exec(`DROP VIEW IF EXISTS main.${quote(name)}`);
      }
      for (const { name } of old.filter((o) => o.type === "table")) {
        db.exec(`DROP TABLE IF EXISTS main.${quote(name)}`);
      }
      const schema = all<SchemaRow>(
        `SELECT type, name, sql FROM feed_src.sqlite_schema WHERE ${userObjects} AND sql IS NOT NULL`,
      );
      for (const { type, name, sql } of schema) {
        if (type !== "table" || sql === null) continue;
        if (/^\s*create\s+virtual/i.test(sql)) {
          throw new Error(`The replica feed fixture cannot copy virtual table ${name}`);
        }
        db.exec(sql);
        const cols = all<{ name: string; hidden: number }>(
          `PRAGMA feed_src.table_xinfo(${quote(name)})`,
        )
          .filter((c) => Number(c.hidden) === 0)
          .map((c) => quote(c.name));
        const list = (/without\s+rowid\s*$/i.test(sql) ? cols : ["rowid", ...cols]).join(", ");
        db.exec(
          `INSERT INTO main.${quote(name)} (${list}) SELECT ${list} FROM feed_src.${quote(name)}`,
        );
      }
      for (const kind of ["index", "view", "trigger"]) {
        for (const { type, sql } of schema) if (type === kind && sql !== null) db.exec(sql);
      }
      if (all("SELECT 1 FROM feed_src.sqlite_schema WHERE name = 'sqlite_sequence'").length) {
        db.exec("DELETE FROM main.sqlite_sequence");
        db.exec("INSERT INTO main.sqlite_sequence SELECT * FROM feed_src.sqlite_sequence");
      }
      const [version] = all<{ user_version: number }>("PRAGMA feed_src.user_version");
      db.exec(`PRAGMA main.user_version = ${Number(version?.user_version ?? 0)}`);
      db.exec("COMMIT");
    } catch (err) {
      if (db.inTransaction) db.exec("ROLLBACK");
      throw err;
    }
  } finally {
    db.exec("DETACH DATABASE feed_src");
  }
}

/** Starts feeding `replicaFile` from `primaryFile` with a lag. Test fixture; see file header. */
export function startReplicaFeed(options: ReplicaFeedOptions): ReplicaFeed {
  const primary = new Connection({ file: options.primaryFile, synchronous: "NORMAL" });
  const replica = new Connection({ file: options.replicaFile, synchronous: "NORMAL" });
  replica.db.exec("PRAGMA foreign_keys = OFF");
  const polling = new LockWaiters();
  const pending: Snapshot[] = [];
  const state = { appliedAt: null as number | null };
  let lastDataVersion: unknown;
  let stopped = false;
  let busy: Promise<void> = Promise.resolve();

  const dataVersion = () => (primary.prepare("PRAGMA data_version").all() as unknown[][])[0]?.[0];

  const capture = async (): Promise<void> => {
    const version = dataVersion();
    if (version === lastDataVersion) return;
    lastDataVersion = version;
    const path = `${options.replicaFile}.feed-${randomBytes(6).toString("hex")}`;
    const takenAt = Date.now();
    await retryWhileBusy(() => primary.db.exec(`VACUUM INTO ${literal(path)}`), polling, 5_000);
    pending.push({ takenAt, path });
  };

  const apply = async (dueBy: number): Promise<void> => {
    let due: Snapshot | undefined;
    while (pending[0] !== undefined && pending[0].takenAt <= dueBy) {
      if (due) rmSync(due.path, { force: true });
      due = pending.shift();
    }
    if (due === undefined) return;
    const snapshot = due;
    try {
      await retryWhileBusy(() => applySnapshot(replica, snapshot.path), polling, 5_000);
      state.appliedAt = snapshot.takenAt;
    } finally {
      rmSync(snapshot.path, { force: true });
    }
  };

  /** Runs one step at a time, so a tick and syncNow() never interleave. */
  const serialize = (step: () => Promise<void>): Promise<void> => {
    const next = busy.then(step);
    busy = next.catch(() => undefined);
    return next;
  };

  const timer = setInterval(() => {
    if (stopped) return;
    serialize(async () => {
      await capture();
      await apply(Date.now() - feed.lagMs);
    }).catch((err: unknown) => console.error("replica feed:", err));
  }, options.pollMs ?? 25);

  const feed: ReplicaFeed = {
    lagMs: options.lagMs,
    get appliedAt() {
      return state.appliedAt;
    },
    syncNow: () =>
      serialize(async () => {
        lastDataVersion = undefined;
        await capture();
        await apply(Number.POSITIVE_INFINITY);
      }),
    async stop() {
      stopped = true;
      clearInterval(timer);
      await busy;
      for (const snapshot of pending.splice(0)) rmSync(snapshot.path, { force: true });
      primary.close();
      replica.close();
    },
  };
  return feed;
}
