import type { IndexViewProps } from "nimbus";
import type { Link } from "../models/link.ts";

function host(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

export function LinkList({ records, page, paths }: IndexViewProps<typeof Link>) {
  return (
    <>
      <h1>Links</h1>
      <p>
        <a href={paths.new}>Submit a link</a>
      </p>
      <ol class="links" start={(page.page - 1) * page.perPage + 1}>
        {records.map((link) => (
          <li>
            <a href={link.url} rel="nofollow noopener">
              {link.title}
            </a>{" "}
            <small>({host(link.url)})</small> · <a href={paths.show(link.id)}>discuss</a>
          </li>
        ))}
      </ol>
      <nav class="actions">
        {page.page > 1 ? <a href={`${paths.index}?page=${page.page - 1}`}>Newer</a> : null}
        {page.hasNext ? <a href={`${paths.index}?page=${page.page + 1}`}>Older</a> : null}
      </nav>
    </>
  );
}
