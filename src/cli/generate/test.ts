import type { FieldSpec } from "./fields.ts";
import { type ModelNames, snakeCase } from "./names.ts";
import { formSample, invalidSample, jsonSample } from "./samples.ts";

/** A row of a referenced table, inserted with SQL: the test needs one to point at, not its pages. */
function parentFactory(target: ModelNames, parentFields: readonly FieldSpec[]): string[] {
  const required = parentFields.filter((field) => field.required && field.default === undefined);
  const columns = [...required.map((field) => snakeCase(field.name)), "created_at", "updated_at"];
  const values = [...required.map(sqlValue), "now", "now"];
  const marks = columns.map(() => "?").join(", ");
  return [
    `async function create${target.model}(): Promise<{ id: number }> {`,
    "  const now = Date.now();",
    "  const row = await env.DB.prepare(",
    `    "INSERT INTO ${target.table} (${columns.join(", ")}) VALUES (${marks}) RETURNING id",`,
    "  )",
    `    .bind(${values.join(", ")})`,
    "    .first<{ id: number }>();",
    `  if (!row) throw new Error("could not insert a ${target.human}");`,
    "  return row;",
    "}",
  ];
}

/** How SQLite stores a sample: booleans and dates as integers, JSON as text. */
function sqlValue(field: FieldSpec): string {
  if (field.type === "boolean") return "1";
  if (field.type === "datetime") return "now";
  if (field.type === "json") return `'{"n":1}'`;
  if (field.type === "references") return "1";
  const sample = jsonSample(field, 1);
  // Each test inserts its own parent: a unique column needs a new value every time.
  if (field.unique && (field.type === "string" || field.type === "text"))
    return `\`${JSON.parse(sample)} \${crypto.randomUUID()}\``;
  return sample;
}

/** The entries of an object literal, one a line, as biome keeps an object written that way. */
function entries(list: readonly string[], indent: string): string[] {
  return list.map((entry) => `${indent}${entry},`);
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * test/posts.test.ts: the resource inside workerd, as JSON and through its HTML forms (CSRF token
 * and session cookie included): create, a validation error, list, edit and delete. An `owned`
 * resource's tests write as signed-in users (test/support/accounts.ts, from `generate
 * authentication`) and check that another user gets 403 and a signed-out client 401.
 */
export function testFile(
  names: ModelNames,
  fields: readonly FieldSpec[],
  parents: ReadonlyMap<string, readonly FieldSpec[]>,
  api = false,
  owned = false,
): string {
  // The client that writes: anyone, or the owner with an API token.
  const writer = owned ? "ownerApi" : "api";
  const asOwner = owned ? ["    const ownerApi = apiAs(await createTestUser());"] : [];
  const newBrowser = owned
    ? "    const browser = await signedInBrowser(await createTestUser());"
    : "    const browser = new Browser();";
  const path = `/${names.plural}`;
  const member = `\`${path}/\${data.id}\``;
  const [first] = fields;
  if (!first) throw new Error("a resource needs at least one field");
  const targets = [
    ...new Map(
      fields.flatMap((field) =>
        field.target ? [[field.target.model, field.target] as const] : [],
      ),
    ).values(),
  ];
  const invalid = invalidSample(fields);
  const lines: string[] = [];
  if (targets.length > 0) lines.push('import { env } from "cloudflare:workers";');
  lines.push('import { describe, expect, it } from "vitest";');
  if (owned) {
    const helpers = api ? "apiAs, createTestUser" : "apiAs, createTestUser, signedInBrowser";
    lines.push(`import { ${helpers} } from "./support/accounts.ts";`);
  }
  lines.push(
    api || owned
      ? 'import { api } from "./support/browser.ts";'
      : 'import { api, Browser } from "./support/browser.ts";',
    "",
  );
  for (const target of targets)
    lines.push(...parentFactory(target, parents.get(target.model) ?? []), "");
  const setup = targets.map(
    (target) => `    const ${target.variable} = await create${target.model}();`,
  );
  lines.push(
    `describe("${names.humanPlural} as JSON", () => {`,
    `  it("creates, lists, updates and deletes a ${names.human}", async () => {`,
    ...setup,
    ...asOwner,
    `    const created = await ${writer}("${path}", "POST", {`,
    ...entries(
      fields.map((field) => `${field.name}: ${jsonSample(field, 1)}`),
      "      ",
    ),
    "    });",
    "    expect(created.status).toBe(201);",
    "    const { data } = (await created.json()) as { data: { id: number } };",
    "",
    `    const list = (await (await api("${path}")).json()) as { data: { id: number }[] };`,
    "    expect(list.data.map((row) => row.id)).toContain(data.id);",
    "",
    `    const updated = await ${writer}(${member}, "PATCH", { ${first.name}: ${jsonSample(first, 2)} });`,
    "    expect(updated.status).toBe(200);",
    `    expect(await updated.json()).toMatchObject({ data: { ${first.name}: ${jsonSample(first, 2)} } });`,
    "",
    `    expect((await ${writer}(${member}, "DELETE")).status).toBe(204);`,
    `    expect((await api(${member})).status).toBe(404);`,
    "  });",
    "",
    `  it("refuses an invalid ${names.human} with 422 and the field's errors", async () => {`,
    ...asOwner,
    `    const response = await ${writer}("${path}", "POST", { ${invalid.field}: ${invalid.json} });`,
    "    expect(response.status).toBe(422);",
    `    expect(await response.json()).toMatchObject({ errors: { ${invalid.field}: [expect.any(String)] } });`,
    "  });",
  );
  if (owned) {
    lines.push(
      "",
      `  it("lets only its owner change a ${names.human}: 403 for another user, 401 signed out", async () => {`,
      ...setup,
      ...asOwner,
      "    const otherApi = apiAs(await createTestUser());",
      `    const created = await ownerApi("${path}", "POST", {`,
      ...entries(
        fields.map((field) => `${field.name}: ${jsonSample(field, 5)}`),
        "      ",
      ),
      "    });",
      "    const { data } = (await created.json()) as { data: { id: number } };",
      `    const edit = { ${first.name}: ${jsonSample(first, 6)} };`,
      `    expect((await otherApi(${member}, "PATCH", edit)).status).toBe(403);`,
      `    expect((await otherApi(${member}, "DELETE")).status).toBe(403);`,
      `    expect((await api(${member}, "DELETE")).status).toBe(401);`,
      `    expect(await (await api(${member})).json()).toMatchObject({ data: { id: data.id } });`,
      "  });",
    );
  }
  lines.push("});");
  if (api) {
    lines.push(
      "",
      `describe("${names.humanPlural} as an API", () => {`,
      `  it("answers JSON to a browser too, and has no form pages", async () => {`,
      `    const list = await api("${path}", "GET", undefined, { Accept: "text/html" });`,
      '    expect(list.headers.get("Content-Type")).toContain("application/json");',
      `    expect((await api("${path}/new")).status).toBe(404);`,
      "  });",
      "});",
    );
    return `${lines.join("\n")}\n`;
  }
  lines.push(
    "",
    `describe("${names.humanPlural} as pages", () => {`,
    `  it("creates a ${names.human} from the form, lists, edits and deletes it", async () => {`,
    ...setup,
    newBrowser,
    `    const _csrf = await browser.csrfFrom("${path}/new");`,
    `    const created = await browser.submit("${path}", {`,
    "      _csrf,",
    ...entries(
      fields.map((field) => `${field.name}: ${formSample(field, 3)}`),
      "      ",
    ),
    "    });",
    "    expect(created.status).toBe(303);",
    '    const location = created.headers.get("Location") ?? "";',
    `    expect((await browser.page(location)).html).toContain("${capitalize(names.human)} was created.");`,
    `    expect((await browser.page("${path}")).html).toContain(\`href="\${location}"\`);`,
    "",
    "    const edited = await browser.submit(location, {",
    "      _csrf,",
    '      _method: "PATCH",',
    `      ${first.name}: ${formSample(first, 4)},`,
    "    });",
    "    expect(edited.status).toBe(303);",
    `    expect(await (await api(location)).json()).toMatchObject({ data: { ${first.name}: ${jsonSample(first, 4)} } });`,
    "",
    '    const deleted = await browser.submit(location, { _csrf, _method: "DELETE" });',
    "    expect(deleted.status).toBe(303);",
    "    expect((await browser.page(location)).res.status).toBe(404);",
    "  });",
    "",
    `  it("shows the form again with the message for an invalid ${names.human}", async () => {`,
    newBrowser,
    `    const _csrf = await browser.csrfFrom("${path}/new");`,
    `    const response = await browser.submit("${path}", { _csrf, ${invalid.field}: ${invalid.form} });`,
    "    expect(response.status).toBe(422);",
    `    expect(await response.text()).toContain('class="error"');`,
    "  });",
    "});",
  );
  return `${lines.join("\n")}\n`;
}
