import { readFileSync } from "node:fs";
import { createServer } from "node:net";

/**
 * A TCP port free on `host` right now, for a server the caller starts soon after.
 *
 * The port comes from below the kernel's ephemeral range, not from `listen(0)`: a port in that
 * range is also the local end of every outgoing connection, so between this probe and the
 * server's bind a client socket (a load test's, a database driver's) can take it and the server
 * fails with EADDRINUSE. Below the range only listeners compete, and each port is handed out
 * once per process.
 */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  const [low, high] = listenerRange();
  for (let attempt = 0; attempt < 64 && high > low; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (handedOut.has(port)) continue;
    if (await canListen(port, host)) {
      handedOut.add(port);
      return port;
    }
  }
  return kernelPort(host);
}

const handedOut = new Set<number>();

/** Ports [low, high) below the ephemeral range, or an empty range when there is no room. */
function listenerRange(): [number, number] {
  const ephemeralLow = readEphemeralLow();
  const low = 10_000;
  return ephemeralLow - low >= 4_096 ? [low, ephemeralLow] : [0, 0];
}

function readEphemeralLow(): number {
  try {
    const [low] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8")
      .trim()
      .split(/\s+/);
    const value = Number(low);
    return Number.isInteger(value) && value > 0 ? value : 32_768;
  } catch {
    return 32_768; // Not Linux: at or below the other systems' ephemeral ranges.
  }
}

function canListen(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** The kernel's choice, when no port below the ephemeral range is free. */
function kernelPort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address
          ? resolve(address.port)
          : reject(new Error("no free port")),
      );
    });
  });
}
