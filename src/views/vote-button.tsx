import { Form } from "nimbus-web";
import { votesLabel } from "../votes.ts";

interface VoteProps {
  /** The link's page, e.g. /links/3: the form posts to /links/3/vote. */
  linkPath: string;
  title: string;
  votes: number;
  /** Where the browser comes back to after voting without JavaScript. */
  back: string;
  csrf: string;
}

/** The vote button and the total: a plain form, which the list page's script sends with fetch. */
export function Vote({ linkPath, title, votes, back, csrf }: VoteProps) {
  return (
    <span class="vote">
      <Form action={`${linkPath}/vote`} csrf={csrf}>
        <input type="hidden" name="back" value={back} />
        <button type="submit" aria-label={`Vote for ${title}`} title="Vote">
          ▲
        </button>
      </Form>{" "}
      <span class="votes" data-votes={votes}>
        {votesLabel(votes)}
      </span>
    </span>
  );
}
