import type { Context } from "hono";
import { nimbusVar } from "../env.ts";
import { NotFound } from "../http/errors.ts";
import { developmentOutbox, type OutboxMail } from "./mail-outbox.ts";

/** Text with its http(s) links clickable: the mail's links are what a developer follows. */
function Linked({ text }: { text: string }) {
  const parts = text.split(/(https?:\/\/[^\s<>"]+)/g);
  return <>{parts.map((part, i) => (i % 2 === 1 ? <a href={part}>{part}</a> : part))}</>;
}

function Mail({ mail }: { mail: OutboxMail }) {
  return (
    <article class="mail">
      <h2>{mail.subject}</h2>
      <p>
        To {mail.to}, {mail.sentAt.toISOString()}
      </p>
      <pre>
        <Linked text={mail.text} />
      </pre>
    </article>
  );
}

/**
 * `GET /dev/outbox`: the mail the development outbox kept, newest first (JSON for JSON clients).
 * A 404 unless NIMBUS_ENV is development: nobody else may read other people's mail.
 */
export async function devOutbox(c: Context): Promise<Response> {
  if ((c.env as { NIMBUS_ENV?: string } | undefined)?.NIMBUS_ENV !== "development") {
    throw new NotFound("There is no outbox outside development.");
  }
  const mails = await developmentOutbox(nimbusVar(c, "db")).list();
  c.header("Cache-Control", "no-store");
  if (nimbusVar(c, "format") === "json") return c.json({ data: mails });
  return c.render(
    <>
      <h1>Outbox</h1>
      <p>Mail sent in development is kept here instead of being delivered.</p>
      {mails.length === 0 ? <p>No mail yet.</p> : mails.map((mail) => <Mail mail={mail} />)}
    </>,
    { title: "Outbox" },
  );
}
