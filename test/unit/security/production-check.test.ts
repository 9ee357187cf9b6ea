import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { assertProductionReady, productionProblems } from "../../../src/cli/production-check.ts";
import { readWranglerToml } from "../../../src/cli/project.ts";
import { wranglerToml } from "../../../src/cli/templates/config.ts";

describe("production bundles refuse development defaults", () => {
  it("the demo's and a new app's wrangler.toml hold no development switch and no secret", () => {
    for (const text of [readFileSync("wrangler.toml", "utf8"), wranglerToml("blog")]) {
      const { vars } = readWranglerToml(text);
      expect(vars.NIMBUS_ENV).toBeUndefined();
      expect(productionProblems(vars)).toEqual([]);
    }
  });

  it("refuses development mode, secrets in [vars], and a missing SESSION_SECRET", () => {
    const problems = productionProblems(
      { NIMBUS_ENV: "development", EDITOR_PASSWORD: "nimbus-editor" },
      [],
    );
    expect(problems).toHaveLength(3);
    expect(problems.join("\n")).toMatch(/NIMBUS_ENV/);
    expect(problems.join("\n")).toMatch(/EDITOR_PASSWORD/);
    expect(problems.join("\n")).toMatch(/No SESSION_SECRET/);
    expect(() => assertProductionReady({}, ["OTHER"])).toThrow(/Refusing to build/);
    expect(() => assertProductionReady({}, ["SESSION_SECRET"])).not.toThrow();
  });
});
