import { describe, expect, it } from "vitest";
import { humanize, modelNames, pluralize } from "../../src/cli/generate/names.ts";
import { namesFromPath } from "../../src/nimbus/resource/names.ts";
import { singularize } from "../../src/nimbus/text/inflect.ts";
import { humanize as formLabel } from "../../src/nimbus/view/form.tsx";

// The generators and the framework share one inflector: a model's names agree in both.
describe("one inflector for the CLI and the framework", () => {
  it("singularizes what it pluralizes", () => {
    const words = ["person", "status", "category", "box", "church", "address", "link", "child"];
    expect(words.map((w) => singularize(pluralize(w)))).toEqual(words);
  });

  it("gives a generated resource the framework names the generator used", () => {
    for (const model of ["Person", "Status", "Category", "BlogPost", "Address"]) {
      const cli = modelNames(model);
      const framework = namesFromPath(`/${cli.plural}`);
      expect(framework.singular.replace(/-/g, " ")).toBe(cli.human);
      expect(framework.singularTitle).toBe(humanize(cli.human));
      expect(framework.title).toBe(humanize(cli.humanPlural));
    }
  });

  it('labels fields alike ("Link ID", not "Link id")', () => {
    expect(humanize("linkId")).toBe("Link ID");
    expect(formLabel("linkId")).toBe("Link ID");
    expect(namesFromPath("/people").singularTitle).toBe("Person");
    expect(namesFromPath("/statuses").singularTitle).toBe("Status");
  });
});
