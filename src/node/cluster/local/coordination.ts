/**
 * `cluster up`'s coordination step: the coordination host, one workerd process owning nimbus/coord's
 * Durable Objects on its own disk, supervised (restarted if it dies) by `nimbus cluster coord-host`.
 * Every node is then built with NIMBUS_COORD_HOST, so they all reach the same objects.
 */
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CoordHostSpec } from "../coord-host.ts";
import { bundleCoordHostEntry, HOST_ENTRY } from "../coord-host-bundle.ts";
import { describeCoordHost } from "../coord-host-config.ts";
import { COORD_HOST_ENV, COORD_TOKEN_ENV } from "../coord-node.ts";
import { writeNodeConfig } from "../describe-node.ts";
import { workerdBinary } from "../workerd-binary.ts";
import type { CoordinationStarter } from "./cluster.ts";
import { freePort, isAlive, startDetached } from "./processes.ts";

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Starts the coordination host when the app uses nimbus/coord; otherwise nothing. */
export const startCoordinationHost: CoordinationStarter = async (context) => {
  const { app, dir, host, root, cli, progress } = context;
  if (!app.durableObjects.some((o) => o.className === "NimbusCoordinator")) {
    progress.say("The app binds no NimbusCoordinator: no coordination host needed.");
    return { processes: [] };
  }
  const hostDir = join(dir, "coord-host");
  const address = `${host}:${await freePort(host)}`;
  const main = app.modules[0]?.name ?? "index.js";
  const entry = await bundleCoordHostEntry({
    mainModule: main,
    outFile: join(hostDir, HOST_ENTRY),
    root,
  });
  const description = describeCoordHost(app, {
    address,
    storageDir: join(hostDir, "storage"),
    entry,
    crons: app.crons ?? [],
    env: context.nodeEnv,
    secrets: [...context.secrets, ...Object.keys(context.secretEnv)],
  });
  const config = writeNodeConfig(description, join(hostDir, "coord-host.capnp"));
  const token = randomBytes(32).toString("hex");
  const spec: CoordHostSpec = {
    config,
    address,
    workerd: workerdBinary(root),
    token,
    env: context.secretEnv,
  };
  const specFile = join(hostDir, "coord-host.json");
  writeFileSync(specFile, JSON.stringify(spec, null, 2), { mode: 0o600 });
  const log = join(hostDir, "coord-host.log");
  const [command, ...args] = cli as [string, ...string[]];
  const pid = startDetached(command, [...args, "cluster", "coord-host", "--spec", specFile], {
    logFile: log,
  });
  // Healthy once its supervisor could reach it (and armed the cron clock).
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ok = await fetch(`http://${address}/nimbus-coord/v1/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (!isAlive(pid)) throw new Error(`the coordination host exited while starting (see ${log})`);
    if (Date.now() > deadline) throw new Error(`the coordination host did not start (see ${log})`);
    await sleep(100);
  }
  return {
    processes: [{ role: "coordination host", pid, log }],
    nodeEnv: { [COORD_HOST_ENV]: address },
    secretEnv: { [COORD_TOKEN_ENV]: token },
  };
};
