export function readme(name: string): string {
  return `# ${name}

A Nimbus app: Model-View-Controller on the Fetch API, served by workerd
locally and on Cloudflare, with D1 (SQLite) for data.

## Run it

\`\`\`sh
npm install        # once (\`nimbus new\` did it already unless --skip-install)
npm start          # applies migrations, seeds src/seed.sql into empty tables, serves http://localhost:8787
npm test           # the tests in test/, inside workerd
npm run check      # TypeScript
\`\`\`

Use the \`nimbus\` command (from the nimbus-web package) through npx:

\`\`\`sh
npx nimbus generate scaffold Post title:string body:text published:boolean
npx nimbus generate authentication   # accounts: sign up, sign in, password reset, API tokens
npx nimbus generate scaffold Note title:string --owner   # then: records only their owner changes
npx nimbus routes            # every route, as a table
npx nimbus console           # a REPL with db and the models, on the local database
npx nimbus db status         # migrations applied and pending (also: migrate, seed, reset, sql)
npx nimbus deploy --dry-run  # bundle size against Cloudflare's limits
npx nimbus --help
\`\`\`

## Where things are

| path | what |
| --- | --- |
| src/app.ts | the app: \`createApp().resources(...)\` and routes of your own |
| src/models/ | one model a file; schema.ts lists the tables for drizzle-kit |
| src/resources/ | REST resources: seven actions, HTML and JSON (\`/posts.json\`) |
| src/views/ | pages (hono/jsx), typed from the models |
| migrations/ | SQL from \`drizzle-kit generate\`, applied by \`nimbus db migrate\` |
| test/ | tests that run inside workerd, through the app's own fetch |
| .nimbus/manifest.json | what the generators wrote, so \`nimbus destroy\` removes only untouched files |

## Deploy

\`npx wrangler d1 create ${name}\`, put its id in wrangler.toml, set \`NIMBUS_ENV = "production"\`
and \`npx wrangler secret put SESSION_SECRET\`, then \`npx nimbus db migrate --remote\` and \`npx nimbus deploy\`.
With accounts, mail for password resets: set \`MAIL_URL\` and \`MAIL_FROM\` and
\`npx wrangler secret put MAIL_TOKEN\` (or return your own Mailer from src/accounts/mailer.ts).
`;
}
