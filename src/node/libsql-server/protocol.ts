/**
 * The Hrana-over-HTTP wire format (JSON encoding, versions 2 and 3) as sqld speaks it:
 * zod schemas for what clients send, plain types for what the server answers.
 */
import { z } from "zod";

const int32 = z.number().int().min(-2147483648).max(2147483647);
const uint32 = z.number().int().min(0).max(4294967295);
const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

/** sqld accepts replication indexes as strings or numbers and ignores them on a single node. */
const replicationIndex = z.union([z.string(), z.number(), z.null()]).optional();

export const valueSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("null") }),
  z.object({
    type: z.literal("integer"),
    value: z
      .string()
      .regex(/^-?\d+$/, "expected a decimal integer as a string")
      .refine((s) => {
        const n = BigInt(s);
        return n >= I64_MIN && n <= I64_MAX;
      }, "integer out of the 64-bit range"),
  }),
  z.object({ type: z.literal("float"), value: z.number() }),
  z.object({ type: z.literal("text"), value: z.string() }),
  z.object({
    type: z.literal("blob"),
    base64: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, "expected binary data encoded as base64"),
  }),
]);
export type ProtoValue = z.infer<typeof valueSchema>;

export const stmtSchema = z.object({
  sql: z.string().nullish(),
  sql_id: int32.nullish(),
  args: z.array(valueSchema).nullish(),
  named_args: z.array(z.object({ name: z.string(), value: valueSchema })).nullish(),
  want_rows: z.boolean().nullish(),
  replication_index: replicationIndex,
});
export type ProtoStmt = z.infer<typeof stmtSchema>;

export type BatchCond =
  | { type: "ok"; step: number }
  | { type: "error"; step: number }
  | { type: "not"; cond: BatchCond }
  | { type: "and"; conds: BatchCond[] }
  | { type: "or"; conds: BatchCond[] }
  | { type: "is_autocommit" };

export const batchCondSchema: z.ZodType<BatchCond> = z.lazy(() =>
  z.discriminatedUnion("type", [
    z.object({ type: z.literal("ok"), step: uint32 }),
    z.object({ type: z.literal("error"), step: uint32 }),
    z.object({ type: z.literal("not"), cond: batchCondSchema }),
    z.object({ type: z.literal("and"), conds: z.array(batchCondSchema) }),
    z.object({ type: z.literal("or"), conds: z.array(batchCondSchema) }),
    z.object({ type: z.literal("is_autocommit") }),
  ]),
);

export const batchSchema = z.object({
  steps: z.array(z.object({ condition: batchCondSchema.nullish(), stmt: stmtSchema })),
  replication_index: replicationIndex,
});
export type ProtoBatch = z.infer<typeof batchSchema>;

const sqlRef = { sql: z.string().nullish(), sql_id: int32.nullish() };

export const streamRequestSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("close") }),
  z.object({ type: z.literal("execute"), stmt: stmtSchema }),
  z.object({ type: z.literal("batch"), batch: batchSchema }),
  z.object({ type: z.literal("sequence"), ...sqlRef, replication_index: replicationIndex }),
  z.object({ type: z.literal("describe"), ...sqlRef, replication_index: replicationIndex }),
  z.object({ type: z.literal("store_sql"), sql_id: int32, sql: z.string() }),
  z.object({ type: z.literal("close_sql"), sql_id: int32 }),
  z.object({ type: z.literal("get_autocommit") }),
]);
export type StreamRequest = z.infer<typeof streamRequestSchema>;

export const pipelineReqBodySchema = z.object({
  baton: z.string().nullish(),
  requests: z.array(streamRequestSchema),
});
export type PipelineReqBody = z.infer<typeof pipelineReqBodySchema>;

export const cursorReqBodySchema = z.object({ baton: z.string().nullish(), batch: batchSchema });
export type CursorReqBody = z.infer<typeof cursorReqBodySchema>;

/** Hrana 2 is what @libsql/client speaks over http:; Hrana 3 adds get_autocommit and cursors. */
export type HranaVersion = 2 | 3;

export type ProtoError = { message: string; code: string };

export type Col = { name: string | null; decltype: string | null };

export type StmtResult = {
  cols: Col[];
  rows: ProtoValue[][];
  affected_row_count: number;
  last_insert_rowid: string | null;
  replication_index: string | null;
  rows_read: number;
  rows_written: number;
  query_duration_ms: number;
};

export type BatchResult = {
  step_results: (StmtResult | null)[];
  step_errors: (ProtoError | null)[];
  replication_index: string | null;
};

export type DescribeResult = {
  params: { name: string | null }[];
  cols: Col[];
  is_explain: boolean;
  is_readonly: boolean;
};

export type StreamResponse =
  | { type: "close" }
  | { type: "execute"; result: StmtResult }
  | { type: "batch"; result: BatchResult }
  | { type: "sequence" }
  | { type: "describe"; result: DescribeResult }
  | { type: "store_sql" }
  | { type: "close_sql" }
  | { type: "get_autocommit"; is_autocommit: boolean };

export type StreamResult =
  | { type: "ok"; response: StreamResponse }
  | { type: "error"; error: ProtoError };

export type PipelineRespBody = {
  baton: string | null;
  base_url: string | null;
  results: StreamResult[];
};

export type CursorEntry =
  | { type: "step_begin"; step: number; cols: Col[] }
  | { type: "step_end"; affected_row_count: number; last_insert_rowid: string | null }
  | { type: "step_error"; step: number; error: ProtoError }
  | { type: "row"; row: ProtoValue[] }
  | { type: "error"; error: ProtoError };
