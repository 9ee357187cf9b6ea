// The demo link board in a real browser: Debian's Chromium, driven by playwright-core, against `wrangler dev`.
import { createServer, type Server } from "node:http";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { screenshotPath } from "./support/browser.ts";
import { startDemoAndChromium } from "./support/demo.ts";
import { type DevServer, freePort } from "./support/dev-server.ts";

let server: DevServer | undefined;
let browser: Browser | undefined;
let context: BrowserContext;
let page: Page;
/** Scripts that threw and console errors; statuses (the expected 422, a missing favicon) are checked apart. */
let pageErrors: string[];

function app(): DevServer {
  if (!server) throw new Error("the dev server did not start");
  return server;
}

beforeAll(async () => {
  ({ server, browser } = await startDemoAndChromium());
});

afterAll(async () => {
  await Promise.all([browser?.close(), server?.stop()]);
});

beforeEach(async () => {
  if (!browser) throw new Error("chromium did not start");
  context = await browser.newContext({
    baseURL: app().url,
    viewport: { width: 1000, height: 760 },
  });
  page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on("dialog", (dialog) => void dialog.accept());
  pageErrors = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("console", (message) => {
    const text = message.text();
    if (message.type() === "error" && !text.startsWith("Failed to load resource")) {
      pageErrors.push(`${text} (${message.location().url})`);
    }
  });
});

afterEach(async () => {
  await context?.close();
});

/** Clicks into the field labelled `label` and types `text` key by key. */
async function typeInto(label: string, text: string): Promise<void> {
  const field = page.getByLabel(label, { exact: true });
  await field.click();
  await field.pressSequentially(text);
}

/** Clicks the button or link, waits until the page it leads to has loaded, and returns its status. */
async function clickAndLoad(target: Locator): Promise<number> {
  const [response] = await Promise.all([
    page.waitForResponse(
      (r) =>
        r.request().isNavigationRequest() &&
        r.frame() === page.mainFrame() &&
        (r.status() < 300 || r.status() >= 400),
    ),
    page.waitForEvent("load"),
    target.click(),
  ]);
  return response.status();
}

function fieldOf(label: string) {
  return page.locator(".field", { has: page.getByLabel(label, { exact: true }) });
}

/** The text the user sees in `target` (rendered text, as innerText gives it). */
async function visibleText(target: string | Locator): Promise<string> {
  const element = typeof target === "string" ? page.locator(target) : target;
  await element.first().waitFor();
  return (await element.allInnerTexts()).join("\n").trim();
}

/** The id of the newest link, read through the JSON API (the list is newest first). */
async function newestLinkId(): Promise<number> {
  const response = await fetch(`${app().url}/links?per_page=1`, {
    headers: { accept: "application/json" },
  });
  expect(response.status).toBe(200);
  const { data } = (await response.json()) as { data: { id: number }[] };
  expect(data).toHaveLength(1);
  return data[0]?.id ?? 0;
}

describe("demo link board in Chromium", () => {
  test("create (after fixing a validation error), edit, and delete a link", async () => {
    const url = "https://example.com/nimbus-e2e";
    const description = "Typed in a real browser by the e2e test.";
    const title = "Nimbus end-to-end";
    const editedTitle = "Nimbus end-to-end (edited)";

    await page.goto("/links");
    // A doctype puts the page in standards mode.
    expect(await page.evaluate<string>("document.compatMode")).toBe("CSS1Compat");
    expect(await page.title()).toBe("Links · Nimbus Links");
    await page.screenshot({ path: screenshotPath("01-links"), fullPage: true });

    expect(await clickAndLoad(page.getByRole("link", { name: "Submit a link" }))).toBe(200);
    expect(new URL(page.url()).pathname).toBe("/links/new");

    // Leave the title empty: the server must refuse it and keep what was typed.
    await typeInto("URL", url);
    await typeInto("Description", description);
    expect(await clickAndLoad(page.getByRole("button", { name: "Create link" }))).toBe(422);
    expect(await visibleText(fieldOf("Title").locator("p.error"))).toBe("Title can't be blank");
    expect(await page.getByLabel("Title", { exact: true }).getAttribute("aria-invalid")).toBe(
      "true",
    );
    expect(await page.getByLabel("URL", { exact: true }).inputValue()).toBe(url);
    expect(await page.getByLabel("Description", { exact: true }).inputValue()).toBe(description);
    expect(await fieldOf("URL").locator("p.error").count()).toBe(0);
    await page.screenshot({ path: screenshotPath("02-validation-error"), fullPage: true });

    expect(await page.title()).toBe("New link · Nimbus Links");
    await typeInto("Title", title);
    expect(await clickAndLoad(page.getByRole("button", { name: "Create link" }))).toBe(200);
    expect(new URL(page.url()).pathname).toMatch(/^\/links\/\d+$/);
    const linkPath = new URL(page.url()).pathname;
    expect(await visibleText(".flash")).toBe("Link was created.");
    expect(await visibleText(page.getByRole("heading", { level: 1 }))).toBe(title);
    expect(await page.title()).toBe(`${title} · Nimbus Links`);
    expect(await page.getByText(description).count()).toBe(1);
    await page.screenshot({ path: screenshotPath("03-created"), fullPage: true });

    // The flash is shown once: reloading the page drops it.
    await page.reload();
    expect(await page.locator(".flash").count()).toBe(0);

    expect(await clickAndLoad(page.getByRole("link", { name: "Edit" }))).toBe(200);
    const titleField = page.getByLabel("Title", { exact: true });
    expect(await titleField.inputValue()).toBe(title);
    await titleField.click();
    await titleField.press("End");
    await titleField.pressSequentially(" (edited)");
    await page.screenshot({ path: screenshotPath("04-edit-form"), fullPage: true });
    expect(await clickAndLoad(page.getByRole("button", { name: "Update link" }))).toBe(200);
    expect(new URL(page.url()).pathname).toBe(linkPath);
    expect(await visibleText(".flash")).toMatch(/updated/i);
    expect(await visibleText(page.getByRole("heading", { level: 1 }))).toBe(editedTitle);
    await page.screenshot({ path: screenshotPath("05-edited"), fullPage: true });

    // The list shows the edited link; its "discuss" link leads back to its page.
    expect(await clickAndLoad(page.getByRole("link", { name: "All links" }))).toBe(200);
    const entry = page.locator("ol.links li", { hasText: editedTitle });
    expect(await entry.count()).toBe(1);
    expect(await clickAndLoad(entry.getByRole("link", { name: "discuss" }))).toBe(200);
    expect(new URL(page.url()).pathname).toBe(linkPath);

    expect(await clickAndLoad(page.getByRole("button", { name: "Delete" }))).toBe(200);
    expect(new URL(page.url()).pathname).toBe("/links");
    expect(await visibleText(".flash")).toBe("Link was deleted.");
    expect(await page.locator("ol.links li", { hasText: "Nimbus end-to-end" }).count()).toBe(0);
    expect(await page.locator("ol.links li").count()).toBeGreaterThan(0);
    await page.screenshot({ path: screenshotPath("06-deleted"), fullPage: true });

    expect(pageErrors).toEqual([]);
    const gone = await page.goto(linkPath);
    expect(gone?.status()).toBe(404);
    expect(await page.title()).toBe("Not Found · Nimbus Links");
    await page.screenshot({ path: screenshotPath("08-not-found"), fullPage: true });
  });

  describe("a form on another site posting to /links", () => {
    let attacker: Server;
    let attackerPort: number;

    beforeAll(async () => {
      attackerPort = await freePort();
      attacker = createServer((_request, response) => {
        response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
        response.end(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Win a prize</title></head>
<body>
  <form action="${app().url}/links" method="post">
    <input type="hidden" name="_csrf" value="guessed-token">
    <input type="hidden" name="title" value="Planted by another site">
    <input type="hidden" name="url" value="https://attacker.example/">
    <button type="submit">Claim your prize</button>
  </form>
</body></html>`);
      });
      await new Promise<void>((done) => attacker.listen(attackerPort, "127.0.0.1", done));
    });

    afterAll(async () => {
      await new Promise((done) => attacker?.close(done));
    });

    // localhost vs 127.0.0.1 is another site (Sec-Fetch-Site: cross-site, no SameSite=Lax cookie);
    // another port on 127.0.0.1 is the same site but another origin, so the session cookie does go along.
    test.each([
      ["another site", "localhost"],
      ["another origin on the same site", "127.0.0.1"],
    ])("is refused with 403 from %s and creates nothing", async (_name, host) => {
      // The victim has a session with the app (and so a CSRF token) before visiting the other page.
      await page.goto("/links/new");
      const newestBefore = await newestLinkId();
      await page.goto(`http://${host}:${attackerPort}/`);
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === "POST"),
        page.getByRole("button", { name: "Claim your prize" }).click(),
      ]);
      expect(response.url()).toBe(`${app().url}/links`);
      expect(response.status()).toBe(403);
      await page.waitForLoadState("load");
      await page.screenshot({ path: screenshotPath(`07-csrf-refused-${host}`), fullPage: true });

      expect(await newestLinkId()).toBe(newestBefore);
      await page.goto("/links");
      expect(
        await page.locator("ol.links li", { hasText: "Planted by another site" }).count(),
      ).toBe(0);
    });
  });
});
