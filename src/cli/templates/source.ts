export function appFile(): string {
  return `import { createApp } from "nimbus-web";

/** The app: its resources (\`npx nimbus generate scaffold\` adds them) and routes of its own. */
export const app = createApp().get("/", (c) => c.text("Hello from Nimbus!"));
`;
}

export function workerFile(): string {
  return `import { app } from "./app.ts";

export default app;
`;
}

export function schemaFile(): string {
  return `// Every table of the app, for drizzle-kit to generate migrations from.
// \`npx nimbus generate model\` adds a line for each model.
`;
}

export function seedFile(): string {
  return `-- Rows for a fresh local database: \`npx nimbus db seed\`, and \`npm start\` when the tables are empty.
-- Make it safe to run twice with fixed ids and INSERT OR IGNORE, e.g.
-- INSERT OR IGNORE INTO posts (id, title, created_at, updated_at) VALUES (1, 'Hello', 0, 0);
`;
}

/** drizzle-kit's journal before the first migration: it appends an entry for each one. */
export function journalFile(): string {
  return `${JSON.stringify({ version: "7", dialect: "sqlite", entries: [] }, null, 2)}`;
}
