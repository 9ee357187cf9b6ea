import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { afterEach, expect, it } from "vitest";
import { freePort } from "../../src/node/free-port.ts";

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((done) => s.close(done))));
});

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}

it("hands out ports below the ephemeral range, where no outgoing connection can take them", async () => {
  const [ephemeralLow] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8")
    .trim()
    .split(/\s+/)
    .map(Number);
  const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
  for (const port of ports) expect(port).toBeLessThan(ephemeralLow as number);
  expect(new Set(ports).size).toBe(ports.length);
  // Each one really is free: a server binds all of them.
  for (const port of ports) servers.push(await listen(port));
});
