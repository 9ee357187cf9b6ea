import type {
  AnyModel,
  AnyResource,
  CollectionPath,
  InputOf,
  MemberPath,
  PageMeta,
  ParamsOf,
  Resource,
} from "./types.ts";

// biome-ignore lint/complexity/noBannedTypes: Hono's own "no input" type
type NoInput = {};
type ParamInput<P extends string> = keyof ParamsOf<P> extends never
  ? NoInput
  : { param: ParamsOf<P> };

// A type, not an interface: Hono's Schema has index signatures, which interfaces don't satisfy.
type JsonEndpoint<Input, Output, Status extends number> = {
  input: Input;
  output: Output;
  outputFormat: "json";
  status: Status;
};

type ListQuery = { query?: Record<string, string | string[]> };

/** The body of one record and of a list, as the envelope makes them. */
type OneBody<Out, Wrap, One> = [One] extends [never]
  ? Wrap extends "data"
    ? { data: Out }
    : Record<string, Out>
  : One;
type ManyBody<Out, Wrap, Many> = [Many] extends [never]
  ? Wrap extends "data"
    ? { data: Out[]; meta: PageMeta }
    : Record<string, Out[] | PageMeta>
  : Many;

type RoutesOf<M extends AnyModel, C extends string, Mem extends string, One, Many> = {
  [P in C]: {
    $get: JsonEndpoint<ParamInput<P> & ListQuery, Many, 200>;
    $post: JsonEndpoint<ParamInput<P> & { json: InputOf<M> }, One, 201>;
  };
} & {
  [P in Mem]: {
    $get: JsonEndpoint<ParamInput<P>, One, 200>;
    $patch: JsonEndpoint<ParamInput<P> & { json: Partial<InputOf<M>> }, One, 200>;
    $put: JsonEndpoint<ParamInput<P> & { json: Partial<InputOf<M>> }, One, 200>;
    $delete: { input: ParamInput<P>; output: NoInput; outputFormat: "body"; status: 204 };
  };
};

/**
 * The Hono route types of one resource, so Hono's typed client (`hc`) can call its JSON API:
 * paths as declared, params, the create/update body, and the default `{ data }` envelope.
 */
export type ResourceSchema<R> =
  R extends Resource<
    infer M,
    infer Path extends string,
    infer Key extends string,
    infer _E,
    infer Out,
    infer Wrap,
    infer One,
    infer Many
  >
    ? RoutesOf<
        M,
        CollectionPath<Path, Key>,
        MemberPath<Path, Key>,
        OneBody<Out, Wrap, One>,
        ManyBody<Out, Wrap, Many>
      >
    : never;

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (
  x: infer I,
) => void
  ? I
  : never;

/** The route types of a list of resources, together. */
export type ResourcesSchema<R extends readonly AnyResource[]> = UnionToIntersection<
  ResourceSchema<R[number]>
>;
