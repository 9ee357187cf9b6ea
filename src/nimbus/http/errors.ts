/** A field name mapped to the messages that explain what is wrong with it. */
export type FieldErrors = Record<string, string[]>;

/** An error that becomes a response with its status; anything else becomes a 500. */
export class HttpError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 405 | 413 | 415 | 422 | 429,
    readonly title: string,
    message: string,
  ) {
    super(message);
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

export class PayloadTooLarge extends HttpError {
  constructor(limit: number) {
    super(413, "Payload Too Large", `The request body is larger than the limit of ${limit} bytes.`);
  }
}

/** Input that parsed but broke the model's rules; carries one message list per field. */
export class ValidationFailed extends HttpError {
  constructor(readonly fields: FieldErrors) {
    super(422, "Unprocessable Content", "Some fields are invalid: see `errors`.");
  }
}
