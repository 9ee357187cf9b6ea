/**
 * Nimbus: Model-View-Controller web apps on the Fetch API.
 * Everything an app needs comes from here; the demo app imports nothing else of the framework.
 */

export {
  and,
  asc,
  count,
  desc,
  eq,
  gt,
  gte,
  inArray,
  isNotNull,
  isNull,
  like,
  lt,
  lte,
  ne,
  or,
  sql,
} from "drizzle-orm";
// Columns and query helpers, so a model file needs only "nimbus-web".
export { blob, index, integer, real, text, uniqueIndex } from "drizzle-orm/sqlite-core";
export { createApiToken, hashApiToken, presentedApiToken } from "./accounts/api-token.ts";
export { type ApiTokenAuthOptions, apiTokenAuth } from "./accounts/api-token-auth.ts";
export {
  currentUserId,
  sameUser,
  setCurrentUser,
  USER_ID_KEY,
  type UserId,
} from "./accounts/current-user.ts";
export {
  type Mailer,
  MailFailed,
  type MailMessage,
  MailNotConfigured,
} from "./accounts/mail.ts";
export { type MailBindings, mailerFromEnv } from "./accounts/mail-from-env.ts";
export { type HttpMailerOptions, httpMailer } from "./accounts/mail-http.ts";
export {
  type DevelopmentOutbox,
  developmentOutbox,
  type OutboxMail,
} from "./accounts/mail-outbox.ts";
export { devOutbox } from "./accounts/mail-outbox-page.tsx";
export {
  hashPassword,
  MAX_PASSWORD_LENGTH,
  type PasswordCheck,
  PBKDF2_ITERATIONS,
  verifyPassword,
} from "./accounts/password.ts";
export { type RequireUserOptions, requireUser } from "./accounts/require-user.ts";
export { revokeUserSessions, signIn, signOut } from "./accounts/sign-in.ts";
export { DEFAULT_SIGN_IN_PATH, signInRequired } from "./accounts/sign-in-redirect.ts";
export { type AppOptions, createApp, NimbusApp } from "./app.ts";
export {
  type CachedOptions,
  type CacheRule,
  type CacheSettings,
  cached,
  cacheResponse,
  invalidate,
} from "./cache/index.ts";
export { HEALTH_PATH, type NodeEnv, type NodeLoad } from "./cluster/index.ts";
export type { SessionStore } from "./coord/session-store.ts";
export { CONSISTENCY_COOKIE, CONSISTENCY_HEADER } from "./db/consistency/token.ts";
export { type D1Options, d1 } from "./db/d1.ts";
export type { DatabaseEngine, NimbusDatabase } from "./db/database.ts";
export { type DatabaseEnv, databaseFromEnv } from "./db/from-env.ts";
export {
  type LibsqlEngine,
  type LibsqlNode,
  type LibsqlOptions,
  libsql,
  type RouteEvent,
  type RouteListener,
} from "./db/libsql.ts";
export { batch, openDatabase } from "./db/outside-request.ts";
export type {
  AnyNimbusEnv,
  NimbusBindings,
  NimbusContext,
  NimbusEnv,
  NimbusVariables,
} from "./env.ts";
export type { ParsedBody } from "./http/body.ts";
export {
  BadRequest,
  type Challenge,
  Conflict,
  type FieldErrors,
  Forbidden,
  HttpError,
  NotFound,
  Unauthorized,
  ValidationFailed,
} from "./http/errors.ts";
export { isJsonType, type MediaType, parseMediaType } from "./http/media-type.ts";
export { type ErrorFormatter, type ProblemDetails, problem } from "./http/problem.ts";
export {
  type ConstrainedModel,
  foreignKeyViolation,
  uniqueViolation,
  withDeleteConflicts,
  withUniqueErrors,
} from "./model/constraint.ts";
export { type Model, type ModelOptions, model } from "./model/model.ts";
export { table } from "./model/table.ts";
export { type ResourceFunction, resource, resourceWith } from "./resource/resource.ts";
export { formatValue } from "./resource/scaffold-views.tsx";
export type { ResourceSchema, ResourcesSchema } from "./resource/schema.ts";
export type * from "./resource/types.ts";
export {
  clientAddress,
  requestIsHttps,
  requestOrigin,
  type TrustedProxies,
} from "./security/client-address.ts";
export type { CorsOptions } from "./security/cors.ts";
export { CSRF_HEADER } from "./security/csrf.ts";
export { type ContentSecurityPolicy, DEFAULT_CSP } from "./security/headers.ts";
export { returnPath, safeReturnPath } from "./security/return-path.ts";
export {
  assertSafeUrl,
  isPublicAddress,
  type SafeFetchOptions,
  safeFetch,
  UnsafeUrlError,
} from "./security/safe-fetch.ts";
export type { Flash, Session, SessionOptions } from "./security/session.ts";
export {
  DEFAULT_IDLE_SECONDS,
  DEFAULT_MAX_AGE_SECONDS,
} from "./security/session-expiry.ts";
export {
  bearerToken,
  sentBearerToken,
  type TokenAuthOptions,
  tokenAuth,
} from "./security/token-auth.ts";
export { pluralize, singularize } from "./text/inflect.ts";
export { ButtonTo, Field, type FieldProps, Form, type FormProps, humanize } from "./view/form.tsx";
export { DefaultLayout, FlashMessage, type LayoutProps } from "./view/layout.tsx";
// Also brings `c.render(content, { title, status })`'s typing (a declaration on hono) to apps.
export type { RenderOptions } from "./view/render.tsx";
