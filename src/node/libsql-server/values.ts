/** Hrana values ⇄ what the libsql engine binds and returns (with safe integers on). */
import type { ProtoValue } from "./protocol.ts";

/** A value the engine binds: integers as bigint, floats as number (bound as REAL). */
export type SqlValue = null | bigint | number | string | Uint8Array;

export function decodeValue(value: ProtoValue): SqlValue {
  switch (value.type) {
    case "null":
      return null;
    case "integer":
      return BigInt(value.value);
    case "float":
      return value.value;
    case "text":
      return value.value;
    case "blob":
      return Buffer.from(value.base64, "base64");
  }
}

/** Encodes a column value read from the engine. sqld writes blobs as base64 without padding. */
export function encodeValue(value: unknown): ProtoValue {
  if (value === null || value === undefined) return { type: "null" };
  if (typeof value === "bigint") return { type: "integer", value: value.toString() };
  if (typeof value === "number") return { type: "float", value };
  if (typeof value === "string") return { type: "text", value };
  if (value instanceof Uint8Array) {
    const base64 = Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64");
    return { type: "blob", base64: base64.replace(/=+$/, "") };
  }
  throw new TypeError(`Cannot encode a ${typeof value} read from the database`);
}
