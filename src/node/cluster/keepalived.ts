/**
 * keepalived.conf for a pair (or more) of HAProxy gateways sharing one virtual address (VRRPv3).
 * keepalived does the election and the address move; Nimbus only writes its configuration.
 */

/** One gateway's part in a VRRP group. */
export interface KeepalivedOptions {
  /** This gateway's name (router_id), e.g. "gw1". */
  name: string;
  /** The interface that carries the virtual address, e.g. "eth0". */
  interface: string;
  /** This gateway's own address on that interface (the adverts' source). */
  address: string;
  /** The other gateways' addresses: adverts go to them by unicast (no multicast needed). */
  peers: readonly string[];
  /** The shared address with its prefix, e.g. "10.0.0.100/24". */
  virtualAddress: string;
  /** Higher wins; the first gateway of a plan gets the highest. 1–254. */
  priority: number;
  /** 1–255, the same on every gateway of the group and unique on the network segment. */
  virtualRouterId: number;
  /** Seconds between adverts; VRRPv3 allows centiseconds. Default 0.2 (takeover in ~0.7 s). */
  advertInterval?: number;
  /**
   * A command that exits 0 while this gateway's HAProxy serves (see haproxyHealthCheck); after
   * three failures in a row the gateway gives up the address. None: the address follows
   * keepalived alone.
   */
  healthCheck?: string;
}

/** A VRRP advert interval keepalived accepts for VRRPv3 (seconds, centisecond steps). */
function advertInterval(seconds: number): string {
  if (!(seconds >= 0.01 && seconds <= 40.95))
    throw new Error(`advert interval ${seconds} s is outside VRRPv3's 0.01–40.95 s`);
  return String(Math.round(seconds * 100) / 100);
}

/** A shell command keepalived runs to see whether the local HAProxy answers. */
export function haproxyHealthCheck(port: number): string {
  // bash's /dev/tcp: no curl needed on the gateway; connects to HAProxy's monitor frontend.
  return `/bin/bash -c 'exec 3<>/dev/tcp/127.0.0.1/${port}'`;
}

/** The keepalived.conf text for one gateway. */
export function keepalivedConfig(options: KeepalivedOptions): string {
  if (!(options.priority >= 1 && options.priority <= 254))
    throw new Error(`VRRP priority ${options.priority} is outside 1–254`);
  if (!(Number.isInteger(options.virtualRouterId) && options.virtualRouterId >= 1))
    throw new Error(`virtual_router_id ${options.virtualRouterId} is outside 1–255`);
  if (options.virtualRouterId > 255)
    throw new Error(`virtual_router_id ${options.virtualRouterId} is outside 1–255`);
  const check = options.healthCheck;
  const lines = [
    `# Nimbus gateway ${options.name}: shares ${options.virtualAddress} with ${options.peers.join(", ") || "no peer"}.`,
    "global_defs {",
    `  router_id ${options.name}`,
    "  vrrp_version 3",
    "  enable_script_security",
    "  script_user root",
    // Announce the takeover at once and again a second later, so switches and clients relearn.
    "  vrrp_garp_master_delay 1",
    "  vrrp_garp_master_repeat 3",
    // Sub-second adverts must not wait behind a busy CPU: a late advert makes the backup take
    // over (a needless move that resets connections). Real-time scheduling for VRRP only.
    "  vrrp_rt_priority 50",
    "  vrrp_no_swap",
    "}",
  ];
  if (check) {
    lines.push(
      "vrrp_script nimbus_haproxy {",
      `  script "${check.replaceAll('"', '\\"')}"`,
      "  interval 1",
      "  timeout 2",
      "  fall 3",
      "  rise 2",
      "}",
    );
  }
  lines.push(
    "vrrp_instance nimbus_gateway {",
    // Every gateway starts as BACKUP: the election, not the file, decides who holds the address;
    // nopreempt: a gateway that comes back does not take the address back (one move, not two).
    "  state BACKUP",
    "  nopreempt",
    `  interface ${options.interface}`,
    `  virtual_router_id ${options.virtualRouterId}`,
    `  priority ${options.priority}`,
    `  advert_int ${advertInterval(options.advertInterval ?? 0.2)}`,
    `  unicast_src_ip ${options.address}`,
    "  unicast_peer {",
    ...options.peers.map((peer) => `    ${peer}`),
    "  }",
    "  virtual_ipaddress {",
    `    ${options.virtualAddress} dev ${options.interface}`,
    "  }",
  );
  if (check) lines.push("  track_script {", "    nimbus_haproxy", "  }");
  lines.push("}", "");
  return lines.join("\n");
}
