"""A migration wave in Python: the zstack provider plugin, through its generated SDK (pulumi_zstack).

1. A V2V conversion host is added on a KVM host found by name.
2. A MigrationPlan converts several VMware VMs, at most `maxInFlight` at a time on that host.
3. One of them is converted without being started (JustConvert) and exported as an OVA package.
4. The plan's Markdown report, the migrated VMs and the OVA's URL are the stack's outputs.

Everything is given by name, each name can be set in the stack config. The defaults are names of the
simulator's seeded world (docs/simulator.md), so the example runs unchanged against `npx zstack-sim`.
"""

import pulumi
import pulumi_zstack as zstack

config = pulumi.Config()
names = {
    "kvm_host": config.get("kvmHost") or "kvm-host-3",
    "primary_storage": config.get("primaryStorage") or "PS-Local",
    "l3_network": config.get("l3Network") or "L3-Private",
    "backup_storage": config.get("backupStorage") or "BS-ImageStore",
}
storage_path = config.get("storagePath") or "/zstack/v2v-cache"  # the conversion host's cache
max_in_flight = config.get_int("maxInFlight") or 2
# The VMware VMs of the wave, by their names in ZStack; the entry named `app-02` is also exported.
sources = config.get_object("sources") or ["vmware-web-01", "vmware-web-02", "vmware-app-01"]
exported = config.get("exportedSource") or "vmware-app-02"

# Lookups by name (functions of the plugin): each fails the preview, naming the object, when nothing
# or more than one object has that name.
kvm_host = zstack.get_host_output(name=names["kvm_host"])
primary_storage = zstack.get_primary_storage_output(name=names["primary_storage"])
l3_network = zstack.get_l3_network_output(name=names["l3_network"])
backup_storage = zstack.get_backup_storage_output(name=names["backup_storage"])

conversion_host = zstack.V2vConversionHost(
    "conversion-host",
    name="v2v-" + names["kvm_host"],
    host_uuid=kvm_host.uuid,
    storage_path=storage_path,
    type="VMWARE",
)

plan = zstack.MigrationPlan(
    "wave1",
    max_in_flight=max_in_flight,
    defaults={
        "conversion_host_uuid": conversion_host.uuid,
        "primary_storage_uuid": primary_storage.uuid,
        "l3_network_uuids": [l3_network.uuid],
        "platform": "Linux",
    },
    vms=[{"source": source} for source in sources]
    # left Stopped: an OVA export needs a Stopped VM
    + [{"source": exported, "name": "app-02", "strategy": "JustConvert"}],
)


def migrated_vm(vm_uuids: dict) -> str:
    uuid = vm_uuids.get("app-02")
    if not uuid:
        raise ValueError("the migration of app-02 recorded no migrated VM")
    return uuid


ova = zstack.OvaPackage(
    "app-02-ova",
    vm_uuid=plan.vm_uuids.apply(migrated_vm),
    backup_storage_uuid=backup_storage.uuid,
    name="app-02",
)

pulumi.export("conversionHostUuid", conversion_host.uuid)
pulumi.export("vmUuids", plan.vm_uuids)
pulumi.export("states", plan.states)
pulumi.export("report", plan.report)
pulumi.export("exportUrl", ova.export_url)
pulumi.export("md5Sum", ova.md5_sum)
