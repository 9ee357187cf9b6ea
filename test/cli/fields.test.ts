import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/cli/errors.ts";
import {
  FIELD_TYPES,
  parseField,
  parseFields,
  parseUniqueGroups,
} from "../../src/cli/generate/fields.ts";
import { modelNames, pluralize } from "../../src/cli/generate/names.ts";

function usageError(attempt: () => unknown): UsageError {
  try {
    attempt();
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error("expected a UsageError");
}

describe("parseField", () => {
  it("reads name, type and modifiers; the type defaults to string", () => {
    expect(parseField("title")).toMatchObject({ name: "title", type: "string", required: false });
    expect(parseField("title:string:required:unique:index")).toMatchObject({
      name: "title",
      required: true,
      unique: true,
      index: true,
      source: "title:string:required:unique:index",
    });
  });

  it("turns snake_case names into camelCase keys", () => {
    expect(parseField("published_at:datetime").name).toBe("publishedAt");
  });

  it("makes a reference a foreign key column named after the model", () => {
    const field = parseField("author:references");
    expect(field.name).toBe("authorId");
    expect(field.target).toMatchObject({ model: "Author", tableConst: "authors", file: "author" });
  });

  it("references a model named otherwise than the field: author:references{User}", () => {
    const field = parseField("author:references{user}:required");
    expect(field.name).toBe("authorId");
    expect(field.target).toMatchObject({ model: "User", tableConst: "users", file: "user" });
    expect(field.source).toBe("author:references{User}:required");
    expect(() => parseField("author:references{}")).toThrow(UsageError);
  });

  it("reads composite unique groups by field name, given or in code", () => {
    const fields = parseFields(["voter:references{User}", "link:references", "note:text"]);
    expect(parseUniqueGroups("voter,link; note,linkId", fields)).toEqual([
      ["voterId", "linkId"],
      ["note", "linkId"],
    ]);
    expect(usageError(() => parseUniqueGroups("voter", fields)).message).toContain("two or more");
    expect(usageError(() => parseUniqueGroups("voter,nope", fields)).message).toContain(
      '"nope" is not one of the fields',
    );
  });

  it("writes defaults as code for their type", () => {
    expect(parseField("views:integer:default=0").default).toBe("0");
    expect(parseField("draft:boolean:default=true").default).toBe("true");
    expect(parseField("state:string:default=draft").default).toBe('"draft"');
    expect(parseField("at:datetime:default=now").default).toBe("now");
    expect(parseField("meta:json:default={}").default).toBe("{}");
    expect(parseField("score:real:default=.5").default).toBe("0.5");
  });

  it("refuses an unknown type and lists the valid ones", () => {
    const error = usageError(() => parseField("title:strng"));
    expect(error.message).toBe('"title:strng": unknown field type "strng".');
    expect(error.hint).toBe(`Valid types: ${FIELD_TYPES.join(", ")}.`);
    expect(error.hint).toBe(
      "Valid types: string, text, integer, real, boolean, datetime, json, references.",
    );
  });

  it("refuses unknown modifiers, bad defaults, bad names and the conventional columns", () => {
    expect(usageError(() => parseField("title:string:requird")).hint).toContain(
      "required, unique, index, default=<value>",
    );
    expect(usageError(() => parseField("views:integer:default=many")).message).toContain(
      "not an integer",
    );
    expect(usageError(() => parseField("on:boolean:default=yes")).message).toContain(
      "true or false",
    );
    expect(usageError(() => parseField("meta:json:default={")).message).toContain("valid JSON");
    expect(usageError(() => parseField("at:datetime:default=today")).message).toContain('"now"');
    expect(usageError(() => parseField("author:references:default=1")).message).toContain(
      "no default",
    );
    expect(usageError(() => parseField("1st:string")).message).toContain("not a field name");
    expect(usageError(() => parseField("created_at:datetime")).message).toContain(
      "every model has already",
    );
  });

  it("refuses a field given twice", () => {
    expect(usageError(() => parseFields(["title", "title:text"])).message).toBe(
      'Field "title" is given twice.',
    );
  });
});

describe("model names", () => {
  it("derives every name from the class name", () => {
    expect(modelNames("BlogPost")).toEqual({
      model: "BlogPost",
      variable: "blogPost",
      tableConst: "blogPosts",
      table: "blog_posts",
      file: "blog-post",
      plural: "blog-posts",
      human: "blog post",
      humanPlural: "blog posts",
      resourceConst: "blogPostResource",
    });
    expect(modelNames("post").model).toBe("Post");
    expect(modelNames("blog_post").model).toBe("BlogPost");
  });

  it("pluralizes English nouns", () => {
    expect(["post", "category", "box", "church", "day", "person"].map(pluralize)).toEqual([
      "posts",
      "categories",
      "boxes",
      "churches",
      "days",
      "people",
    ]);
  });

  it("refuses names that can't be identifiers", () => {
    expect(usageError(() => modelNames("2fast")).message).toBe('"2fast" is not a model name.');
  });
});
