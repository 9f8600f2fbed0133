/** Every API the simulated management node serves. */
import type { ApiDef } from "../http/api";
import { IDENTITY_APIS } from "./identity";
import { LONG_JOB_APIS } from "./longjob";
import { OVA_APIS } from "./ova";
import { RESOURCE_QUERY_APIS } from "./resources";
import { TAG_APIS } from "./tags";
import { V2V_APIS } from "./v2v";
import { VCENTER_APIS } from "./vcenter";
import { VM_APIS } from "./vm";

export const ALL_APIS: readonly ApiDef[] = [
  ...IDENTITY_APIS,
  ...RESOURCE_QUERY_APIS,
  ...V2V_APIS,
  ...LONG_JOB_APIS,
  ...OVA_APIS,
  ...VM_APIS,
  ...VCENTER_APIS,
  ...TAG_APIS,
];
