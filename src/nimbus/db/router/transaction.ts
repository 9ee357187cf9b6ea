import type { InStatement, ResultSet, Transaction } from "@libsql/client/web";
import { BUMP_POSITION, positionOf, READ_POSITION } from "../consistency/position.ts";
import { isRead, sqlOf } from "./statement.ts";

/**
 * An interactive transaction on the primary that, just before it commits, bumps the write
 * position (if it wrote) or reads it (if it only read), so the client's token covers it.
 */
export class PositionedTransaction implements Transaction {
  readonly #tx: Transaction;
  readonly #committed: (position: number) => void;
  #wrote = false;

  constructor(tx: Transaction, committed: (position: number) => void) {
    this.#tx = tx;
    this.#committed = committed;
  }

  get closed(): boolean {
    return this.#tx.closed;
  }

  execute(stmt: InStatement): Promise<ResultSet> {
    if (!isRead(sqlOf(stmt))) this.#wrote = true;
    return this.#tx.execute(stmt);
  }

  batch(stmts: InStatement[]): Promise<ResultSet[]> {
    if (!stmts.every((stmt) => isRead(sqlOf(stmt)))) this.#wrote = true;
    return this.#tx.batch(stmts);
  }

  executeMultiple(sql: string): Promise<void> {
    this.#wrote = true;
    return this.#tx.executeMultiple(sql);
  }

  async commit(): Promise<void> {
    const position = positionOf(
      await this.#tx.execute(this.#wrote ? BUMP_POSITION : READ_POSITION),
    );
    await this.#tx.commit();
    this.#committed(position);
  }

  rollback(): Promise<void> {
    return this.#tx.rollback();
  }

  close(): void {
    this.#tx.close();
  }
}
