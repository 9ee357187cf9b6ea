import { describe, expect, it } from "vitest";
import { Browser } from "./support/browser.ts";

describe("the default layout", () => {
  it("ships its CSS unescaped, so child selectors apply", async () => {
    const { html } = await new Browser().page("/links");
    const css = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? "";
    expect(css).toContain("form>button");
    expect(css).not.toContain("&gt;");
  });
});
