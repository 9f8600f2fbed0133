/**
 * The plugin's schema is derived from the input tables and their interfaces: every table input is an
 * input property, every declared output a property, the secrets are the tables' secrets, the
 * functions are the lookups, the config the config table. And the schema the plugin serves (the
 * committed zstack-schema.json) is the one generated from the sources now.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { CONFIG_VARIABLES } from "../../../../provider/core/config";
import { PLUGIN_RESOURCES, token } from "../../../../provider/hosts/plugin/resources";
import { generateSchema, packageRoot } from "../../../../provider/hosts/plugin/schema";
import { LOOKUP_FUNCTIONS } from "../../../../provider/lookups/lookups";
import { Validator } from "../../../../provider/core/validation";
import { V2V_MESSAGE } from "../../../../provider/v2v-migration/inputs";
import { validateInputs } from "../../../../provider/v2v-migration/validate";

type Props = Record<string, { secret?: boolean; description?: string; $ref?: string; type?: string }>;
interface ResourceSpec {
  inputProperties: Props;
  properties: Props;
  requiredInputs?: string[];
  required?: string[];
  description: string;
  isComponent?: boolean;
}

describe("plugin schema (generated from the input tables)", function () {
  this.timeout(120_000);
  let schema: {
    resources: Record<string, ResourceSpec>;
    functions: Record<string, { inputs: { properties: Props }; outputs: { properties: Props } }>;
    types: Record<string, { type: string; enum?: { value: string }[]; properties?: Props }>;
    config: { variables: Props };
    provider: { inputProperties: Props };
  };
  before(() => {
    schema = generateSchema() as never;
  });

  for (const r of PLUGIN_RESOURCES) {
    it(`${r.name}: the inputs are the table's, the outputs the table's and the output list, secrets marked`, () => {
      const res = schema.resources[token(r.name)];
      assert.ok(res, `no resource ${token(r.name)}`);
      assert.deepStrictEqual(Object.keys(res.inputProperties).sort(), [...r.inputs.names].sort());
      assert.deepStrictEqual(
        Object.keys(res.properties).sort(),
        [...new Set([...r.inputs.names, ...r.outputs])].sort(),
      );
      const secret = (p: Props) => Object.keys(p).filter((k) => p[k].secret);
      assert.deepStrictEqual(secret(res.inputProperties).sort(), [...r.inputs.secrets].sort());
      assert.deepStrictEqual(secret(res.properties).sort(), [...r.inputs.secrets].sort());
      assert.ok(res.description.length > 40, "the resource has its TSDoc as description");
      const undocumented = Object.keys(res.inputProperties).filter((k) => !res.inputProperties[k].description);
      assert.deepStrictEqual(undocumented, [], "every input has its TSDoc as description");
    });
  }

  it("V2vMigration: enums, required inputs and literal defaults come from the interface's types and TSDoc", () => {
    const m = schema.resources["zstack:index:V2vMigration"];
    assert.deepStrictEqual(m.requiredInputs, ["name", "primaryStorageUuid", "l3NetworkUuids"]);
    const platform = schema.types[m.inputProperties.platform.$ref!.replace("#/types/", "")];
    assert.deepStrictEqual(
      platform.enum!.map((e) => e.value),
      ["Linux", "Windows", "WindowsVirtio", "Paravirtualization", "Other"],
    );
    assert.strictEqual((m.inputProperties.waitForCompletion as { default?: unknown }).default, true);
    assert.strictEqual((m.inputProperties.allowRemigration as { default?: unknown }).default, false);
    const timeouts = schema.types[m.inputProperties.timeouts.$ref!.replace("#/types/", "")];
    assert.strictEqual((timeouts.properties!.create as { default?: unknown }).default, "24h");
  });

  it("V2vMigration: a number is an integer exactly where check refuses a fraction as not an int or long", () => {
    const m = schema.resources["zstack:index:V2vMigration"];
    const numeric = Object.keys(m.inputProperties).filter((k) =>
      ["number", "integer"].includes(m.inputProperties[k].type ?? ""),
    );
    assert.ok(numeric.length >= 4, `numeric inputs: ${numeric.join(", ")}`);
    for (const k of numeric) {
      const v = new Validator({ [k]: 1.5 }, V2V_MESSAGE);
      validateInputs(v, true);
      const refused = v.failures.some((f) => f.property === k && /int or long/.test(f.reason));
      assert.strictEqual(m.inputProperties[k].type, refused ? "integer" : "number", k);
    }
  });

  it("integers: the same names elsewhere (outputs, the plan's inputs and entries, VCenter's port); other numbers stay numbers", () => {
    const r = schema.resources;
    for (const k of ["cpuNum", "memorySize", "maxInFlight", "queuePriority"]) {
      assert.strictEqual(r["zstack:index:V2vMigration"].inputProperties[k].type, "integer", `input ${k}`);
      assert.strictEqual(r["zstack:index:V2vMigration"].properties[k].type, "integer", `output ${k}`);
    }
    assert.strictEqual(r["zstack:index:MigrationPlan"].inputProperties.maxInFlight.type, "integer");
    const entry = schema.types["zstack:index:MigrationPlanEntry"];
    assert.strictEqual(entry.properties!.cpuNum.type, "integer");
    assert.strictEqual(entry.properties!.memorySize.type, "integer");
    assert.strictEqual(r["zstack:index:VCenter"].inputProperties.port.type, "integer");
    assert.strictEqual(r["zstack:index:OvaPackage"].properties.size.type, "number");
    assert.strictEqual(r["zstack:index:V2vMigration"].properties.executeTime.type, "number");
  });

  it("MigrationPlan is a component with the SDK's arguments and outputs", () => {
    const plan = schema.resources["zstack:index:MigrationPlan"];
    assert.strictEqual(plan.isComponent, true);
    assert.deepStrictEqual(Object.keys(plan.inputProperties), ["vms", "defaults", "maxInFlight", "order"]);
    assert.deepStrictEqual(plan.requiredInputs, ["vms"]);
    assert.deepStrictEqual(Object.keys(plan.properties).sort(), ["conversionHosts", "report", "states", "vmUuids"]);
  });

  it("one function per lookup, with the lookups' arguments", () => {
    assert.deepStrictEqual(
      Object.keys(schema.functions).sort(),
      Object.keys(LOOKUP_FUNCTIONS)
        .map((f) => token(f))
        .sort(),
    );
    for (const f of Object.values(schema.functions)) {
      assert.deepStrictEqual(Object.keys(f.inputs.properties), ["uuid", "name", "filters", "conditions"]);
    }
    assert.ok(schema.functions["zstack:index:getHost"].outputs.properties.managementIp);
    assert.ok(schema.functions["zstack:index:getVmInstances"].outputs.properties.items);
  });

  it("the SDK's lookups are LOOKUP_FUNCTIONS (each with its Output form)", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module's exports by name
    const sdk = require("../../../../sdk/lookups") as Record<string, unknown>;
    const names = Object.keys(sdk).filter((k) => /^get[A-Z]\w*$/.test(k) && !k.endsWith("Output"));
    assert.deepStrictEqual(names.sort(), Object.keys(LOOKUP_FUNCTIONS).sort());
    for (const n of names) assert.strictEqual(typeof sdk[`${n}Output`], "function", `${n}Output`);
  });

  it("the config variables are the config table's, credentials secret", () => {
    assert.deepStrictEqual(Object.keys(schema.config.variables), Object.keys(CONFIG_VARIABLES));
    const secrets = Object.keys(schema.config.variables).filter((k) => schema.config.variables[k].secret);
    assert.deepStrictEqual(secrets, ["password", "accessKeySecret", "sessionId"]);
  });

  it("an explicit provider (pulumi:providers:zstack) takes the config variables as its inputs, credentials secret", () => {
    assert.deepStrictEqual(schema.provider.inputProperties, schema.config.variables);
  });

  it("the committed zstack-schema.json (what the plugin serves) is the one generated from the sources now", () => {
    const file = path.join(packageRoot(), "provider/hosts/plugin/zstack-schema.json");
    assert.deepStrictEqual(
      JSON.parse(fs.readFileSync(file, "utf8")),
      JSON.parse(JSON.stringify(schema)),
      "provider/hosts/plugin/zstack-schema.json is out of date: run npm run build && npm run schema",
    );
  });
});
