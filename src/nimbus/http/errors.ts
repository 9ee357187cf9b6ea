/** A field name mapped to the messages that explain what is wrong with it. */
export type FieldErrors = Record<string, string[]>;

/** The statuses an {@link HttpError} can carry. */
export type HttpErrorStatus = 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 421 | 422 | 429 | 503;

/**
 * An error that becomes a response with its status; anything else becomes a 500.
 * (Plain fields, no parameter properties: Node-side code that imports this runs with type stripping.)
 */
export class HttpError extends Error {
  readonly status: HttpErrorStatus;
  readonly title: string;
  /** Headers the response carries, such as `WWW-Authenticate` on a 401. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: HttpErrorStatus,
    title: string,
    message: string,
    headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.status = status;
    this.title = title;
    this.headers = headers;
  }
}

/** How a client should authenticate (RFC 9110 §11.6.1, RFC 6750 for Bearer). */
export interface Challenge {
  /** "Bearer" (default) or "Basic". */
  scheme?: string;
  realm?: string;
  /** RFC 6750's error code: "invalid_token" when a token was sent but is not valid. */
  error?: "invalid_request" | "invalid_token" | "insufficient_scope";
}

function challengeHeader({ scheme = "Bearer", realm, error }: Challenge): string {
  const params = [
    realm !== undefined ? `realm="${realm.replace(/["\\]/g, "")}"` : undefined,
    error !== undefined ? `error="${error}"` : undefined,
  ].filter(Boolean);
  return params.length > 0 ? `${scheme} ${params.join(", ")}` : scheme;
}

/** No credentials, or credentials that are not valid: 401 with a `WWW-Authenticate` challenge. */
export class Unauthorized extends HttpError {
  constructor(message = "Sign in or send a valid token.", challenge: Challenge = {}) {
    super(401, "Unauthorized", message, { "WWW-Authenticate": challengeHeader(challenge) });
  }
}

/** The request conflicts with the current state of the record (a stale version, a duplicate). */
export class Conflict extends HttpError {
  constructor(message: string) {
    super(409, "Conflict", message);
  }
}

export class NotFound extends HttpError {
  constructor(message = "The page or record you asked for does not exist.") {
    super(404, "Not Found", message);
  }
}

export class BadRequest extends HttpError {
  constructor(message: string) {
    super(400, "Bad Request", message);
  }
}

export class Forbidden extends HttpError {
  constructor(message: string) {
    super(403, "Forbidden", message);
  }
}

/** A service the request needs (the database, the coordination host) did not answer; retrying may work. */
export class ServiceUnavailable extends HttpError {
  constructor(message: string) {
    super(503, "Service Unavailable", message);
  }
}

export class PayloadTooLarge extends HttpError {
  constructor(limit: number) {
    super(413, "Payload Too Large", `The request body is larger than the limit of ${limit} bytes.`);
  }
}

/** Input that parsed but broke the model's rules; carries one message list per field. */
export class ValidationFailed extends HttpError {
  readonly fields: FieldErrors;

  constructor(fields: FieldErrors) {
    super(422, "Unprocessable Content", "Some fields are invalid: see `errors`.");
    this.fields = fields;
  }
}
