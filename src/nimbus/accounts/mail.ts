// The mailer interface: the framework sends through it, the app chooses what stands behind it
// (the development outbox, an HTTP mail API, Cloudflare's email binding, an SMTP relay's API).

/** One message to send. */
export interface MailMessage {
  to: string;
  subject: string;
  /** The plain-text body; every message has one. */
  text: string;
  /** An HTML alternative, when there is one. */
  html?: string;
}

/** Sends mail. Any object with this method will do: see `httpMailer` and `developmentOutbox`. */
export interface Mailer {
  /** Resolves once the mail is accepted for delivery; rejects with `MailFailed` if it was not. */
  send(message: MailMessage): Promise<void>;
}

/**
 * No mailer is configured (production without `MAIL_URL` and without an app-supplied mailer).
 * Catch it where mail is sent and tell the user plainly, with a 503: it is the operator's to fix.
 */
export class MailNotConfigured extends Error {
  readonly code = "MAIL_NOT_CONFIGURED";
  constructor() {
    super(
      "Mail is not configured: set MAIL_URL (and MAIL_TOKEN, MAIL_FROM) to an HTTP mail endpoint, or pass your own Mailer. Development uses the outbox at /dev/outbox.",
    );
    this.name = "MailNotConfigured";
  }
}

/** The mail service refused or could not be reached. */
export class MailFailed extends Error {
  readonly code = "MAIL_FAILED";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "MailFailed";
  }
}
