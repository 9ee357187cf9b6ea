// Written by `nimbus generate authentication`: The account tables: users, their API tokens, password reset and email confirmation links.
// Each constant is one file of the app, as biome formats it.

/** src/models/user.ts */
export const USER_MODEL = `import { integer, model, table, text } from "nimbus-web";

/** Accounts. The email is stored lower-case, so it is unique whatever its case. */
export const users = table("users", {
  email: text().notNull().unique(),
  /** \`pbkdf2-sha256$<iterations>$<salt>$<hash>\`: the algorithm and its parameters, to upgrade later. */
  passwordHash: text().notNull(),
  /** When the user proved the address is theirs (set it when you add verification mails). */
  emailVerifiedAt: integer({ mode: "timestamp_ms" }),
});

export const User = model(users, {
  fields: ["email"],
  rules: { email: (s) => s.email().max(255) },
});
`;

/** src/models/api-token.ts */
export const API_TOKEN_MODEL = `import { index, integer, model, table, text } from "nimbus-web";
import { users } from "./user.ts";

/** Tokens for API clients (\`Authorization: Bearer\`), stored only as a SHA-256 hash. */
export const apiTokens = table(
  "api_tokens",
  {
    userId: integer()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text().notNull(),
    tokenHash: text().notNull().unique(),
    /** The token's last characters, to tell tokens apart on the account page. */
    hint: text().notNull(),
    lastUsedAt: integer({ mode: "timestamp_ms" }),
    revokedAt: integer({ mode: "timestamp_ms" }),
  },
  (t) => [index("api_tokens_user_id").on(t.userId)],
);

export const ApiToken = model(apiTokens, {
  fields: ["name"],
  rules: { name: (s) => s.min(1).max(100) },
});
`;

/**
 * A table of single-use links the app mails (the token's hash, an expiry, when it was used),
 * one per purpose: password resets and email confirmations are the same shape.
 */
function mailedLinkModel(doc: string, name: string, tableName: string): string {
  return `import { index, integer, table, text } from "nimbus-web";
import { users } from "./user.ts";

/** ${doc} */
export const ${name} = table(
  "${tableName}",
  {
    userId: integer()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tokenHash: text().notNull().unique(),
    expiresAt: integer({ mode: "timestamp_ms" }).notNull(),
    usedAt: integer({ mode: "timestamp_ms" }),
  },
  (t) => [index("${tableName}_user_id").on(t.userId)],
);
`;
}

/** src/models/password-reset.ts */
export const PASSWORD_RESET_MODEL = mailedLinkModel(
  "Password reset links: the token is mailed, only its hash is kept; one use, then expired.",
  "passwordResets",
  "password_resets",
);

/** src/models/email-verification.ts */
export const EMAIL_VERIFICATION_MODEL = mailedLinkModel(
  "Links that confirm an email address: the token is mailed, only its hash is kept.",
  "emailVerifications",
  "email_verifications",
);
