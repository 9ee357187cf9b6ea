import type { Context } from "hono";
import { BadRequest, HttpError, PayloadTooLarge } from "./errors.ts";
import { isFormType, isJsonType, parseMediaType } from "./media-type.ts";

/** Field names that forms send for the framework, never for the model. */
export const FRAMEWORK_FIELDS = new Set(["_csrf", "_method"]);

export type ParsedBody =
  | { kind: "json"; data: Record<string, unknown> }
  | { kind: "form"; data: Record<string, string> };

/** Reads at most `limit` bytes, declared or streamed; one place reads bodies, so one place limits them. */
async function readBytes(request: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get("Content-Length") ?? "0");
  if (declared > limit) throw new PayloadTooLarge(limit);
  if (!request.body) return new Uint8Array();
  if (request.headers.has("Content-Length")) {
    // A declared length within the limit: one read. HTTP framing holds the body to it; the
    // check after is for a Request made in code, whose header the runtime does not enforce.
    const bytes = new Uint8Array(await request.arrayBuffer());
    if (bytes.byteLength > limit) throw new PayloadTooLarge(limit);
    return bytes;
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new PayloadTooLarge(limit);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

const utf8 = new TextDecoder();

function parseJson(bytes: Uint8Array): Record<string, unknown> {
  let data: unknown;
  try {
    data = JSON.parse(utf8.decode(bytes));
  } catch {
    throw new BadRequest("The request body is not valid JSON.");
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new BadRequest("The JSON body must be an object of field names to values.");
  }
  return data as Record<string, unknown>;
}

async function parseForm(bytes: Uint8Array, type: string): Promise<Record<string, string>> {
  let form: FormData;
  try {
    form = await new Response(bytes, { headers: { "Content-Type": type } }).formData();
  } catch {
    throw new BadRequest("The form body could not be read.");
  }
  const data: Record<string, string> = {};
  // The last value of a repeated name wins: a hidden "false" before a checkbox is how forms send unchecked boxes.
  for (const [name, value] of form) {
    if (typeof value !== "string")
      throw new BadRequest(`Field "${name}" must be text, not a file.`);
    data[name] = value;
  }
  return data;
}

/** Whether the request carries a body (declared or streamed), so it must be read and checked. */
export function hasBody(request: Request): boolean {
  if (request.body === null) return false;
  return request.headers.get("Content-Length")?.trim() !== "0";
}

/** Reads a JSON object or an HTML form; anything malformed is a 400 that says what to send. */
export async function readBody(c: Context, limit: number): Promise<ParsedBody> {
  const type = c.req.header("Content-Type") ?? "";
  const media = parseMediaType(type);
  const isJson = isJsonType(media);
  const isForm = isFormType(media);
  if (!isJson && !isForm) {
    throw new HttpError(
      415,
      "Unsupported Media Type",
      "Send application/json or an HTML form (application/x-www-form-urlencoded or multipart/form-data).",
    );
  }
  const bytes = await readBytes(c.req.raw, limit);
  return isJson
    ? { kind: "json", data: parseJson(bytes) }
    : { kind: "form", data: await parseForm(bytes, type) };
}
