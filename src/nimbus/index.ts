/**
 * Nimbus: Model-View-Controller web apps on the Fetch API.
 * Everything an app needs comes from here; the demo app imports nothing else of the framework.
 */
export { createApp, NimbusApp, type AppOptions } from "./app.ts";
export type { NimbusBindings, NimbusContext, NimbusEnv, NimbusVariables } from "./env.ts";
export { d1 } from "./db/d1.ts";
export type { DatabaseEngine, NimbusDatabase } from "./db/database.ts";
export { BadRequest, Forbidden, HttpError, NotFound, ValidationFailed, type FieldErrors } from "./http/errors.ts";
export { table } from "./model/table.ts";
export { model, type Model, type ModelOptions } from "./model/model.ts";
export { resource } from "./resource/resource.ts";
export type * from "./resource/types.ts";
export { DefaultLayout, FlashMessage, type LayoutProps } from "./view/layout.tsx";
export { ButtonTo, Field, Form, humanize, type FieldProps, type FormProps } from "./view/form.tsx";
export { formatValue } from "./resource/scaffold-views.tsx";
export type { Session, Flash } from "./security/session.ts";
// Columns and query helpers, so a model file needs only "nimbus".
export { integer, real, text, blob, index, uniqueIndex } from "drizzle-orm/sqlite-core";
export { and, asc, desc, eq, sql, count, inArray, like, or } from "drizzle-orm";
