import { DurableObject } from "cloudflare:workers";

const BACKLOG = 1000;

/**
 * The live link list's room, hand-written: a bounded log for clients that reconnect, and every
 * accepted WebSocket gets each event (the demo's room does the same through nimbus/coord).
 */
export class LinksRoom extends DurableObject {
  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env);
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS log (seq INTEGER PRIMARY KEY, data TEXT NOT NULL)",
    );
  }

  publish(data: string): number {
    const { sql } = this.ctx.storage;
    const { seq } = sql
      .exec<{ seq: number }>("INSERT INTO log (data) VALUES (?) RETURNING seq", data)
      .one();
    sql.exec("DELETE FROM log WHERE seq <= ?", seq - BACKLOG);
    const frame = `{"type":"message","seq":${seq},"data":${data}}`;
    for (const socket of this.ctx.getWebSockets()) socket.send(frame);
    return seq;
  }
}
