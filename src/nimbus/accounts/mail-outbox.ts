// The development outbox keeps mail in the app's own database (a table of its own, made on first
// use): it survives across requests and isolates under `wrangler dev`, and tests read it back.
import { sql } from "drizzle-orm";
import type { NimbusDatabase } from "../db/database.ts";
import type { Mailer, MailMessage } from "./mail.ts";

/** A message the outbox kept. */
export interface OutboxMail extends MailMessage {
  id: number;
  sentAt: Date;
}

/** The outbox keeps this many messages; older ones go. */
const KEEP = 100;

const CREATE = sql`CREATE TABLE IF NOT EXISTS nimbus_dev_outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  sent_at INTEGER NOT NULL,
  recipient TEXT NOT NULL,
  subject TEXT NOT NULL,
  text TEXT NOT NULL,
  html TEXT
)`;

interface Row {
  id: number;
  sent_at: number;
  recipient: string;
  subject: string;
  text: string;
  html: string | null;
}

/** A mailer that delivers nothing: it keeps each message for `/dev/outbox` (development only). */
export interface DevelopmentOutbox extends Mailer {
  /** The kept messages, newest first. */
  list(limit?: number): Promise<OutboxMail[]>;
}

/** The development outbox on `db` (the request's `c.var.db`). */
export function developmentOutbox(db: NimbusDatabase): DevelopmentOutbox {
  return {
    async send(message) {
      await db.run(CREATE);
      await db.run(
        sql`INSERT INTO nimbus_dev_outbox (sent_at, recipient, subject, text, html) VALUES (${Date.now()}, ${message.to}, ${message.subject}, ${message.text}, ${message.html ?? null})`,
      );
      await db.run(
        sql`DELETE FROM nimbus_dev_outbox WHERE id <= (SELECT max(id) FROM nimbus_dev_outbox) - ${KEEP}`,
      );
    },
    async list(limit = KEEP) {
      await db.run(CREATE);
      const rows = await db.all<Row>(
        sql`SELECT id, sent_at, recipient, subject, text, html FROM nimbus_dev_outbox ORDER BY id DESC LIMIT ${limit}`,
      );
      return rows.map((row) => ({
        id: row.id,
        sentAt: new Date(row.sent_at),
        to: row.recipient,
        subject: row.subject,
        text: row.text,
        ...(row.html !== null && { html: row.html }),
      }));
    },
  };
}
