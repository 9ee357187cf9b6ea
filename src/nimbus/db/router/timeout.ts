/** A fetch for @libsql/client that gives up after `ms`, so a hung replica costs a bounded wait. */
export function withTimeout(ms: number): (request: Request) => Promise<Response> {
  return (request) => fetch(request, { signal: AbortSignal.timeout(ms) });
}
