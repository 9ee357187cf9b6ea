/**
 * Rows as @libsql/client hands them out — values by index (not enumerable), by column name
 * (enumerable), a `length` — built without defining every index on every row: @libsql/client
 * defines each value twice with Object.defineProperty, which turns each row into a slow
 * dictionary object and was a third of a list page's database CPU in workerd. Here the index
 * getters live once on a prototype shared by every row of that width, and a row holds its values
 * in one hidden array.
 */
import type { Row, Value } from "@libsql/client/web";

const VALUES = Symbol("values");

type Stored = { [VALUES]: Value[] };

const prototypes = new Map<number, object>();

function prototypeOf(width: number): object {
  let proto = prototypes.get(width);
  if (proto === undefined) {
    proto = {};
    for (let i = 0; i < width; i++) {
      Object.defineProperty(proto, i, {
        get(this: Stored) {
          return this[VALUES][i];
        },
        enumerable: false,
      });
    }
    Object.defineProperty(proto, "length", { value: width });
    prototypes.set(width, proto);
  }
  return proto;
}

/** Names an own property may not take by assignment (they would clash with the shared prototype). */
function plainNames(names: string[]): boolean {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name) || name === "length" || name === "__proto__" || /^\d+$/.test(name)) {
      return false;
    }
    seen.add(name);
  }
  return true;
}

/** @libsql/client's own construction, for the odd column names the fast one does not cover. */
function exactRow(names: string[], values: Value[]): Row {
  const row = {};
  Object.defineProperty(row, "length", { value: values.length });
  for (let i = 0; i < values.length; ++i) {
    const value = values[i];
    Object.defineProperty(row, i, { value });
    const name = names[i];
    if (name !== undefined && !Object.hasOwn(row, name)) {
      Object.defineProperty(row, name, {
        value,
        enumerable: true,
        configurable: true,
        writable: true,
      });
    }
  }
  return row as Row;
}

/** A function that turns one result's value arrays into Rows for these column names. */
export function rowMaker(names: string[]): (values: Value[]) => Row {
  if (!plainNames(names)) return (values) => exactRow(names, values);
  const proto = prototypeOf(names.length);
  return (values) => {
    if (values.length !== names.length) return exactRow(names, values);
    const row = Object.create(proto) as Record<string, Value> & Stored;
    Object.defineProperty(row, VALUES, { value: values });
    for (let i = 0; i < names.length; i++) row[names[i] as string] = values[i] as Value;
    return row as unknown as Row;
  };
}
