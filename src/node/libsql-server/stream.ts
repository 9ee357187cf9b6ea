/**
 * Hrana-over-HTTP streams and their batons, as sqld keeps them. A stream owns one engine session
 * (so a transaction's statements are isolated from other streams) and the SQL texts stored on
 * it. Between HTTP requests the client holds a baton: stream id + sequence number, signed with
 * a per-server HMAC key, valid exactly once. An idle stream expires (its transaction is rolled
 * back); an expired baton is then answered with STREAM_EXPIRED for a while.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { EngineSession, StorageEngine } from "./engine.ts";
import { ProtocolError, StmtError, StreamExpiredError } from "./errors.ts";

export type Stream = {
  readonly id: bigint;
  /** null once the client sent `close`. */
  session: EngineSession | null;
  readonly sqls: Map<number, string>;
  seq: bigint;
};

type Handle =
  | { state: "available"; stream: Stream; timer: NodeJS.Timeout }
  | { state: "acquired"; stream: Stream }
  | { state: "expired"; timer: NodeJS.Timeout };

const U64 = 2n ** 64n;
/** How long sqld remembers an expired stream to answer STREAM_EXPIRED instead of "invalid". */
const EXPIRED_MEMORY_MS = 300_000;

export type StreamRegistryOptions = {
  engine: StorageEngine;
  /** Idle time after which a stream expires; sqld uses 10 s. */
  idleTimeoutMs: number;
  /**
   * Idle time after which a stream that holds an open transaction expires (rolled back).
   * Shorter than the busy timeout, so that a writer waiting behind an abandoned transaction
   * gets the lock instead of SQLITE_BUSY.
   */
  transactionIdleTimeoutMs: number;
  /** Most streams open at once (each holds a database connection). */
  maxStreams: number;
};

export class StreamRegistry {
  readonly #key = randomBytes(32);
  readonly #handles = new Map<bigint, Handle>();
  readonly #options: StreamRegistryOptions;
  /** Streams holding a session (acquired or waiting for their next request). */
  #open = 0;

  constructor(options: StreamRegistryOptions) {
    this.#options = options;
  }

  /**
   * A session for one more stream, counted against maxStreams (HTTP streams here, WebSocket
   * streams in ws.ts); give it back with {@link endSession}.
   */
  async openSession(): Promise<EngineSession> {
    if (this.#open >= this.#options.maxStreams) {
      throw new StmtError(
        "TOO_MANY_STREAMS",
        `The server has ${this.#open} streams open, its limit: close transactions and retry`,
      );
    }
    this.#open++;
    try {
      return await this.#options.engine.connect();
    } catch (err) {
      this.#open--;
      throw err;
    }
  }

  /** Closes a session from {@link openSession} (rolling back an open transaction). */
  async endSession(session: EngineSession): Promise<void> {
    this.#open--;
    await session.close();
  }

  /** Opens a new stream (no baton) or takes the one the baton names, for one HTTP request. */
  async acquire(baton: string | null | undefined): Promise<Stream> {
    if (baton === null || baton === undefined) {
      const session = await this.openSession();
      let id = randomBytes(8).readBigUInt64BE();
      while (this.#handles.has(id)) id = randomBytes(8).readBigUInt64BE();
      const stream: Stream = {
        id,
        session,
        sqls: new Map(),
        seq: randomBytes(8).readBigUInt64BE(),
      };
      this.#handles.set(id, { state: "acquired", stream });
      return stream;
    }
    const [id, seq] = this.#decodeBaton(baton);
    const handle = this.#handles.get(id);
    if (handle === undefined) throw new ProtocolError("Received an invalid baton");
    if (handle.state === "expired") throw new StreamExpiredError();
    if (handle.state === "acquired" || handle.stream.seq !== seq) {
      throw new ProtocolError("Received a baton that has already been used");
    }
    clearTimeout(handle.timer);
    const stream = handle.stream;
    stream.seq = (stream.seq + 1n) % U64;
    this.#handles.set(id, { state: "acquired", stream });
    return stream;
  }

  /** Ends the request: returns the next baton, or null when the stream was closed. */
  release(stream: Stream): string | null {
    if (stream.session === null) {
      this.#handles.delete(stream.id);
      return null;
    }
    const { idleTimeoutMs, transactionIdleTimeoutMs } = this.#options;
    const idleMs = stream.session.autocommit ? idleTimeoutMs : transactionIdleTimeoutMs;
    const timer = setTimeout(() => this.#expire(stream.id), idleMs);
    timer.unref();
    this.#handles.set(stream.id, { state: "available", stream, timer });
    return this.#encodeBaton(stream.id, stream.seq);
  }

  /** Closes the stream's session (rolling back an open transaction); the baton dies with it. */
  async closeSession(stream: Stream): Promise<void> {
    const session = stream.session;
    if (session === null) return;
    stream.session = null;
    await this.endSession(session);
  }

  /** Drops a stream after a protocol error, as sqld does. */
  async discard(stream: Stream): Promise<void> {
    this.#handles.delete(stream.id);
    await this.closeSession(stream);
  }

  async closeAll(): Promise<void> {
    const closing: Promise<void>[] = [];
    for (const handle of this.#handles.values()) {
      if (handle.state !== "acquired") clearTimeout(handle.timer);
      if (handle.state !== "expired") closing.push(this.closeSession(handle.stream));
    }
    this.#handles.clear();
    await Promise.all(closing);
  }

  #expire(id: bigint): void {
    const handle = this.#handles.get(id);
    if (handle?.state !== "available") return;
    void this.closeSession(handle.stream);
    const timer = setTimeout(() => this.#handles.delete(id), EXPIRED_MEMORY_MS);
    timer.unref();
    this.#handles.set(id, { state: "expired", timer });
  }

  #mac(payload: Buffer): Buffer {
    return createHmac("sha256", this.#key).update(payload).digest();
  }

  #encodeBaton(id: bigint, seq: bigint): string {
    const payload = Buffer.alloc(16);
    payload.writeBigUInt64BE(id, 0);
    payload.writeBigUInt64BE(seq, 8);
    return Buffer.concat([payload, this.#mac(payload)])
      .toString("base64")
      .replace(/=+$/, "");
  }

  #decodeBaton(baton: string): [bigint, bigint] {
    const data = /^[A-Za-z0-9+/]*$/.test(baton) ? Buffer.from(baton, "base64") : Buffer.alloc(0);
    if (data.length !== 48) throw new ProtocolError("Received an invalid baton");
    const payload = data.subarray(0, 16);
    if (!timingSafeEqual(data.subarray(16), this.#mac(payload))) {
      throw new ProtocolError("Received an invalid baton");
    }
    return [payload.readBigUInt64BE(0), payload.readBigUInt64BE(8)];
  }
}
