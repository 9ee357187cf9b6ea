import { expect, it } from "vitest";
it("runs", () => expect(process.version.startsWith("v22")).toBe(true));
