/**
 * The text of a response Nimbus made itself from a string (a rendered page), kept beside the
 * response so that middleware needing the body again (the ETag of an uncached page) takes the
 * string instead of reading the body stream back and copying the response around it. Keyed by
 * the Response object: a response replaced or wrapped by anyone has no known text, and then the
 * body is read as before.
 */
const texts = new WeakMap<Response, string>();

/** Records that `res` carries `text` as its body, unchanged. */
export function rememberBody(res: Response, text: string): Response {
  texts.set(res, text);
  return res;
}

/** The text `res` was made from, if it was made by `rememberBody`'s caller and not replaced since. */
export function knownBody(res: Response): string | undefined {
  return texts.get(res);
}
