/** HAProxy's runtime API (the stats socket, level admin): one command per connection. */
import { connect, type Socket } from "node:net";

/** A runtime API address: a unix socket path (`/run/nimbus/gw.sock`) or `host:port`. */
export type AdminAddress = string;

function open(address: AdminAddress): Socket {
  const tcp = /^(.+):(\d+)$/.exec(address);
  if (tcp && !address.startsWith("/"))
    return connect({ host: (tcp[1] as string).replace(/^\[|\]$/g, ""), port: Number(tcp[2]) });
  return connect({ path: address });
}

/** Sends one command and resolves with HAProxy's whole answer. */
export function adminCommand(
  address: AdminAddress,
  command: string,
  timeoutMs = 3000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = open(address);
    let answer = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`HAProxy at ${address} did not answer "${command}" within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.setEncoding("utf8");
    socket.on("connect", () => socket.end(`${command}\n`));
    socket.on("data", (chunk: string) => {
      answer += chunk;
    });
    socket.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(answer.trim());
    });
  });
}

/** One server's line of `show stat` (the fields Nimbus reads). */
export interface ServerStat {
  backend: string;
  server: string;
  /** UP, DOWN, DRAIN, MAINT, "UP 1/2", no check… as HAProxy says it. */
  status: string;
  weight: number;
  /** Requests being served now (current sessions). */
  current: number;
  /** Requests served (total sessions). */
  total: number;
  /** 5xx answers, failed responses and failed connections. */
  errors: number;
  address: string;
}

/** The servers of `backend` (all backends when omitted), from `show stat`. */
export async function serverStats(address: AdminAddress, backend?: string): Promise<ServerStat[]> {
  const csv = await adminCommand(address, "show stat");
  const [header, ...rows] = csv.split("\n");
  if (!header?.startsWith("# "))
    throw new Error(`unexpected "show stat" answer: ${csv.slice(0, 200)}`);
  const names = header.slice(2).split(",");
  const at = (row: string[], name: string) => row[names.indexOf(name)] ?? "";
  const stats: ServerStat[] = [];
  for (const line of rows) {
    const row = line.split(",");
    const server = at(row, "svname");
    if (!server || server === "FRONTEND" || server === "BACKEND") continue;
    if (backend && at(row, "pxname") !== backend) continue;
    const num = (name: string) => Number(at(row, name)) || 0;
    stats.push({
      backend: at(row, "pxname"),
      server,
      status: at(row, "status"),
      weight: num("weight"),
      current: num("scur"),
      total: num("stot"),
      errors: num("hrsp_5xx") + num("eresp") + num("econ"),
      address: at(row, "addr"),
    });
  }
  return stats;
}
