import * as pulumi from "@pulumi/pulumi";
import provider = require("../provider/providers/ova-package");
import { DEFAULT_RESOURCE_UUID } from "../provider/common";
import { deriveResourceUuid } from "./resource-uuid";

/** Type token of {@link OvaPackage}. */
export const OVA_PACKAGE_TYPE = "pulumi-nodejs:dynamic/zstack:OvaPackage";

/** How long the provider waits, as durations such as `"90s"`, `"45m"`, `"3h"`. */
export interface OvaPackageTimeoutsArgs {
  /** wait for the export in create; default `"24h"` */
  create?: pulumi.Input<string>;
  /** wait for an unfinished export before deleting it; default `"1h"` */
  delete?: pulumi.Input<string>;
  /** how long the `verify` check may take; default `"1h"` */
  verify?: pulumi.Input<string>;
}

/** Inputs of {@link OvaPackage}: the ExportVmOvaPackage parameters, plus the provider's own. */
export interface OvaPackageArgs {
  /** The VM to export; it must be Stopped and have no package yet. */
  vmUuid: pulumi.Input<string>;
  /** An ImageStore backup storage (`ImageStoreBackupStorage`). */
  backupStorageUuid: pulumi.Input<string>;
  /** Package name (≤ 255); ZStack's default is `exported-vm-<vm name>`. Updated in place. */
  name?: pulumi.Input<string>;
  /** Package description (≤ 2048); ZStack's default is `source vm uuid: <vm uuid>`. Updated in place. */
  description?: pulumi.Input<string>;
  /** uuid of the package (dash-less v1–v5). Default: derived from project, stack and resource name. */
  resourceUuid?: pulumi.Input<string>;
  tagUuids?: pulumi.Input<pulumi.Input<string>[]>;
  systemTags?: pulumi.Input<pulumi.Input<string>[]>;
  userTags?: pulumi.Input<pulumi.Input<string>[]>;
  /** The provider's own waits (Pulumi's `customTimeouts` do not reach dynamic providers). */
  timeouts?: pulumi.Input<OvaPackageTimeoutsArgs>;
  /** Take over an existing image package by uuid instead of exporting. */
  adoptUuid?: pulumi.Input<string>;
  /**
   * Check of the file at `exportUrl` before its URL is published: `"none"`, `"size"` (the default: it
   * exists and has `size` bytes) or `"md5"` (streams the whole file and compares with `md5Sum`).
   */
  verify?: pulumi.Input<"none" | "size" | "md5">;
}

/**
 * Inputs of an {@link OvaPackage} that takes over an existing image package (`adoptUuid`):
 * `vmUuid` and `backupStorageUuid` are optional (when given, they must match the package's).
 */
export type OvaPackageAdoptArgs = Partial<OvaPackageArgs> & { adoptUuid: pulumi.Input<string> };

const OUTPUT_ONLY = ["uuid", "exportUrl", "md5Sum", "format", "size", "createDate", "lastOpDate", "state", "verified"] as const;
const INPUT_NAMES = [
  "vmUuid", "backupStorageUuid", "name", "description", "resourceUuid", "tagUuids", "systemTags", "userTags",
  "timeouts", "adoptUuid", "verify",
] as const;

/**
 * An OVA export of a stopped ZStack VM to an ImageStore backup storage (`ExportVmOvaPackage`),
 * tracked as an ImagePackage until it is `Exported` with its `exportUrl`, `md5Sum` and `size`.
 *
 * `name` and `description` update in place; any other change replaces the package (the old one is
 * deleted first: ZStack allows one package per VM). Delete is `DeleteImagePackage`, a hard delete of
 * the package and its OVA file.
 *
 * @example
 * ```ts
 * import { OvaPackage } from "pulumi-zstack-migration";
 *
 * const ova = new OvaPackage("web-01-ova", {
 *   vmUuid: "a5af1e606b5143f9b57edb0ce8d14264",
 *   backupStorageUuid: "da1d1df67794446da932739519c65751",
 *   name: "web-01.ova",
 * });
 * export const url = ova.exportUrl;
 * export const md5 = ova.md5Sum;
 * ```
 */
export class OvaPackage extends pulumi.dynamic.Resource {
  declare readonly vmUuid: pulumi.Output<string>;
  declare readonly backupStorageUuid: pulumi.Output<string>;
  /** the package's name as ZStack reports it */
  declare readonly name: pulumi.Output<string>;
  /** the package's description as ZStack reports it */
  declare readonly description: pulumi.Output<string | undefined>;
  declare readonly resourceUuid: pulumi.Output<string>;
  declare readonly tagUuids: pulumi.Output<string[] | undefined>;
  declare readonly systemTags: pulumi.Output<string[] | undefined>;
  declare readonly userTags: pulumi.Output<string[] | undefined>;
  declare readonly timeouts: pulumi.Output<{ create?: string; delete?: string; verify?: string } | undefined>;
  declare readonly adoptUuid: pulumi.Output<string | undefined>;
  declare readonly verify: pulumi.Output<"none" | "size" | "md5" | undefined>;

  /** uuid of the image package (the resource id) */
  declare readonly uuid: pulumi.Output<string>;
  /** where the OVA can be downloaded */
  declare readonly exportUrl: pulumi.Output<string | undefined>;
  declare readonly md5Sum: pulumi.Output<string | undefined>;
  /** `ova` */
  declare readonly format: pulumi.Output<string | undefined>;
  /** size of the OVA in bytes */
  declare readonly size: pulumi.Output<number | undefined>;
  declare readonly createDate: pulumi.Output<string | undefined>;
  declare readonly lastOpDate: pulumi.Output<string | undefined>;
  /** ImagePackageState: Exporting or Exported */
  declare readonly state: pulumi.Output<string>;
  /**
   * What was checked at `exportUrl` (absent with `verify: "none"`): `method`, the bytes found (`size`),
   * the computed `md5` (method `"md5"`), when (`at`), and `error` when the file was found missing or
   * changed (a failed create, or drift seen by a refresh).
   */
  declare readonly verified: pulumi.Output<{ method: "size" | "md5"; size?: number; md5?: string; at: string; error?: string } | undefined>;

  constructor(name: string, args: OvaPackageArgs | OvaPackageAdoptArgs, opts?: pulumi.CustomResourceOptions) {
    const props: Record<string, unknown> = {};
    for (const k of OUTPUT_ONLY) props[k] = undefined;
    for (const k of INPUT_NAMES) props[k] = (args as unknown as Record<string, unknown>)[k];
    // the provider's check uses it unless the resource already has a uuid (a renamed stack or
    // resource keeps its object) or the program sets resourceUuid
    props[DEFAULT_RESOURCE_UUID] = deriveResourceUuid(OVA_PACKAGE_TYPE, name);
    super(provider, name, props, opts, "zstack", "OvaPackage");
  }
}
