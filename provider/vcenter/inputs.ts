/**
 * VCenter's inputs and outputs, declared once: the table (how each input changes and whether it is
 * sent to AddVCenter) and the typed interfaces the provider and the SDK share (docs/zstack-wire.md §13).
 */
import { CREATE_INPUTS, Declared, describeInputs } from "../core/input-table";

/** The add's API message, for ZStack's validation messages. */
export const VCENTER_MESSAGE = "org.zstack.vmware.APIAddVCenterMsg";

/** VCenterInventory's `state`, set through UpdateVCenter. */
export const VCENTER_STATES = ["Enabled", "Disabled"] as const;
export type VCenterState = (typeof VCENTER_STATES)[number];

export const VCENTER_INPUTS = describeInputs({
  ...CREATE_INPUTS,
  name: { change: "update", sent: "param" },
  description: { change: "updateIfSet", sent: "param" },
  domainName: { change: "update", sent: "param" },
  username: { change: "update", sent: "param" },
  password: { change: "update", sent: "param", secret: true },
  zoneUuid: { change: "replace", sent: "param" },
  port: { change: "updateIfSet", sent: "param" },
  https: { change: "replace", sent: "param" },
  state: { change: "updateIfSet" },
  syncTrigger: { change: "update" },
});

/** Inputs of a VCenter: the AddVCenter parameters, plus `state`, `syncTrigger` and the provider's own. */
export interface VCenterInputs {
  /** Name of the registration (≤ 255). Updated in place. */
  name: string;
  /** Description (≤ 2048). Updated in place; unset leaves ZStack's. */
  description?: string;
  /** The vCenter's address (host name or IP, ≤ 255). Updated in place (ZStack logs in again first). */
  domainName: string;
  /** The vCenter user, e.g. `administrator@vsphere.local`. Updated in place (ZStack logs in again first). */
  username: string;
  /**
   * The vCenter user's password: a secret (encrypted in the state, never in logs or errors). Updated in
   * place (ZStack logs in again first). ZStack never shows it, so a password changed outside the
   * program is not seen as drift.
   */
  password: string;
  /** The zone the vCenter's VMs belong to. Changing it replaces the registration. */
  zoneUuid: string;
  /** The vCenter's port (1–65535); ZStack's default is 443 (80 without https). Updated in place. */
  port?: number;
  /** Whether ZStack talks HTTPS to the vCenter (ZStack's default: true). Changing it replaces the registration. */
  https?: boolean;
  /** `Enabled` or `Disabled`, set through UpdateVCenter; unset leaves ZStack's (a new one is Enabled). */
  state?: VCenterState;
  /**
   * Any value (e.g. a date, or a wave's name): when it changes, the next `up` runs SyncVCenter, so
   * that VMs created in VMware since the last sync are known to ZStack before the migrations that
   * depend on this resource are checked. A create always syncs (AddVCenter does).
   */
  syncTrigger?: string;
  /** uuid of the registration (dash-less v1–v5). Default: derived from project, stack and resource name. */
  resourceUuid?: string;
  /** uuids of existing ZStack tags to attach to the registration (ZStack's `tagUuids` parameter). */
  tagUuids?: string[];
  /** ZStack system tags of the AddVCenter request. */
  systemTags?: string[];
  /** ZStack user tags of the AddVCenter request. */
  userTags?: string[];
  /** Take over an existing registration by uuid instead of adding one (`password` is then required for updates only). */
  adoptUuid?: string;
}

/** Output-only properties: the rest of VCenterInventory. */
export const VCENTER_OUTPUTS = ["uuid", "userName", "version", "status", "createDate", "lastOpDate"] as const;

export interface VCenterOutputs extends VCenterInputs {
  /** uuid of the registration (the resource id) */
  uuid: string;
  /** the vCenter user as ZStack reports it */
  userName?: string;
  /** the vCenter's version, e.g. `7.0.3` */
  version?: string;
  /** ZStack's connection status: Connected, Disconnected */
  status?: string;
  /** when the vCenter was registered: ZStack timestamp, management node local time */
  createDate?: string;
  /** when the registration last changed (same format as `createDate`) */
  lastOpDate?: string;
}

// the interfaces and the tables must name the same properties (a missing one fails to compile)
const declared: Declared<VCenterInputs, VCenterOutputs, typeof VCENTER_INPUTS.table, typeof VCENTER_OUTPUTS> = true;
void declared;
