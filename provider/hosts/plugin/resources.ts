/**
 * What the provider plugin serves, in one list: its custom resources (each over the resource logic
 * the dynamic host uses too), its component and its functions. The plugin (`provider.ts`) dispatches
 * by these tokens; the schema (`schema.ts`) is generated from the same rows and the TypeScript
 * declarations they name.
 */
import type { InputSets } from "../../core/input-table";
import type { ResourceFactory } from "../../core/resource";
import { LOOKUP_FUNCTIONS, LookupFunctionName } from "../../lookups/lookups";
import { OVA_PACKAGE_INPUTS, OVA_PACKAGE_OUTPUTS } from "../../ova-package/inputs";
import { OvaPackageResource } from "../../ova-package/resource";
import { V2V_CONVERSION_HOST_INPUTS, V2V_CONVERSION_HOST_OUTPUTS } from "../../v2v-conversion-host/inputs";
import { V2vConversionHostResource } from "../../v2v-conversion-host/resource";
import { V2V_MIGRATION_INPUTS, V2V_MIGRATION_OUTPUTS } from "../../v2v-migration/inputs";
import { V2vMigrationResource } from "../../v2v-migration/resource";

/** The package name: the stack config namespace, the type tokens' package, `pulumi-resource-zstack`. */
export const PACKAGE_NAME = "zstack";

export interface PluginResource {
  /** `V2vMigration`: the type token is `zstack:index:<name>` */
  readonly name: string;
  readonly Logic: ResourceFactory<unknown, unknown>;
  readonly inputs: InputSets;
  readonly outputs: readonly string[];
  /** where the inputs are declared (relative to the package root), and the interfaces' names */
  readonly declared: { file: string; inputs: string; outputs: string };
  /** the SDK class whose TSDoc describes the resource */
  readonly doc: { file: string; name: string };
}

const row = <I, O>(
  name: string,
  Logic: ResourceFactory<I, O>,
  inputs: InputSets,
  outputs: readonly string[],
  dir: string,
  sdkFile: string,
): PluginResource => ({
  name,
  Logic: Logic,
  inputs,
  outputs,
  declared: { file: `provider/${dir}/inputs.ts`, inputs: `${name}Inputs`, outputs: `${name}Outputs` },
  doc: { file: `sdk/${sdkFile}.ts`, name },
});

/** The custom resources, in schema order. */
export const PLUGIN_RESOURCES: readonly PluginResource[] = [
  row(
    "V2vConversionHost",
    V2vConversionHostResource,
    V2V_CONVERSION_HOST_INPUTS,
    V2V_CONVERSION_HOST_OUTPUTS,
    "v2v-conversion-host",
    "v2v-conversion-host",
  ),
  row(
    "V2vMigration",
    V2vMigrationResource,
    V2V_MIGRATION_INPUTS,
    V2V_MIGRATION_OUTPUTS,
    "v2v-migration",
    "v2v-migration",
  ),
  row("OvaPackage", OvaPackageResource, OVA_PACKAGE_INPUTS, OVA_PACKAGE_OUTPUTS, "ova-package", "ova-package"),
];

/** The component served through `construct`; its inputs and outputs are the SDK's `MigrationPlan`'s. */
export const PLUGIN_COMPONENT = {
  name: "MigrationPlan",
  file: "sdk/migration-plan.ts",
  args: "MigrationPlanArgs",
} as const;

/** The functions served through `invoke`: one per lookup. */
export const PLUGIN_FUNCTIONS = Object.keys(LOOKUP_FUNCTIONS) as LookupFunctionName[];

export const token = (name: string): string => `${PACKAGE_NAME}:index:${name}`;
