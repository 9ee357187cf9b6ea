// Before measuring: every target answers each scenario, and with the same bytes as Nimbus.
import type { ScenarioName } from "../scenarios.ts";
import { SHOW_ID } from "../scenarios.ts";
import type { TargetName } from "../targets/target.ts";

export interface SameWork {
  hello: { status: number; bytes: number; same_as_nimbus: boolean | null };
  page: { status: number; bytes: number; same_as_nimbus: boolean | null };
  show: { status: number; bytes: number; same_as_nimbus: boolean | null };
  create: { status: number; keys: string; same_as_nimbus: boolean | null };
}

async function get(url: string): Promise<{ status: number; body: string; bytes: number }> {
  const res = await fetch(url);
  const buffer = Buffer.from(await res.arrayBuffer());
  return { status: res.status, body: buffer.toString("utf8"), bytes: buffer.byteLength };
}

async function postLink(url: string): Promise<{ status: number; keys: string }> {
  const res = await fetch(`${url}/links.json`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      title: "Same-work check",
      url: "https://bench.example/same-work-check",
      description: "Inserted once before measuring, on every target alike.",
    }),
  });
  const body = (await res.json().catch(() => ({}))) as { data?: Record<string, unknown> };
  return { status: res.status, keys: Object.keys(body.data ?? {}).join(",") };
}

/** Reads hello, page and show, then creates one link (the same one on every target). */
export async function checkTarget(
  url: string,
): Promise<{ result: SameWork; bodies: Record<string, string> }> {
  const hello = await get(`${url}/hello`);
  const page = await get(`${url}/links`);
  const show = await get(`${url}/links/${SHOW_ID}.json`);
  const create = await postLink(url);
  return {
    result: {
      hello: { status: hello.status, bytes: hello.bytes, same_as_nimbus: null },
      page: { status: page.status, bytes: page.bytes, same_as_nimbus: null },
      show: { status: show.status, bytes: show.bytes, same_as_nimbus: null },
      create: { status: create.status, keys: create.keys, same_as_nimbus: null },
    },
    bodies: { hello: hello.body, page: page.body, show: show.body, create: create.keys },
  };
}

/** Each visitor gets a fresh CSRF token (a UUID) in the page's forms: equal bytes, other values. */
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const comparable = (body: string | undefined) => body?.replace(UUID, "<uuid>");

/** Fills in same_as_nimbus by comparing each target's bodies with Nimbus's, tokens aside. */
export function compareWithNimbus(
  checks: Map<TargetName, { result: SameWork; bodies: Record<string, string> }>,
): void {
  const nimbus = checks.get("nimbus");
  if (!nimbus) return;
  for (const check of checks.values()) {
    for (const key of ["hello", "page", "show", "create"] as const) {
      check.result[key].same_as_nimbus =
        comparable(check.bodies[key]) === comparable(nimbus.bodies[key]);
    }
  }
}

const EXPECTED: Record<string, number> = { hello: 200, page: 200, show: 200, create: 201 };

/** A target is measured on a scenario only if it answered that scenario's check as expected. */
export function answers(check: SameWork | undefined, scenario: ScenarioName): boolean {
  if (!check || !(scenario in check)) return false;
  return check[scenario as keyof SameWork].status === EXPECTED[scenario];
}
