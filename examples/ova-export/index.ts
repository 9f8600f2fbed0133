// Export a stopped ZStack VM as an OVA package; the download URL, MD5 and size become stack
// outputs that other stacks (StackReference) or a pipeline (`pulumi stack output --json`) consume.
import * as pulumi from "@pulumi/pulumi";
import { OvaPackage, getBackupStorageOutput, getVmInstanceOutput } from "pulumi-zstack-migration";

const config = new pulumi.Config();

const ova = new OvaPackage("golden-image", {
  // by name: the lookups resolve them (in preview too) and fail on no match or several
  vmUuid: getVmInstanceOutput({ name: config.require("vmName"), filters: { hypervisorType: "KVM" } }).uuid,
  backupStorageUuid: getBackupStorageOutput({ name: config.require("backupStorageName") }).uuid,
  name: "golden-image",
  description: "released by the ova-export example",
  // stream the exported file and check it against md5Sum before the URL is published
  verify: "md5",
  timeouts: { create: "6h", verify: "2h" },
});

export const packageUuid = ova.uuid;
export const exportUrl = ova.exportUrl;
export const md5Sum = ova.md5Sum;
export const sizeBytes = ova.size;
export const format = ova.format;
export const verified = ova.verified;
