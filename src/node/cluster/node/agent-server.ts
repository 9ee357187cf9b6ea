import { createServer, type Server } from "node:net";

/** HAProxy's agent-check: on each connection, one line (weight or drain) and close. */
export function startAgentServer(
  host: string,
  port: number,
  answer: () => string,
): Promise<Server> {
  const server = createServer((socket) => {
    socket.on("error", () => socket.destroy());
    socket.end(answer());
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve(server));
  });
}
