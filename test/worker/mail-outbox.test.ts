import { env } from "cloudflare:workers";
import { createApp, devOutbox, MailFailed, MailNotConfigured, mailerFromEnv } from "nimbus-web";
import { describe, expect, inject, it } from "vitest";

/** A route that mails through whatever the environment configures, and the outbox page. */
const app = createApp({ logRequests: false })
  .post("/notify", async (c) => {
    const body = await c.var.body();
    try {
      const mailer = mailerFromEnv(c);
      await mailer.send({
        to: String(body.data.to),
        subject: "Ping",
        text: String(body.data.text),
      });
    } catch (error) {
      if (error instanceof MailNotConfigured) return c.text(error.message, 503);
      if (error instanceof MailFailed) return c.text(error.message, 502);
      throw error;
    }
    return c.text("sent");
  })
  .get("/dev/outbox", devOutbox);

const development = { ...env, NIMBUS_ENV: "development" };
const production = { ...env, NIMBUS_ENV: "production", SESSION_SECRET: "s".repeat(32) };

function notify(to: string, text: string, bindings: object) {
  return app.request(
    "/notify",
    {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: "Bearer x" },
      body: JSON.stringify({ to, text }),
    },
    bindings,
  );
}

describe("mail in development: the outbox", () => {
  it("keeps sent mail in the database and shows it at /dev/outbox, escaped, links clickable", async () => {
    const text = "Reset: http://nimbus.test/password/reset/abc <script>alert(1)</script>";
    expect((await notify("ada@example.com", text, development)).status).toBe(200);
    const json = await app.request(
      "/dev/outbox",
      { headers: { Accept: "application/json" } },
      development,
    );
    const { data } = (await json.json()) as { data: { to: string; text: string }[] };
    expect(data[0]).toMatchObject({ to: "ada@example.com", text });
    const html = await (
      await app.request("/dev/outbox", { headers: { Accept: "text/html" } }, development)
    ).text();
    expect(html).toContain(
      '<a href="http://nimbus.test/password/reset/abc">http://nimbus.test/password/reset/abc</a>',
    );
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).not.toContain("<script>alert(1)");
  });
});

describe("mail outside development", () => {
  it("without MAIL_URL or a mailer of the app's: a clear MailNotConfigured, and no outbox page", async () => {
    const res = await notify("bo@example.com", "hello", production);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain("Mail is not configured: set MAIL_URL");
    const page = await app.request("/dev/outbox", { headers: { Accept: "text/html" } }, production);
    expect(page.status).toBe(404);
  });

  it("with MAIL_URL: posts to that endpoint, and its refusal is a MailFailed", async () => {
    // The worker project's local web server, whose /broken answers 500.
    const MAIL_URL = `${inject("titleServer")}/broken`;
    const res = await notify("cy@example.com", "hello", { ...production, MAIL_URL });
    expect(res.status).toBe(502);
    expect(await res.text()).toBe("The mail endpoint answered 500: the server broke");
  });
});
