import { type Mailer, MailFailed, type MailMessage } from "./mail.ts";

/** Where and how `httpMailer` posts each message. */
export interface HttpMailerOptions {
  /** The endpoint that accepts one message per POST (your relay, a mail API, a Worker with a `send_email` binding). */
  url: string;
  /** The sender address, put in every message's `from`. */
  from: string;
  /** Sent as `Authorization: Bearer <token>` when set. */
  token?: string | undefined;
  /**
   * The JSON body for one message (default `{ from, to, subject, text, html }`, the shape most
   * mail APIs take); return another shape for a service that wants one.
   */
  body?: (message: MailMessage, from: string) => unknown;
  /** Longest wait for the endpoint, in milliseconds (default 10 s). */
  timeoutMs?: number;
}

/**
 * A mailer that POSTs each message as JSON to an HTTP endpoint: any 2xx is delivery accepted,
 * anything else a `MailFailed` naming the status. It runs the same on Cloudflare and workerd.
 *
 * @example
 * httpMailer({ url: env.MAIL_URL, token: env.MAIL_TOKEN, from: "Blog <no-reply@blog.example>" })
 */
export function httpMailer(options: HttpMailerOptions): Mailer {
  const shape = options.body ?? ((message, from) => ({ from, ...message }));
  return {
    async send(message) {
      const headers: Record<string, string> = { "Content-Type": "application/json" };
      if (options.token) headers.Authorization = `Bearer ${options.token}`;
      let response: Response;
      try {
        response = await fetch(options.url, {
          method: "POST",
          headers,
          body: JSON.stringify(shape(message, options.from)),
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        });
      } catch (error) {
        throw new MailFailed(`The mail endpoint could not be reached: ${String(error)}`, {
          cause: error,
        });
      }
      // Read the body either way: an unread body holds the connection.
      const detail = (await response.text()).slice(0, 200);
      if (!response.ok)
        throw new MailFailed(`The mail endpoint answered ${response.status}: ${detail}`);
    },
  };
}
