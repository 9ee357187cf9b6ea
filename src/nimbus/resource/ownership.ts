// `owner:` on a resource: who may create, change and (when scoped) see its records. The checks
// run in the framework around every action, the app's own overrides included, before any of
// the action's work: a refused request has read or written nothing on the owner's behalf.

import type { SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Context } from "hono";
import { currentUserId, sameUser, type UserId } from "../accounts/current-user.ts";
import { signInRequired } from "../accounts/sign-in-redirect.ts";
import type { NimbusEnv } from "../env.ts";
import { Forbidden, ValidationFailed } from "../http/errors.ts";
import { equals } from "./scope.ts";
import type { ActionName, AnyResource } from "./types.ts";

/** An owner rule, resolved at mount. */
export interface OwnerRuntime {
  column: string;
  sqlColumn: SQLiteColumn;
  scope: "all" | "own";
  signInPath: string | undefined;
}

export function ownerRuntime(
  resource: AnyResource,
  columns: Record<string, SQLiteColumn>,
): OwnerRuntime | undefined {
  const rule = resource.options.owner as
    | string
    | { column: string; scope?: "all" | "own"; signInPath?: string }
    | undefined;
  if (rule === undefined) return undefined;
  const spec = typeof rule === "string" ? { column: rule } : rule;
  const sqlColumn = columns[spec.column];
  if (!sqlColumn) {
    throw new Error(
      `resource("${resource.path}"): owner "${spec.column}" is not a column of the table; name the column that holds the owner's user id.`,
    );
  }
  if ((resource.model.fields as readonly string[]).includes(spec.column)) {
    throw new Error(
      `resource("${resource.path}"): owner column "${spec.column}" is one of the model's writable fields; remove it from \`fields\`: the signed-in user sets it, never the request.`,
    );
  }
  const scope = spec.scope ?? "all";
  if (scope !== "all" && scope !== "own") {
    throw new Error(`resource("${resource.path}"): owner scope must be "all" or "own".`);
  }
  return { column: spec.column, sqlColumn, scope, signInPath: spec.signInPath };
}

/** What an owner rule adds to an action that may go ahead. */
export interface OwnerGrant {
  userId: UserId | undefined;
  /** Restricts the rows the action sees to the user's own ("own" scope). */
  where: SQL | undefined;
}

/** Actions on one record that only its owner may run under an owner rule. */
const CHANGES_RECORD = new Set<OwnerAction>(["edit", "update", "destroy", "tunnel", "owned"]);
/** Actions a signed-out client may not run under an owner rule, whatever its scope. */
const NEEDS_USER = new Set<OwnerAction>(["new", "create", ...CHANGES_RECORD]);

/** True for the actions `assertOwner` guards: only the record's owner runs them. */
export function ownerOnly(action: OwnerAction): boolean {
  return CHANGES_RECORD.has(action);
}

/**
 * A default action, the form-method tunnel, one of the app's own routes, or one of them marked
 * `ownerOnly` ("owned": checked as an update is).
 */
export type OwnerAction = ActionName | "tunnel" | "custom" | "owned";

/** The user id as the owner column stores it: "7" from a token lookup is 7 in an integer column. */
function columnValue(owner: OwnerRuntime, userId: UserId): string | number {
  if (owner.sqlColumn.dataType === "number" && typeof userId === "string" && /^\d+$/.test(userId)) {
    return Number(userId);
  }
  return userId;
}

/**
 * Before an action: a signed-out client where a user is needed gets the sign-in answer (a 303
 * to sign in for browsers, returned; a 401 for JSON, thrown). A signed-in one gets the
 * condition that scopes rows to theirs, when the rule is scoped.
 */
export function ownerGate(
  owner: OwnerRuntime,
  c: Context<NimbusEnv>,
  action: OwnerAction,
  signInNext: () => string | undefined,
): Response | OwnerGrant {
  const userId = currentUserId(c);
  const needsUser = NEEDS_USER.has(action) || owner.scope === "own";
  if (userId === undefined) {
    if (needsUser) return signInRequired(c, { signInPath: owner.signInPath, next: signInNext() });
    return { userId, where: undefined };
  }
  const where =
    owner.scope === "own" ? equals(owner.sqlColumn, columnValue(owner, userId)) : undefined;
  return { userId, where };
}

/** The owner column's value for a new record: the signed-in user, never the request. */
export async function ownerOnCreate(
  owner: OwnerRuntime,
  c: Context<NimbusEnv>,
  userId: UserId,
): Promise<Record<string, string | number>> {
  await refuseOwnerInBody(owner, c, "is set to the signed-in user; leave it out of the request");
  return { [owner.column]: columnValue(owner, userId) };
}

/** Before a change to `record`: 403 unless the signed-in user owns it; the owner can't be moved. */
export async function assertOwner(
  owner: OwnerRuntime,
  c: Context<NimbusEnv>,
  record: Record<string, unknown>,
  userId: UserId | undefined,
  checkBody: boolean,
): Promise<void> {
  if (!sameUser(record[owner.column], userId)) {
    throw new Forbidden("Only its owner may change or delete this record.");
  }
  if (checkBody) await refuseOwnerInBody(owner, c, "can't be changed: it is the record's owner");
}

async function refuseOwnerInBody(owner: OwnerRuntime, c: Context<NimbusEnv>, message: string) {
  if (c.req.method === "GET") return;
  const body = await c.get("body")();
  if (Object.hasOwn(body.data, owner.column)) {
    throw new ValidationFailed({ [owner.column]: [message] });
  }
}
