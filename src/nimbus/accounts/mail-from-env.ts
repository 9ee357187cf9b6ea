import type { Context } from "hono";
import { nimbusVar } from "../env.ts";
import { type Mailer, MailNotConfigured } from "./mail.ts";
import { httpMailer } from "./mail-http.ts";
import { developmentOutbox } from "./mail-outbox.ts";

/** The variables `mailerFromEnv` reads (`wrangler secret put MAIL_TOKEN`; the rest may be vars). */
export interface MailBindings {
  /** An HTTP endpoint taking one JSON message per POST (see `httpMailer`). */
  MAIL_URL?: string;
  /** Its bearer token. */
  MAIL_TOKEN?: string;
  /** The sender address (default `no-reply@<this host>`). */
  MAIL_FROM?: string;
  NIMBUS_ENV?: string;
}

/**
 * The mailer the environment configures: `MAIL_URL` → `httpMailer`; otherwise, in development,
 * the outbox shown at `/dev/outbox`; otherwise `MailNotConfigured` is thrown, to be caught and
 * answered with a clear 503 where mail is sent. Call it before doing the work that mails, so an
 * unconfigured app fails the same way whatever the input.
 */
export function mailerFromEnv(c: Context): Mailer {
  const env = (c.env ?? {}) as MailBindings;
  if (env.MAIL_URL) {
    return httpMailer({
      url: env.MAIL_URL,
      token: env.MAIL_TOKEN,
      from: env.MAIL_FROM ?? `no-reply@${new URL(c.req.url).hostname}`,
    });
  }
  if (env.NIMBUS_ENV === "development") {
    return developmentOutbox(nimbusVar(c, "db"));
  }
  throw new MailNotConfigured();
}
