import { ButtonTo, Field, Form, formatValue, type ResourcePaths, type RowOf } from "nimbus-web";
import type { Comment } from "../models/comment.ts";
import type { Link } from "../models/link.ts";
import { Vote } from "./vote-button.tsx";

interface LinkPageProps {
  link: RowOf<typeof Link>;
  comments: RowOf<typeof Comment>[];
  votes: number;
  paths: ResourcePaths;
  csrf: string;
}

export function LinkPage({ link, comments, votes, paths, csrf }: LinkPageProps) {
  return (
    <>
      <h1>
        <a href={link.url} rel="nofollow noopener">
          {link.title}
        </a>
      </h1>
      {link.description ? <p>{link.description}</p> : null}
      {/* A div, not a p: a form can't sit inside a paragraph. */}
      <div class="byline">
        <Vote
          linkPath={paths.show(link.id)}
          title={link.title}
          votes={votes}
          back={paths.show(link.id)}
          csrf={csrf}
        />{" "}
        · <small>Submitted {formatValue(link.createdAt)}</small>
      </div>
      <div class="actions">
        <a href={paths.edit(link.id)}>Edit</a>
        <a href={paths.index}>All links</a>
        <ButtonTo action={paths.show(link.id)} method="delete" csrf={csrf}>
          Delete
        </ButtonTo>
      </div>
      <h2>Comments ({comments.length})</h2>
      {comments.length === 0 ? <p>No comments yet.</p> : null}
      <ul class="comments">
        {comments.map((comment) => (
          <li>
            <strong>{comment.author}</strong>: {comment.body}
          </li>
        ))}
      </ul>
      <h3>Add a comment</h3>
      <Form action={`${paths.show(link.id)}/comments`} csrf={csrf}>
        <Field name="author" label="Your name" />
        <Field name="body" label="Comment" type="textarea" />
        <button type="submit">Add comment</button>
      </Form>
    </>
  );
}
