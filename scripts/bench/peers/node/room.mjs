// The live list's room in one Node process: a bounded backlog for clients that reconnect and
// the open subscribers (none in the bench) to send each event to.
const BACKLOG = 1000;
const backlog = [];
const subscribers = new Set();
let seq = 0;

/** Records `event` and sends it to every subscriber; what the demo's announce() does. */
export function publish(event) {
  seq += 1;
  const frame = JSON.stringify({ type: "message", seq, data: event });
  backlog.push(frame);
  if (backlog.length > BACKLOG) backlog.shift();
  for (const send of subscribers) send(frame);
  return seq;
}
