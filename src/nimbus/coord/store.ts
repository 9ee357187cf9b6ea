// Tables are created on first write, so reading an unknown key (a random session id, a
// fresh rate-limit key) leaves no stored object behind.

/** SQLite storage of one coordinator object, with lazily created tables. */
export class Store {
  readonly #known = new Set<string>();

  constructor(readonly storage: DurableObjectStorage) {}

  get sql(): SqlStorage {
    return this.storage.sql;
  }

  /** Whether `table` exists (cached once seen). */
  has(table: string): boolean {
    if (this.#known.has(table)) return true;
    const rows = this.sql
      .exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", table)
      .toArray();
    if (rows.length > 0) this.#known.add(table);
    return rows.length > 0;
  }

  /** Creates `table` with `ddl` unless it exists. */
  ensure(table: string, ddl: string): void {
    if (this.has(table)) return;
    this.sql.exec(ddl);
    this.#known.add(table);
  }

  /** True when no table of ours holds a row: the object can be deleted. */
  isEmpty(): boolean {
    const tables = this.sql
      .exec<{ name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'nimbus\\_%' ESCAPE '\\'",
      )
      .toArray();
    return tables.every(
      (t) => this.sql.exec(`SELECT 1 FROM "${t.name}" LIMIT 1`).toArray().length === 0,
    );
  }

  /** Deletes everything, alarm included, so an idle key costs no storage. */
  async wipe(): Promise<void> {
    await this.storage.deleteAlarm();
    await this.storage.deleteAll();
    this.#known.clear();
  }
}
