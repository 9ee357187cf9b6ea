// The edits that plug accounts into an app's own files (app.ts, worker.ts, wrangler.toml):
// each idempotent, each leaving the file alone, with a note, when it is not shaped as expected.
import { COORD_WORKER_EXPORT, COORD_WRANGLER_LINES } from "../../../nimbus/coord/setup-lines.ts";
import { addImport } from "../register.ts";

export const ROUTES_IMPORT = 'import { accounts } from "./accounts/routes.ts";';
export const OPTIONS_IMPORT = 'import { withAccounts } from "./accounts/options.ts";';
const MOUNT_COMMENT =
  "// Sign up, sign in, password reset and API tokens (`npx nimbus generate authentication`).";

/** An edited file's text, and what the user must still do by hand. */
export interface Wired {
  text: string;
  manual: string[];
}

/**
 * app.ts: `createApp()` gets the accounts' options (sessions in nimbus/coord, API tokens) and
 * the account routes are mounted after the app is made.
 */
export function wireApp(source: string): Wired {
  const manual: string[] = [];
  let text = addImport(source, ROUTES_IMPORT, "./accounts/routes.ts");
  text = addImport(text, OPTIONS_IMPORT, "./accounts/options.ts");
  if (!/createApp(<[^>]*>)?\(withAccounts\)/.test(text)) {
    const bare = /createApp(<[^>]*>)?\(\)/.exec(text);
    if (bare) {
      const at = bare.index + bare[0].length - 1;
      text = `${text.slice(0, at)}withAccounts${text.slice(at)}`;
    } else {
      manual.push(
        "app.ts: pass the accounts' options to createApp: createApp({ ...withAccounts, /* yours */ })",
      );
    }
  }
  const app = /export const (\w+)\s*=\s*createApp\b/.exec(text)?.[1];
  if (!app) {
    manual.push('app.ts: mount the account pages on your app: app.route("/", accounts)');
  } else if (!text.includes(`${app}.route("/", accounts)`)) {
    text = `${text.trimEnd()}\n\n${MOUNT_COMMENT}\n${app}.route("/", accounts);\n`;
  }
  return { text, manual };
}

/** worker.ts: nimbus/coord's Durable Object classes, which wrangler.toml binds. */
export function wireWorker(source: string): Wired {
  if (/\bNimbusCoordinator\b/.test(source)) return { text: source, manual: [] };
  const lines = source.split("\n");
  const lastImport = lines.reduce((last, line, i) => (line.startsWith("import ") ? i : last), -1);
  lines.splice(
    lastImport + 1,
    0,
    "",
    "// nimbus/coord's Durable Objects (bound in wrangler.toml): sessions and rate limits.",
    COORD_WORKER_EXPORT,
  );
  return { text: lines.join("\n").replace(/\n{3,}/g, "\n\n"), manual: [] };
}

const COORD_CONFIG = `
# Coordination (nimbus/coord): server-side sessions, rate limits, counters, locks, jobs, rooms.
${COORD_WRANGLER_LINES}
`;

/** wrangler.toml: the coordinator's Durable Object binding, unless the app has it already. */
export function wireWrangler(source: string): Wired {
  if (/name\s*=\s*"NIMBUS_COORDINATOR"/.test(source)) return { text: source, manual: [] };
  if (/\[\[migrations\]\]/.test(source)) {
    return {
      text: source,
      manual: [
        'wrangler.toml: bind NIMBUS_COORDINATOR to class "NimbusCoordinator" and add the class to a new [[migrations]] tag (new_sqlite_classes)',
      ],
    };
  }
  return { text: `${source.trimEnd()}\n${COORD_CONFIG}`, manual: [] };
}
