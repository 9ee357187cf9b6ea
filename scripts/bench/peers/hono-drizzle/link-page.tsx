import type { FC } from "hono/jsx";
import { APP_NAME, APP_STYLES, STYLES } from "../shared/demo.mjs";
import { LIVE_LIST_SCRIPT_PATH } from "../shared/live-list-script.mjs";
import type { Link } from "./schema.ts";

function host(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

const votesLabel = (votes: number) => `${votes} ${votes === 1 ? "vote" : "votes"}`;

interface ItemProps {
  link: Pick<Link, "id" | "title" | "url">;
  votes: number;
  back: string;
  csrf: string;
}

const LinkItem: FC<ItemProps> = ({ link, votes, back, csrf }) => (
  <li data-id={link.id}>
    <span class="vote">
      <form action={`/links/${link.id}/vote`} method="post">
        <input type="hidden" name="_csrf" value={csrf} />
        <input type="hidden" name="back" value={back} />
        <button type="submit" aria-label={`Vote for ${link.title}`} title="Vote">
          ▲
        </button>
      </form>{" "}
      <span class="votes" data-votes={votes}>
        {votesLabel(votes)}
      </span>
    </span>{" "}
    <a class="title" href={link.url} rel="nofollow noopener">
      {link.title}
    </a>{" "}
    <small class="host">({host(link.url)})</small> ·{" "}
    <a class="discuss" href={`/links/${link.id}`}>
      discuss
    </a>
  </li>
);

interface LinkPageProps {
  links: Link[];
  page: number;
  perPage: number;
  hasNext: boolean;
  back: string;
  csrf: string;
}

/** The demo's layout and link list, hand-written with hono/jsx. */
export const LinkPage: FC<LinkPageProps> = ({ links, page, perPage, hasNext, back, csrf }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>{`Links · ${APP_NAME}`}</title>
      <link rel="icon" href="data:," />
      <style dangerouslySetInnerHTML={{ __html: STYLES }} />
    </head>
    <body>
      <header>
        <a href="/">{APP_NAME}</a>
      </header>
      <main>
        <style dangerouslySetInnerHTML={{ __html: APP_STYLES }} />
        <div class="session-bar">
          <a href="/session/new">Sign in</a>
        </div>
        <h1>Links</h1>
        <p>
          <a href="/links/new">Submit a link</a> <small class="live-status" aria-live="polite" />
        </p>
        <ol
          class="links"
          start={(page - 1) * perPage + 1}
          data-room="/live/links"
          data-prepend={String(page === 1)}
          data-per-page={perPage}
        >
          {links.map((link) => (
            <LinkItem link={link} votes={link.votes} back={back} csrf={csrf} />
          ))}
        </ol>
        <template id="link-item">
          <LinkItem link={{ id: 0, title: "", url: "" }} votes={0} back={back} csrf={csrf} />
        </template>
        <nav class="actions">
          {page > 1 ? <a href={`/links?page=${page - 1}`}>Newer</a> : null}
          {hasNext ? <a href={`/links?page=${page + 1}`}>Older</a> : null}
        </nav>
        <script src={LIVE_LIST_SCRIPT_PATH} />
      </main>
    </body>
  </html>
);
