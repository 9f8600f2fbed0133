/**
 * V2vConversionHost's inputs and outputs, declared once: the table (how each input changes and
 * whether it is sent to AddV2VConversionHost) and the typed interfaces the provider and the SDK
 * share (docs/zstack-wire.md §7.5).
 */
import { CREATE_INPUTS, Declared, describeInputs } from "../core/input-table";

/** The add's API message, for ZStack's validation messages. */
export const CONVERSION_HOST_MESSAGE = "org.zstack.v2v.APIAddV2VConversionHostMsg";

/** AddV2VConversionHost's `type` ([MCP] valid values). */
export const CONVERSION_HOST_TYPES = ["VMWARE", "KVM"] as const;
export type ConversionHostType = (typeof CONVERSION_HOST_TYPES)[number];

/** V2VConversionHostInventory's `state`; ChangeV2VConversionHostState moves between them. */
export const CONVERSION_HOST_STATES = ["Enabled", "Disabled"] as const;
export type ConversionHostState = (typeof CONVERSION_HOST_STATES)[number];

/** `state` when the program does not set it (and does not adopt). */
export const DEFAULT_CONVERSION_HOST_STATE: ConversionHostState = "Enabled";

export const V2V_CONVERSION_HOST_INPUTS = describeInputs({
  ...CREATE_INPUTS,
  name: { change: "updateIfSet", sent: "param" },
  description: { change: "updateIfSet", sent: "param" },
  hostUuid: { change: "replace", sent: "param" },
  storagePath: { change: "updateIfSet", sent: "param" },
  type: { change: "replace", sent: "param" },
  state: { change: "updateIfSet" },
});

/** Inputs of a V2vConversionHost: the AddV2VConversionHost parameters, plus `state` and the provider's own. */
export interface V2vConversionHostInputs {
  /** Name (≤ 255). Updated in place. As an output: as ZStack reports it. */
  name: string;
  /** Description (≤ 2048). Updated in place; unset leaves ZStack's. As an output: as ZStack reports it. */
  description?: string;
  /** The KVM host (Connected, not yet a conversion host) that converts. Changing it replaces the conversion host. */
  hostUuid: string;
  /** The conversion cache directory on the host: an absolute path (≤ 2048). Updated in place. */
  storagePath: string;
  /** `VMWARE` (sources in vCenter) or `KVM` (libvirt sources). Changing it replaces the conversion host. */
  type: ConversionHostType;
  /**
   * `Enabled` (the default) or `Disabled`: set through ChangeV2VConversionHostState after the add,
   * updated in place. A migration needs an Enabled conversion host. As an output: as ZStack reports it.
   */
  state?: ConversionHostState;
  /** uuid of the conversion host (dash-less v1–v5). Default: derived from project, stack and resource name. */
  resourceUuid?: string;
  /** uuids of existing ZStack tags to attach to the conversion host (ZStack's `tagUuids` parameter). */
  tagUuids?: string[];
  /** ZStack system tags, e.g. `conversion::network::cidr::{10.0.0.1/24}`, `networkInboundBandwidth::<bytes/s>` */
  systemTags?: string[];
  /** ZStack user tags of the conversion host (sent with the add call). */
  userTags?: string[];
  /** Take over an existing conversion host by uuid instead of adding one. */
  adoptUuid?: string;
}

/** Output-only properties: the rest of V2VConversionHostInventory. */
export const V2V_CONVERSION_HOST_OUTPUTS = [
  "uuid",
  "totalSize",
  "availableSize",
  "hostStatus",
  "hostState",
  "createDate",
  "lastOpDate",
] as const;

export interface V2vConversionHostOutputs extends V2vConversionHostInputs {
  /** uuid of the conversion host (the resource id) */
  uuid: string;
  /** size of the cache file system, in bytes */
  totalSize?: number;
  /** free space in the cache, in bytes */
  availableSize?: number;
  /** the host's connection status: Connected, Disconnected, Connecting */
  hostStatus?: string;
  /** the host's state: Enabled, Disabled, Maintenance, … */
  hostState?: string;
  /** when the conversion host was added: ZStack timestamp, management node local time */
  createDate?: string;
  /** when it last changed (same format as `createDate`) */
  lastOpDate?: string;
}

// the interfaces and the tables must name the same properties (a missing one fails to compile)
const declared: Declared<
  V2vConversionHostInputs,
  V2vConversionHostOutputs,
  typeof V2V_CONVERSION_HOST_INPUTS.table,
  typeof V2V_CONVERSION_HOST_OUTPUTS
> = true;
void declared;
