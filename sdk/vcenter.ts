import * as pulumi from "@pulumi/pulumi";
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the provider module uses `export =`, and the serializer must record this require
import provider = require("../provider/providers/vcenter");
import { VCENTER_INPUTS, VCENTER_OUTPUTS, VCenterInputs, VCenterOutputs } from "../provider/vcenter/inputs";
import { ArgsOf, OutputsOf, ResourceShape, resourceOptions, resourceProps } from "./dynamic-resource";

/** Type token of {@link VCenter}. */
export const VCENTER_TYPE = "pulumi-nodejs:dynamic/zstack:VCenter";

/** Inputs of {@link VCenter}: the AddVCenter parameters, `state`, `syncTrigger`, and the provider's own. */
export type VCenterArgs = ArgsOf<VCenterInputs>;

/**
 * Inputs of a {@link VCenter} that takes over an existing registration (`adoptUuid`): the others are
 * optional (`domainName`, when given, must match; the rest is applied).
 */
export type VCenterAdoptArgs = Partial<VCenterArgs> & { adoptUuid: pulumi.Input<string> };

const SHAPE: ResourceShape = { type: VCENTER_TYPE, inputs: VCENTER_INPUTS, outputs: VCENTER_OUTPUTS };

/** The output properties of {@link VCenter}: its inputs and the VCenterInventory fields. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging -- declaration merging: this interface declares the class's output properties, which the engine sets
export interface VCenter extends OutputsOf<VCenterOutputs> {}

/**
 * A vCenter registered in ZStack (`AddVCenter`): ZStack then knows its VMs as VMware (ESX) VMs, the
 * sources of {@link V2vMigration}. The password is a secret (encrypted in the state).
 *
 * `name`, `description`, `domainName`, `username`, `password`, `port` and `state` update in place
 * (ZStack logs in again first); `zoneUuid` and `https` replace it. A changed `syncTrigger` runs
 * `SyncVCenter`, so that VMs created in VMware since are found. Delete is `DeleteVCenter`.
 *
 * @example
 * ```ts
 * import * as pulumi from "@pulumi/pulumi";
 * import { VCenter } from "pulumi-zstack-migration";
 *
 * const config = new pulumi.Config();
 * const vc = new VCenter("vcenter", {
 *   name: "vcenter-1",
 *   domainName: "vcenter.example.com",
 *   username: "administrator@vsphere.local",
 *   password: config.requireSecret("vcenterPassword"),
 *   zoneUuid: "f52465036bdd468499040edb9f879503",
 *   syncTrigger: "wave-1",
 * });
 * export const vCenterUuid = vc.uuid;
 * ```
 */
// the interface above declares the output properties; the engine sets them from the provider's outputs
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class VCenter extends pulumi.dynamic.Resource {
  /** Registers the vCenter from `args` (a missing required input is named by the type checker). */
  constructor(name: string, args: VCenterArgs, opts?: pulumi.CustomResourceOptions);
  /** Takes over an existing registration by `adoptUuid`; the other inputs are optional. */
  constructor(name: string, args: VCenterAdoptArgs, opts?: pulumi.CustomResourceOptions);
  constructor(name: string, args: VCenterArgs | VCenterAdoptArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, resourceProps(SHAPE, name, args), resourceOptions(SHAPE, opts), "zstack", "VCenter");
  }
}
