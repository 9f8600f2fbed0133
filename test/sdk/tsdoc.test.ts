// What an editor shows on hover: every input and output of each resource, and every field of a
// MigrationPlan, has TSDoc. Read with the TypeScript checker over the SDK's sources, as an editor does.
import * as assert from "assert";
import * as path from "path";
import * as ts from "typescript";

const ROOT = path.resolve(__dirname, "../..");

/** type or class name → the names of its properties that have no documentation comment */
function undocumented(file: string, typeNames: string[]): Record<string, string[]> {
  const program = ts.createProgram([path.join(ROOT, file)], { strict: true, target: ts.ScriptTarget.ES2022 });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(path.join(ROOT, file))!;
  const exports = checker.getExportsOfModule(checker.getSymbolAtLocation(source)!);
  const out: Record<string, string[]> = {};
  for (const name of typeNames) {
    const sym = exports.find((s) => s.name === name);
    assert.ok(sym, `${file} exports no ${name}`);
    const target = sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym;
    const type = checker.getDeclaredTypeOfSymbol(target);
    const props = checker.getPropertiesOfType(type).filter((p) => {
      // the class's own outputs, not what pulumi.CustomResource declares (urn, id, …)
      const decl = p.valueDeclaration ?? p.declarations?.[0];
      return decl !== undefined && !decl.getSourceFile().fileName.includes("node_modules");
    });
    assert.ok(props.length > 0, `${name}: no properties found`);
    out[name] = props
      .filter((p) => ts.displayPartsToString(p.getDocumentationComment(checker)).trim() === "")
      .map((p) => p.name);
  }
  return out;
}

const withMissing = (found: Record<string, string[]>) =>
  Object.fromEntries(Object.entries(found).filter(([, missing]) => missing.length > 0));

describe("sdk: TSDoc on every input and output (what a hover shows)", function () {
  this.timeout(120_000);

  it("V2vMigration, OvaPackage, V2vConversionHost and VCenter: every argument and every output property", () => {
    const found = {
      ...undocumented("sdk/v2v-migration.ts", ["V2vMigrationArgs", "V2vMigration"]),
      ...undocumented("sdk/ova-package.ts", ["OvaPackageArgs", "OvaPackage"]),
      ...undocumented("sdk/v2v-conversion-host.ts", ["V2vConversionHostArgs", "V2vConversionHost"]),
      ...undocumented("sdk/vcenter.ts", ["VCenterArgs", "VCenter"]),
    };
    assert.deepStrictEqual(withMissing(found), {}, "properties without TSDoc");
  });

  it("MigrationPlan: its arguments, defaults and entries", () => {
    const found = undocumented("sdk/migration-plan.ts", ["MigrationPlanArgs", "MigrationPlanEntry", "MigrationPlan"]);
    assert.deepStrictEqual(withMissing(found), {}, "properties without TSDoc");
  });
});
