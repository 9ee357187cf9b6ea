import { and, eq, openDatabase, safeFetch, sql, UnsafeUrlError } from "nimbus-web";
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
    let title: string | null;
    try {
      title = await pageTitle(url, allowedHosts(env));
    } catch (error) {
      // A URL that may not be fetched will never become fetchable: no retry, nothing stored.
      if (error instanceof UnsafeUrlError) return;
      throw error;
    }
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

/** Private hosts the title fetcher may reach anyway (`TITLE_FETCH_ALLOW_HOSTS`, for tests). */
function allowedHosts(env: AppBindings): string[] {
  return (env.TITLE_FETCH_ALLOW_HOSTS ?? "")
    .split(",")
    .map((host) => host.trim())
    .filter(Boolean);
}

/**
 * The text of the page's <title>, or null when the page is not HTML or has none. The URL is a
 * user's: fetched with safeFetch (no internal addresses, every redirect checked, size and time
 * limits); UnsafeUrlError when it may not be fetched.
 */
export async function pageTitle(url: string, allowHosts: string[] = []): Promise<string | null> {
  const res = await safeFetch(url, {
    headers: { Accept: "text/html", "User-Agent": "NimbusLinks/0.1 (title fetcher)" },
    timeoutMs: FETCH_TIMEOUT_MS,
    maxBytes: 16 * MAX_BYTES,
    allowHosts,
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
