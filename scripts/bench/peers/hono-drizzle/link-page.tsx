import type { FC } from "hono/jsx";
import { APP_NAME, STYLES } from "../shared/styles.mjs";
import type { Link } from "./schema.ts";

function host(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

interface LinkPageProps {
  links: Link[];
  page: number;
  perPage: number;
  hasNext: boolean;
}

/** The demo's layout and link list, hand-written with hono/jsx. */
export const LinkPage: FC<LinkPageProps> = ({ links, page, perPage, hasNext }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>{`Links · ${APP_NAME}`}</title>
      <link rel="icon" href="data:," />
      <style>{STYLES}</style>
    </head>
    <body>
      <header>
        <a href="/">{APP_NAME}</a>
      </header>
      <main>
        <h1>Links</h1>
        <p>
          <a href="/links/new">Submit a link</a>
        </p>
        <ol class="links" start={(page - 1) * perPage + 1}>
          {links.map((link) => (
            <li>
              <a href={link.url} rel="nofollow noopener">
                {link.title}
              </a>{" "}
              <small>({host(link.url)})</small> · <a href={`/links/${link.id}`}>discuss</a>
            </li>
          ))}
        </ol>
        <nav class="actions">
          {page > 1 ? <a href={`/links?page=${page - 1}`}>Newer</a> : null}
          {hasNext ? <a href={`/links?page=${page + 1}`}>Older</a> : null}
        </nav>
      </main>
    </body>
  </html>
);
