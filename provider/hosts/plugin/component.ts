/**
 * The plugin's `zstack:index:MigrationPlan` component, which `construct` builds: loaded only then, since it
 * needs the whole `@pulumi/pulumi` (the plugin's server needs only `@pulumi/pulumi/provider`).
 */
import * as pulumi from "@pulumi/pulumi";
import { MigrationPlanArgs, PlanChildOutputs, planEntries, planOutputs } from "../../../sdk/migration-plan";
import { PLUGIN_COMPONENT, token } from "./resources";

/** A custom resource of this plugin declared inside a component (its type token says which). */
class PluginResourceRef extends pulumi.CustomResource {}

/** The plan as the plugin's component: children are the plugin's own `zstack:index:V2vMigration` resources. */
export class PluginMigrationPlan extends pulumi.ComponentResource {
  readonly vmUuids: pulumi.Output<Record<string, string | undefined>>;
  readonly states: pulumi.Output<Record<string, string | undefined>>;
  readonly conversionHosts: pulumi.Output<Record<string, string | undefined>>;
  readonly report: pulumi.Output<string>;

  constructor(name: string, args: MigrationPlanArgs, opts: pulumi.ComponentResourceOptions) {
    super(token(PLUGIN_COMPONENT.name), name, {}, opts);
    const entries = planEntries(name, args);
    const children = entries.map((entry) => {
      const child = new PluginResourceRef(
        token("V2vMigration"),
        entry.childName,
        {
          ...entry.args,
          state: undefined,
          vmUuid: undefined,
          executeTime: undefined,
          jobResult: undefined,
          convertedOnHostUuid: undefined,
        },
        { parent: this, ...(entry.ignoreChanges ? { ignoreChanges: entry.ignoreChanges } : {}) },
      ) as unknown as PlanChildOutputs;
      return { entry, migration: child };
    });
    const outs = planOutputs(name, children);
    this.vmUuids = outs.vmUuids;
    this.states = outs.states;
    this.conversionHosts = outs.conversionHosts;
    this.report = outs.report;
    this.registerOutputs(outs); // vmUuids, states, conversionHosts, report: the outputs planOutputs makes
  }
}
