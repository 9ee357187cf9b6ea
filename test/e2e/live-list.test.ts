// Two people on the link list in real Chromium against `wrangler dev`: what one does, the other
// sees without reloading (the `links` room over a WebSocket, Durable Objects in workerd).
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { screenshotPath } from "./support/browser.ts";
import { startDemoAndChromium } from "./support/demo.ts";
import type { DevServer } from "./support/dev-server.ts";

let server: DevServer | undefined;
let browser: Browser | undefined;
const contexts: BrowserContext[] = [];
/** Script errors and console errors of every page. */
const pageErrors: string[] = [];

beforeAll(async () => {
  ({ server, browser } = await startDemoAndChromium());
});

afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  await Promise.all([browser?.close(), server?.stop()]);
});

function app(): DevServer {
  if (!server) throw new Error("the dev server did not start");
  return server;
}

/** A person with a browser of their own (own cookies, own session) on the link list. */
async function personOnTheList(options: { javaScript?: boolean } = {}): Promise<Page> {
  if (!browser) throw new Error("chromium did not start");
  const context = await browser.newContext({
    baseURL: app().url,
    viewport: { width: 1000, height: 760 },
    javaScriptEnabled: options.javaScript ?? true,
  });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error")
      pageErrors.push(`${message.text()} (${message.location().url})`);
  });
  if (options.javaScript === false) await page.goto("/links");
  else await openList(page);
  return page;
}

/** Loads /links and waits until its socket has subscribed (the room said `ready`). */
async function openList(page: Page): Promise<void> {
  await page.goto("/links");
  await page.locator('ol.links[data-live="ready"]').waitFor();
}

/** Creates a link through the JSON API, as another client would. */
async function createLink(title: string, url: string): Promise<number> {
  const res = await fetch(`${app().url}/links`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ title, url, description: "Created through the API." }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { data: { id: number } }).data.id;
}

/** Waits until the vote total of link `id` on `page` reads `text`. */
async function votesShown(page: Page, id: number, text: string): Promise<void> {
  // A locator, not a string predicate: the page's Content-Security-Policy forbids eval.
  const exact = new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`);
  await page.locator(`ol.links li[data-id="${id}"] .votes`, { hasText: exact }).waitFor();
}

describe("the live link list in Chromium", () => {
  test("a link created in one page appears in the other without reload; so do votes", async () => {
    const [alice, bob] = [await personOnTheList(), await personOnTheList()];
    // Survives only if bob's page is never reloaded.
    await bob.evaluate("window.notReloaded = true");
    const itemsBefore = await bob.locator("ol.links li").count();
    expect(await bob.locator(".live-status").textContent()).toBe("● live");

    const title = "Seen live in another browser";
    await alice.getByRole("link", { name: "Submit a link" }).click();
    await alice.getByLabel("Title", { exact: true }).fill(title);
    await alice.getByLabel("URL", { exact: true }).fill("https://example.com/live-e2e");
    await alice.getByLabel("Description", { exact: true }).fill("Typed by the live-list test.");
    await Promise.all([
      alice.waitForURL(/\/links\/\d+$/),
      alice.getByRole("button", { name: "Create link" }).click(),
    ]);
    const id = Number(new URL(alice.url()).pathname.split("/").pop());

    const arrived = bob.locator(`ol.links li[data-id="${id}"]`);
    await arrived.waitFor();
    expect(await bob.locator("ol.links li").first().getAttribute("data-id")).toBe(String(id));
    expect(await arrived.locator("a.title").textContent()).toBe(title);
    expect(await arrived.locator("a.title").getAttribute("href")).toBe(
      "https://example.com/live-e2e",
    );
    expect(await arrived.locator(".host").textContent()).toBe("(example.com)");
    expect(await arrived.locator("a.discuss").getAttribute("href")).toBe(`/links/${id}`);
    // The page keeps its length: the oldest row made room, as a reload would show.
    expect(await bob.locator("ol.links li").count()).toBe(itemsBefore);
    await bob.screenshot({ path: screenshotPath("live-01-link-arrived"), fullPage: true });

    // Alice votes from the list; both pages count it, Bob's still without a reload.
    await openList(alice);
    await alice.getByRole("button", { name: `Vote for ${title}` }).click();
    await votesShown(alice, id, "1 vote");
    await votesShown(bob, id, "1 vote");
    // Bob votes on the row that arrived live (its form was built by the script).
    await bob.getByRole("button", { name: `Vote for ${title}` }).click();
    await votesShown(bob, id, "2 votes");
    await votesShown(alice, id, "2 votes");
    await bob.screenshot({ path: screenshotPath("live-02-voted"), fullPage: true });

    expect(await bob.evaluate("window.notReloaded")).toBe(true);
    expect(new URL(bob.url()).pathname).toBe("/links");
    // The counts are real: a fresh load shows the same.
    await openList(alice);
    expect(await alice.locator(`ol.links li[data-id="${id}"] .votes`).textContent()).toBe(
      "2 votes",
    );
    expect(pageErrors).toEqual([]);
  });

  test("a page whose socket dropped reconnects with ?since= and gets what it missed", async () => {
    if (!browser) throw new Error("chromium did not start");
    const context = await browser.newContext({ baseURL: app().url });
    contexts.push(context);
    // Keep every socket the page opens and the frames each got, so the test can cut one
    // and see how the next one caught up.
    await context.addInitScript(`{
      const Native = window.WebSocket;
      window.sockets = [];
      window.WebSocket = class extends Native {
        constructor(url, protocols) {
          super(url, protocols);
          const frames = [];
          this.addEventListener("message", (event) => frames.push(String(event.data)));
          window.sockets.push({ socket: this, frames });
        }
      };
    }`);
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await openList(page);
    const sockets = async () => {
      const seen = await page.evaluate<{ url: string; frames: string[] }[]>(
        "window.sockets.map(({ socket, frames }) => ({ url: socket.url, frames }))",
      );
      return seen.map(({ url, frames }) => ({
        url,
        frames: frames.map((f) => JSON.parse(f) as { type: string; seq: number; data?: unknown }),
      }));
    };
    expect(await sockets()).toHaveLength(1);

    // Cut the connection, and create a link while the page is away (it waits 0.5 s to retry).
    // (With a status code: nimbus/coord's room leaves a close without one unanswered.)
    await page.evaluate("window.sockets[0].socket.close(4000, 'cut by the test')");
    const title = "Created while the socket was down";
    const id = await createLink(title, "https://example.com/missed");
    await page.locator(`ol.links li[data-id="${id}"]`).waitFor();
    await page.locator('ol.links[data-live="ready"]').waitFor();

    const [first, second] = await sockets();
    const lastSeen = first?.frames.at(-1)?.seq;
    expect(new URL(second?.url ?? "").searchParams.get("since")).toBe(String(lastSeen));
    // The link came as a replay, before the new socket's `ready`.
    expect(second?.frames.map((f) => f.type)).toEqual(["message", "ready"]);
    expect(second?.frames[0]).toMatchObject({
      seq: (lastSeen ?? 0) + 1,
      data: { type: "link", id, title },
    });
    expect(await page.locator(".live-status").textContent()).toBe("● live");
  });

  test("without JavaScript the vote form posts and comes back to the list", async () => {
    const page = await personOnTheList({ javaScript: false });
    const id = await createLink("Voted on without JavaScript", "https://example.com/no-js");
    await page.reload();
    const row = page.locator(`ol.links li[data-id="${id}"]`);
    expect(await row.locator(".votes").textContent()).toBe("0 votes");
    await Promise.all([
      page.waitForURL((url) => url.pathname === "/links"),
      row.getByRole("button", { name: "Vote for Voted on without JavaScript" }).click(),
    ]);
    await page.locator(".flash").waitFor();
    expect(await page.locator(".flash").textContent()).toBe(
      "Voted for “Voted on without JavaScript”: 1 vote.",
    );
    expect(await row.locator(".votes").textContent()).toBe("1 vote");
    await page.screenshot({ path: screenshotPath("live-03-voted-without-js"), fullPage: true });
  });

  test("signing in as editor shows in the header; a sixth attempt in a minute is refused", async () => {
    const page = await personOnTheList();
    const signIn = async (password: string) => {
      await page.goto("/session/new");
      await page.getByLabel("Editor password", { exact: true }).fill(password);
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === "POST"),
        page.getByRole("button", { name: "Sign in" }).click(),
      ]);
      await page.waitForLoadState("load");
      return response.status();
    };
    expect(await signIn("nimbus-editor")).toBe(303);
    expect(await page.locator(".session-bar").textContent()).toContain("Signed in as editor");
    await page.screenshot({ path: screenshotPath("live-04-signed-in"), fullPage: true });
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.locator(".session-bar a", { hasText: "Sign in" }).waitFor();

    for (let i = 0; i < 4; i++) expect(await signIn("wrong")).toBe(422);
    expect(await page.locator("p.error").textContent()).toBe("Editor password is not right");
    expect(await signIn("nimbus-editor")).toBe(429);
    expect(await page.locator('[role="alert"]').first().textContent()).toMatch(
      /^Too many sign-in attempts: 5 a minute are allowed\. Try again in \d+ s\.$/,
    );
    expect(await page.locator(".session-bar").textContent()).not.toContain("Signed in");
    await page.screenshot({ path: screenshotPath("live-05-sign-in-limited"), fullPage: true });
  });
});
