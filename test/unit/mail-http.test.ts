import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MailFailed } from "../../src/nimbus/accounts/mail.ts";
import { httpMailer } from "../../src/nimbus/accounts/mail-http.ts";

interface Received {
  authorization: string | undefined;
  contentType: string | undefined;
  body: unknown;
}

const received: Received[] = [];
let status = 202;
let server: Server;
let url: string;

async function bodyOf(req: IncomingMessage): Promise<string> {
  let text = "";
  for await (const chunk of req) text += chunk;
  return text;
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    received.push({
      authorization: req.headers.authorization,
      contentType: req.headers["content-type"],
      body: JSON.parse(await bodyOf(req)),
    });
    res.writeHead(status, { "Content-Type": "application/json" });
    res.end(status < 300 ? '{"id":"m1"}' : '{"error":"sender not verified"}');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/send`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("httpMailer", () => {
  it("posts each message as JSON with the sender and the bearer token", async () => {
    const mailer = httpMailer({ url, token: "relay-secret", from: "Blog <no-reply@blog.test>" });
    await mailer.send({
      to: "ada@example.com",
      subject: "Hi",
      text: "Hello",
      html: "<p>Hello</p>",
    });
    expect(received.at(-1)).toEqual({
      authorization: "Bearer relay-secret",
      contentType: "application/json",
      body: {
        from: "Blog <no-reply@blog.test>",
        to: "ada@example.com",
        subject: "Hi",
        text: "Hello",
        html: "<p>Hello</p>",
      },
    });
  });

  it("takes another body shape for a service that wants one", async () => {
    const mailer = httpMailer({
      url,
      from: "no-reply@blog.test",
      body: (message, from) => ({ personalizations: [{ to: [{ email: message.to }] }], from }),
    });
    await mailer.send({ to: "bo@example.com", subject: "S", text: "T" });
    expect(received.at(-1)?.authorization).toBeUndefined();
    expect(received.at(-1)?.body).toEqual({
      personalizations: [{ to: [{ email: "bo@example.com" }] }],
      from: "no-reply@blog.test",
    });
  });

  it("rejects with MailFailed when the endpoint refuses or is not there", async () => {
    status = 403;
    const mailer = httpMailer({ url, from: "no-reply@blog.test" });
    const refused = mailer.send({ to: "cy@example.com", subject: "S", text: "T" });
    await expect(refused).rejects.toThrow(MailFailed);
    await expect(refused).rejects.toThrow(/answered 403: .*sender not verified/);
    status = 202;
    const closed = httpMailer({ url: "http://127.0.0.1:1/send", from: "no-reply@blog.test" });
    await expect(closed.send({ to: "d@example.com", subject: "S", text: "T" })).rejects.toThrow(
      /could not be reached/,
    );
  });
});
