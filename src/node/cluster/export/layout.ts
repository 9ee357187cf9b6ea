/**
 * Where exported files go on each machine: the same paths under OUT/<machine>/ as on the
 * machine itself, so `rsync -a OUT/gw1/ root@gw1:/` (or scp) puts every file in place.
 */
import { join } from "node:path";
import { INSTALLED_NODE_PATH } from "../../dqlite/build.ts";

/** Paths on the target machine for an app named `app`. */
export function targetPaths(app: string) {
  const etc = `/etc/nimbus/${app}`;
  return {
    etc,
    bundle: `${etc}/bundle`,
    assets: `${etc}/assets`,
    /** KEY=value secrets the units read (SESSION_SECRET, DATABASE_AUTH_TOKEN, …). */
    secrets: `${etc}/secrets.env`,
    nodeConfig: (node: string) => `${etc}/${node}.capnp`,
    nodeSpec: (node: string) => `${etc}/${node}.json`,
    nodeStorage: (node: string) => `/var/lib/nimbus/${app}/${node}`,
    coordConfig: `${etc}/coordination.capnp`,
    coordSpec: `${etc}/coordination.json`,
    coordBundle: `${etc}/coordination`,
    coordStorage: `/var/lib/nimbus/${app}/coordination`,
    database: `/var/lib/nimbus/${app}/db`,
    haproxy: "/etc/haproxy/haproxy.cfg",
    keepalived: "/etc/keepalived/keepalived.conf",
    unit: (name: string) => `/etc/systemd/system/${name}`,
    /** Binaries the sysadmin installs (README: npm install --global …). */
    nimbus: "/usr/local/bin/nimbus",
    workerd: "/usr/local/bin/workerd",
    dqlite: INSTALLED_NODE_PATH,
  };
}

/** A machine's folder in the export and a target path inside it. */
export function exported(outDir: string, machine: string, target: string): string {
  return join(outDir, machine, target);
}

/** The runtime API port each gateway opens on its private address for nodes to check in. */
export const GATEWAY_ADMIN_PORT = 9999;
/** A node's agent-check port: its HTTP port + this. */
export const AGENT_PORT_OFFSET = 1000;
