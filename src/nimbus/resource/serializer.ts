import { camelCase } from "../text/inflect.ts";
import type { Envelope, PageMeta, ResourceNames, SerializeContext, Serializer } from "./types.ts";

type Row = Record<string, unknown>;

/** A resource's serializer with its defaults filled in: every column, in `{ data }`. */
export interface SerializerRuntime {
  record(record: Row, ctx: SerializeContext): Promise<unknown>;
  envelope: Envelope;
}

const DATA: Envelope = {
  one: (data) => ({ data }),
  many: (data, meta) => ({ data, meta }),
};

function named(names: ResourceNames): Envelope {
  const one = camelCase(names.singular);
  const many = camelCase(names.plural);
  return {
    one: (data) => ({ [one]: data }),
    many: (data, meta) => ({ [many]: data, meta }),
  };
}

export function serializerRuntime(
  // biome-ignore lint/suspicious/noExplicitAny: any model's serializer, checked where it was declared
  serializer: Serializer<any, any, any, any, any, any> | undefined,
  names: ResourceNames,
): SerializerRuntime {
  const fields = serializer?.fields;
  const custom = serializer?.record;
  const envelope = serializer?.envelope ?? "data";
  return {
    async record(record, ctx) {
      if (custom) return custom(record, ctx);
      if (!fields) return record;
      return Object.fromEntries(fields.map((field: string) => [field, record[field]]));
    },
    envelope: envelope === "data" ? DATA : envelope === "name" ? named(names) : envelope,
  };
}

/** One record in its envelope. */
export async function serializeOne(
  rt: SerializerRuntime,
  record: Row,
  ctx: SerializeContext,
): Promise<unknown> {
  return rt.envelope.one(await rt.record(record, ctx));
}

/** Records in the envelope for many (serialized together, in order). */
export async function serializeMany(
  rt: SerializerRuntime,
  records: readonly Row[],
  ctx: SerializeContext,
  meta: PageMeta,
): Promise<unknown> {
  const data = await Promise.all(records.map((record) => rt.record(record, ctx)));
  return rt.envelope.many(data, meta);
}
