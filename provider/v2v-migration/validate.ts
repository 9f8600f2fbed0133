/** V2vMigration's local validation: every input, in ZStack's words where it has them, before anything is asked of ZStack. */
import { MAX_IN_FLIGHT_LIMIT } from "../core/config";
import { Validator, tagItem, typeName, uuidItem } from "../core/validation";
import { CONVERT_STRATEGIES, PLATFORMS, STRATEGIES, V2V_DEFAULT_TIMEOUTS, V2V_MESSAGE, VM_TYPES } from "./inputs";
import { isMalformedVmwareUrl, vmwareUuidOf } from "./source";

/** `check`'s local validation of every input, in ZStack's words where it has them. */
export function validateInputs(v: Validator, adopting: boolean): void {
  if (!adopting) for (const k of ["name", "primaryStorageUuid", "l3NetworkUuids"]) v.required(k);
  // the source: exactly one of url and sourceVmName; a VMware source gives the CPU and memory defaults
  if (!adopting && !v.isSet("url") && !v.isSet("sourceVmName")) {
    v.fail(
      "url",
      'exactly one of url and sourceVmName must be set: url: "vmware://<uuid>", or sourceVmName: the name of the VMware VM in ZStack',
    );
  }
  if (v.isSet("url") && v.isSet("sourceVmName")) {
    v.fail(
      "sourceVmName",
      "exactly one of url and sourceVmName must be set, not both: sourceVmName names the VM that url would name",
    );
  }
  v.string("sourceVmName", { maxLength: 255, nonEmpty: true });
  const vmwareSource = v.isSet("sourceVmName") || v.isUnknown("url") || vmwareUuidOf(v.value("url")) !== undefined;
  if (!adopting && !vmwareSource && v.isSet("url")) {
    for (const k of ["cpuNum", "memorySize"]) {
      if (!v.isSet(k))
        v.fail(
          k,
          `field[${k}] of message[${V2V_MESSAGE}] is mandatory, can not be null: it defaults to the source VM's only for a VMware source (sourceVmName, or url vmware://<uuid>)`,
        );
    }
  }

  const url = v.string("url", { maxLength: 1024, nonEmpty: true });
  if (url !== undefined && isMalformedVmwareUrl(url)) {
    v.fail(
      "url",
      `a VMware url must be vmware://<uuid of the VMware VM as registered in ZStack, 32 hex characters>, got "${url}"`,
    );
  }
  v.string("name", { maxLength: 255, nonEmpty: true });
  v.string("description", { maxLength: 2048 });
  for (const k of [
    "conversionHostUuid",
    "zoneUuid",
    "clusterUuid",
    "hostUuid",
    "primaryStorageUuid",
    "defaultL3NetworkUuid",
    "adoptUuid",
  ])
    v.uuid(k);
  const pool = v.list<string>("conversionHostUuids", uuidItem, { nonEmpty: true });
  if (pool && v.isSet("conversionHostUuid"))
    v.fail(
      "conversionHostUuids",
      "set either conversionHostUuid (one conversion host) or conversionHostUuids (a pool), not both",
    );
  const dup = pool?.find((h, i) => pool.indexOf(h) !== i);
  if (dup) v.fail("conversionHostUuids", `conversion host ${dup} is in the pool twice`);
  v.integer("cpuNum", 1, 1024);
  v.integer("memorySize", 1, Number.MAX_SAFE_INTEGER);
  const l3s = v.list<string>("l3NetworkUuids", uuidItem, { nonEmpty: true });
  const def = v.value("defaultL3NetworkUuid");
  if (l3s && typeof def === "string" && !l3s.includes(def)) {
    v.fail("defaultL3NetworkUuid", `defaultL3NetworkUuid[${def}] is not in l3NetworkUuids[${l3s.join(", ")}]`);
  }
  v.oneOf("platform", PLATFORMS);
  v.oneOf("type", VM_TYPES);
  v.oneOf("strategy", STRATEGIES);
  v.oneOf("convertStrategy", CONVERT_STRATEGIES);
  v.string("longJobName", { maxLength: 255 });
  v.string("longJobDescription", { maxLength: 2048 });
  v.resourceUuid("resourceUuid");
  v.string("sshPrivKey");
  for (const k of ["pauseVm", "waitForCompletion", "deleteMigratedVm", "allowRemigration", "preserveIps"]) v.boolean(k);
  v.uuid("vCenterUuid");
  v.integer("maxInFlight", 1, MAX_IN_FLIGHT_LIMIT);
  v.integer("queuePriority", -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  v.list("volumeFilters", (x) =>
    x !== null && typeof x === "object" && !Array.isArray(x)
      ? undefined
      : `${typeName(x)} is not an object such as {"deviceId": "vdb", "skip": true}`,
  );
  v.list("tagUuids", uuidItem);
  v.list("systemTags", tagItem);
  v.list("userTags", tagItem);
  v.timeouts("timeouts", Object.keys(V2V_DEFAULT_TIMEOUTS));
}
