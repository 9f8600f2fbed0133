/**
 * OvaPackage's inputs and outputs, declared once: the table (how each input changes and whether it
 * is sent to ExportVmOvaPackage) and the typed interfaces the provider and the SDK share.
 */
import { CREATE_INPUTS, Declared, describeInputs } from "../core/input-table";
import type { Verified, VerifyMethod } from "./download-check";

/** The export's API message, for ZStack's validation messages. */
export const OVA_MESSAGE = "org.zstack.ovf.api.APIExportVmOvaPackageMsg";

/** The provider's own waits; durations such as `"90s"`, `"45m"`, `"3h"`. */
export const OVA_DEFAULT_TIMEOUTS = { create: "24h", delete: "1h", verify: "1h" } as const;

export const OVA_PACKAGE_INPUTS = describeInputs({
  ...CREATE_INPUTS,
  vmUuid: { change: "replace", sent: "param" },
  backupStorageUuid: { change: "replace", sent: "param" },
  name: { change: "updateIfSet", sent: "param" },
  description: { change: "updateIfSet", sent: "param" },
  timeouts: { change: "update" },
  verify: { change: "update" },
});

/** How long the provider waits. */
export interface OvaPackageTimeouts {
  /** wait for the export in create (and in an update, for an unfinished one); default `"24h"` */
  create?: string;
  /** wait for an unfinished export before deleting it; default `"1h"` */
  delete?: string;
  /** how long the `verify` check may take; default `"1h"` */
  verify?: string;
}

/** Inputs of an OvaPackage: the ExportVmOvaPackage parameters, plus the provider's own. */
export interface OvaPackageInputs {
  /** The VM to export; it must be Stopped and have no package yet. */
  vmUuid: string;
  /** An ImageStore backup storage (`ImageStoreBackupStorage`). */
  backupStorageUuid: string;
  /** Package name (≤ 255); ZStack's default is `exported-vm-<vm name>`. Updated in place. As an output: as ZStack reports it. */
  name?: string;
  /** Package description (≤ 2048); ZStack's default is `source vm uuid: <vm uuid>`. Updated in place. As an output: as ZStack reports it. */
  description?: string;
  /** uuid of the package (dash-less v1–v5). Default: derived from project, stack and resource name. */
  resourceUuid?: string;
  /** uuids of ZStack tags to attach to the new object. */
  tagUuids?: string[];
  /** ZStack system tags, sent with the export call. */
  systemTags?: string[];
  /** ZStack user tags, sent with the export call. */
  userTags?: string[];
  /** The provider's own waits (Pulumi's `customTimeouts` do not reach dynamic providers). */
  timeouts?: OvaPackageTimeouts;
  /** Take over an existing image package by uuid instead of exporting. */
  adoptUuid?: string;
  /**
   * Check of the file at `exportUrl` before its URL is published: `"none"`, `"size"` (the default: it
   * exists and has `size` bytes) or `"md5"` (streams the whole file and compares with `md5Sum`).
   */
  verify?: VerifyMethod;
}

/** Output-only properties: the ImagePackageInventory fields. */
export const OVA_PACKAGE_OUTPUTS = [
  "uuid",
  "exportUrl",
  "md5Sum",
  "format",
  "size",
  "createDate",
  "lastOpDate",
  "state",
  "verified",
] as const;

export interface OvaPackageOutputs extends OvaPackageInputs {
  /** uuid of the image package (the resource id) */
  uuid: string;
  /** where the OVA can be downloaded */
  exportUrl?: string;
  /** MD5 of the OVA as ZStack reports it (hex); `verify` checks the downloaded file against it */
  md5Sum?: string;
  /** `ova` */
  format?: string;
  /** size of the OVA in bytes */
  size?: number;
  /** when the export started: ZStack timestamp, management node local time */
  createDate?: string;
  /** when the package last changed (same format as `createDate`) */
  lastOpDate?: string;
  /** ImagePackageState: Exporting or Exported */
  state?: string;
  /**
   * What was checked at `exportUrl` (absent with `verify: "none"`): `method`, the bytes found (`size`),
   * the computed `md5` (method `"md5"`), when (`at`), and `error` when the file was found missing or
   * changed (a failed create, or drift seen by a refresh).
   */
  verified?: Verified;
}

// the interfaces and the tables must name the same properties (a missing one fails to compile)
const declared: Declared<
  OvaPackageInputs,
  OvaPackageOutputs,
  typeof OVA_PACKAGE_INPUTS.table,
  typeof OVA_PACKAGE_OUTPUTS
> = true;
void declared;
