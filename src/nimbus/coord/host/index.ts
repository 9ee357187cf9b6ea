/**
 * nimbus-web/coord/host: the coordination host of a self-hosted cluster. A workerd process runs
 * the app's bundle with the real Durable Object namespaces and their storage; app nodes reach it
 * through a service binding, so every node sees the same counter, lock, rate limit and room.
 * `nimbus build` generates the host's entry from these; apps never import this module.
 * @module
 */
export { checkCrons, NimbusCronClock } from "./cron-clock.ts";
export { coordinationHost, type HostBindings, type HostedWorker } from "./serve.ts";
