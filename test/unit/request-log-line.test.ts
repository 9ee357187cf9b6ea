import { describe, expect, it } from "vitest";
import { logLine } from "../../src/nimbus/log/request-log.ts";

// The request log line is written out by hand (no object, no JSON.stringify of it) on every
// request; it must stay exactly the line JSON.stringify would make, whatever the path holds.
describe("request log line", () => {
  const cases: [string, string, string, number, number][] = [
    ["0f1e2d3c-aaaa-bbbb-cccc-1234567890ab", "GET", "/hello", 200, 0],
    ["client:id.1-2_3", "POST", "/links.json", 201, 12],
    ["x", "GET", '/a"b\\c\n\u2028é/%22', 404, 3],
    ["y", "DELETE", "/links/1", 500, 1500],
    ["z", "PATCH", "/", 503, 7],
  ];
  for (const [requestId, method, path, status, ms] of cases) {
    it(`${method} ${JSON.stringify(path)} ${status}`, () => {
      const line = logLine(requestId, method, path, status, ms);
      const expected = JSON.stringify({
        level: status >= 500 ? "error" : "info",
        msg: "request",
        requestId,
        method,
        path,
        status,
        ms,
      });
      expect(line).toBe(expected);
      expect(JSON.parse(line)).toEqual(JSON.parse(expected));
    });
  }
});
