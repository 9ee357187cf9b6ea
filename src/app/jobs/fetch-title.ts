import { and, eq, openDatabase, sql } from "nimbus-web";
import { defineJob, type EnqueueOptions } from "nimbus-web/coord";
import type { AppBindings } from "../bindings.ts";
import { links } from "../models/link.ts";

/** How long one attempt may take to fetch the page, in milliseconds. */
export const FETCH_TIMEOUT_MS = 5_000;
/** Three attempts, 2 s then 4 s apart; after the third failure the job is dead-lettered. */
export const TITLE_JOB_OPTIONS = { maxAttempts: 3, backoff: 2 } satisfies EnqueueOptions;
// A <title> sits in the head: reading more of the page would only cost time and memory.
const MAX_BYTES = 64 * 1024;
const MAX_TITLE = 300;

/** The payload: which link, and the URL it had when it was created. */
export interface FetchTitle {
  linkId: number;
  url: string;
}

/**
 * Fills in a link's empty description with its page's <title>. Fails (and is retried) when
 * the page can't be fetched; a page without a title is not a failure, there is just nothing
 * to store. Idempotent: it only writes a description that is still empty.
 */
export const fetchTitle = defineJob<FetchTitle, AppBindings>(
  "fetch-title",
  async ({ linkId, url }, env) => {
    const title = await pageTitle(url);
    if (!title) return;
    // The app's database outside a request (D1, or libSQL when DATABASE_URL is set): on a
    // self-hosted cluster this runs on the coordination host, which has the nodes' env.
    await openDatabase(env)
      .update(links)
      .set({ description: title })
      .where(and(eq(links.id, linkId), sql`coalesce(${links.description}, '') = ''`))
      .run();
  },
);

/** The text of the page's <title>, or null when the page is not HTML or has none. */
export async function pageTitle(url: string): Promise<string | null> {
  const res = await fetch(url, {
    headers: { Accept: "text/html", "User-Agent": "NimbusLinks/0.1 (title fetcher)" },
    signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
  });
  if (!res.ok) {
    await res.body?.cancel();
    throw new Error(`GET ${url} answered ${res.status} ${res.statusText}`.trim());
  }
  if (!(res.headers.get("Content-Type") ?? "").includes("html")) {
    await res.body?.cancel();
    return null;
  }
  return titleIn(await head(res));
}

/** The start of the body, up to the end of the title or MAX_BYTES. */
async function head(res: Response): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    text += decoder.decode(value, { stream: true });
    if (size >= MAX_BYTES || /<\/title\s*>/i.test(text)) {
      await reader.cancel();
      break;
    }
  }
  return text;
}

const ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
};

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === "#") {
      const code =
        name[1] === "x" || name[1] === "X"
          ? Number.parseInt(name.slice(2), 16)
          : Number(name.slice(1));
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** `<title>  A &amp; B </title>` → "A & B"; null when there is no non-blank title. */
export function titleIn(html: string): string | null {
  const raw = /<title[^>]*>([\s\S]*?)<\/title\s*>/i.exec(html)?.[1];
  if (raw === undefined) return null;
  const title = decodeEntities(raw).replace(/\s+/g, " ").trim();
  return title ? title.slice(0, MAX_TITLE) : null;
}
