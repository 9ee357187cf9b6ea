import type { IndexViewProps, RowOf } from "nimbus-web";
import type { Link } from "../models/link.ts";
import { LIVE_LIST_SCRIPT_PATH } from "./live-list-script.ts";
import { Vote } from "./vote-button.tsx";

function host(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

interface ItemProps {
  link: Pick<RowOf<typeof Link>, "id" | "title" | "url">;
  votes: number;
  show: string;
  back: string;
  csrf: string;
}

function LinkItem({ link, votes, show, back, csrf }: ItemProps) {
  return (
    <li data-id={link.id}>
      <Vote linkPath={show} title={link.title} votes={votes} back={back} csrf={csrf} />{" "}
      <a class="title" href={link.url} rel="nofollow noopener">
        {link.title}
      </a>{" "}
      <small class="host">({host(link.url)})</small> ·{" "}
      <a class="discuss" href={show}>
        discuss
      </a>
    </li>
  );
}

/**
 * The list, newest first, with each link's votes (mirrored on the row). Its
 * script keeps the page live through the `links` room: new links appear at the top of the
 * first page and vote totals change as people vote. Without JavaScript it is a plain page.
 */
export function LinkList({ c, records, page, paths, csrf }: IndexViewProps<typeof Link>) {
  const url = new URL(c.req.url);
  const back = `${url.pathname}${url.search}`;
  // New links belong at the top only of the first page in the default order, unfiltered.
  const newestFirst = page.page === 1 && [...page.query.keys()].every((k) => k === "per_page");
  return (
    <>
      <h1>Links</h1>
      <p>
        <a href={paths.new}>Submit a link</a> <small class="live-status" aria-live="polite" />
      </p>
      <ol
        class="links"
        start={(page.page - 1) * page.perPage + 1}
        data-room="/live/links"
        data-prepend={String(newestFirst)}
        data-per-page={page.perPage}
      >
        {records.map((link) => (
          <LinkItem
            link={link}
            votes={link.votes}
            show={paths.show(link.id)}
            back={back}
            csrf={csrf}
          />
        ))}
      </ol>
      {/* What the script copies for a link that arrives live (id 0 and blanks are filled in). */}
      <template id="link-item">
        <LinkItem
          link={{ id: 0, title: "", url: "" }}
          votes={0}
          show={paths.show(0)}
          back={back}
          csrf={csrf}
        />
      </template>
      <nav class="actions">
        {page.page > 1 ? <a href={`${paths.index}?page=${page.page - 1}`}>Newer</a> : null}
        {page.hasNext ? <a href={`${paths.index}?page=${page.page + 1}`}>Older</a> : null}
      </nav>
      {/* A file, not inline: the Content-Security-Policy runs scripts from this site only. */}
      <script src={LIVE_LIST_SCRIPT_PATH} />
    </>
  );
}
