/**
 * The default world, built around the fixed uuids of seed-uuids.ts: one zone and KVM cluster with two
 * hosts, local primary storage, an ImageStore and an Sftp backup storage, two L3 networks, V2V
 * conversion hosts (Enabled and Disabled), ZStack VMs (Running and Stopped) and VMware source VMs.
 */
import { createHash } from "node:crypto";
import { Prng } from "../core/prng";
import { SEED_CREDENTIALS, SEED_UUIDS as U, SEED_VCENTER } from "../seed-uuids";
import { vcenterRowOf } from "./vcenter";
import { buildVm, esxVmSpec, GiB } from "./vm-factory";
import type { Row, WorldSnapshot } from "./types";

const TiB = 1024 * GiB;

export function sha512Hex(text: string): string {
  return createHash("sha512").update(text, "utf8").digest("hex");
}

/** Fixed uuid of the simulated management node in the default world. */
export const DEFAULT_MN_UUID = "3f4c2e1a9b8d4c7e8f6a5b4c3d2e1f0a";

export function buildDefaultWorld(at: number): WorldSnapshot {
  // A private PRNG with a fixed seed, so the default world (nic and volume uuids, MACs) is identical
  // on every start whatever `randomSeed` is.
  const prng = new Prng(20240517);
  const stamp = { createDate: at, lastOpDate: at };

  const zones: Row[] = [
    {
      uuid: U.zone,
      name: "ZONE-1",
      description: "simulated zone",
      state: "Enabled",
      type: "zstack",
      isDefault: true,
      ...stamp,
    },
  ];
  const clusters: Row[] = [
    {
      uuid: U.cluster,
      name: "Cluster-1",
      description: "KVM cluster",
      state: "Enabled",
      hypervisorType: "KVM",
      type: "zstack",
      zoneUuid: U.zone,
      architecture: "x86_64",
      ...stamp,
    },
  ];
  const host = (uuid: string, name: string, ip: string): Row => ({
    uuid,
    name,
    description: "simulated KVM host",
    zoneUuid: U.zone,
    clusterUuid: U.cluster,
    managementIp: ip,
    hypervisorType: "KVM",
    state: "Enabled",
    status: "Connected",
    architecture: "x86_64",
    totalCpuCapacity: 256,
    availableCpuCapacity: 224,
    cpuSockets: 2,
    cpuNum: 64,
    totalMemoryCapacity: 512 * GiB,
    availableMemoryCapacity: 448 * GiB,
    ...stamp,
  });
  const hosts = [host(U.host1, "kvm-host-1", "172.20.0.11"), host(U.host2, "kvm-host-2", "172.20.0.12")];
  // conversion-host fidelity: a free KVM host, and an ESXi host seen through vCenter (not KVM)
  hosts.push(host(U.host3, "kvm-host-3", "172.20.0.13"));
  const esx: Row = {
    ...host(U.esxHost, "esxi-host-1", "172.20.1.21"),
    description: "VMware ESXi host (vCenter)",
    hypervisorType: "ESX",
  };
  delete esx.clusterUuid; // a vCenter host is in no ZStack cluster
  hosts.push(esx);
  const primaryStorages: Row[] = [
    {
      uuid: U.primaryStorage,
      name: "PS-Local",
      description: "local storage of the KVM hosts",
      zoneUuid: U.zone,
      url: "/zstack_ps",
      mountPath: "/zstack_ps",
      type: "LocalStorage",
      state: "Enabled",
      status: "Connected",
      totalCapacity: 20 * TiB,
      availableCapacity: 16 * TiB,
      totalPhysicalCapacity: 20 * TiB,
      availablePhysicalCapacity: 16 * TiB,
      systemUsedCapacity: 0,
      attachedClusterUuids: [U.cluster],
      ...stamp,
    },
  ];
  const backupStorages: Row[] = [
    {
      uuid: U.bsImageStore,
      name: "BS-ImageStore",
      description: "image store backup storage, the OVA export target",
      url: "/zstack_bs",
      type: "ImageStoreBackupStorage",
      state: "Enabled",
      status: "Connected",
      totalCapacity: 10 * TiB,
      availableCapacity: 8 * TiB,
      attachedZoneUuids: [U.zone],
      ...stamp,
    },
    {
      uuid: U.bsSftp,
      name: "BS-Sftp",
      description: "sftp backup storage, not usable for OVA export",
      url: "/sftp_bs",
      type: "SftpBackupStorage",
      state: "Enabled",
      status: "Connected",
      totalCapacity: 4 * TiB,
      availableCapacity: 3 * TiB,
      attachedZoneUuids: [U.zone],
      ...stamp,
    },
  ];
  const l3 = (uuid: string, name: string, category: string, prefix: string, internalId: number): Row => ({
    uuid,
    name,
    description: `${category.toLowerCase()} network`,
    type: "L3BasicNetwork",
    zoneUuid: U.zone,
    l2NetworkUuid: prng.uuid(),
    state: "Enabled",
    system: false,
    category,
    ipVersion: 4,
    dnsDomain: undefined,
    dns: [],
    enableIPAM: true,
    isolated: false,
    internalId,
    ipRanges: [
      {
        uuid: prng.uuid(),
        l3NetworkUuid: uuid,
        name: `${name}-range`,
        startIp: `${prefix}.10`,
        endIp: `${prefix}.250`,
        netmask: "255.255.255.0",
        gateway: `${prefix}.1`,
        networkCidr: `${prefix}.0/24`,
        ipVersion: 4,
        ...stamp,
      },
    ],
    ...stamp,
  });
  const l3Networks = [
    l3(U.l3Private, "L3-Private", "Private", "192.168.100", 1),
    l3(U.l3Public, "L3-Public", "Public", "10.10.0", 2),
  ];
  const l3Map = new Map(l3Networks.map((n) => [n.uuid, n]));

  const conversionHosts: Row[] = [
    {
      uuid: U.convHost,
      name: "v2v-conversion-host-1",
      description: "VMware conversion host on kvm-host-1",
      hostUuid: U.host1,
      type: "VMWARE",
      storagePath: "/zstack/v2v-cache",
      state: "Enabled",
      totalSize: 4 * TiB,
      availableSize: 3 * TiB,
      hostStatus: "Connected",
      hostState: "Enabled",
      ...stamp,
    },
    {
      uuid: U.convHostDisabled,
      name: "v2v-conversion-host-2",
      description: "disabled conversion host on kvm-host-2",
      hostUuid: U.host2,
      type: "VMWARE",
      storagePath: "/zstack/v2v-cache",
      state: "Disabled",
      totalSize: 4 * TiB,
      availableSize: 4 * TiB,
      hostStatus: "Connected",
      hostState: "Enabled",
      ...stamp,
    },
  ];

  const vms: Row[] = [];
  const zsVm = (
    uuid: string,
    name: string,
    state: string,
    cpu: number,
    memGiB: number,
    disksGiB: number[],
    host: string,
  ) =>
    vms.push(
      buildVm(
        {
          uuid,
          name,
          description: "simulated ZStack VM",
          state,
          hypervisorType: "KVM",
          cpuNum: cpu,
          memorySize: memGiB * GiB,
          platform: "Linux",
          guestOsType: "CentOS 7",
          zoneUuid: U.zone,
          clusterUuid: U.cluster,
          hostUuid: host,
          lastHostUuid: host,
          primaryStorageUuid: U.primaryStorage,
          l3NetworkUuids: [U.l3Private],
          volumes: disksGiB.map((g) => ({ size: g * GiB, actualSize: Math.round(g * GiB * 0.35) })),
          createdAt: at,
        },
        prng,
        l3Map,
        vms,
      ),
    );
  zsVm(U.vmRunning, "app-server-1", "Running", 4, 8, [40], U.host1);
  zsVm(U.vmStopped, "legacy-db-1", "Stopped", 4, 16, [60, 100], U.host1);
  zsVm(U.vmStopped2, "legacy-web-1", "Stopped", 2, 4, [20], U.host2);
  zsVm(U.vmStopped3, "legacy-app-1", "Stopped", 2, 8, [40], U.host2);

  const esxVm = (
    uuid: string,
    name: string,
    state: string,
    cpu: number,
    memGiB: number,
    disksGiB: number[],
    platform: string,
    os: string,
  ) =>
    vms.push(
      buildVm(
        esxVmSpec({
          uuid,
          name,
          state,
          cpuNum: cpu,
          memorySize: memGiB * GiB,
          disks: disksGiB.map((g) => g * GiB),
          platform,
          guestOsType: os,
          createdAt: at,
        }),
        prng,
        l3Map,
        vms,
      ),
    );
  esxVm(U.vmwareWeb01, "vmware-web-01", "Running", 2, 4, [40], "Linux", "CentOS 7");
  esxVm(U.vmwareWeb02, "vmware-web-02", "Running", 2, 4, [40], "Linux", "CentOS 7");
  esxVm(U.vmwareDb01, "vmware-db-01", "Running", 8, 32, [100, 100], "Linux", "Red Hat Enterprise Linux 8");
  esxVm(U.vmwareApp01, "vmware-app-01", "Running", 4, 8, [80], "Linux", "Ubuntu 20.04");
  esxVm(U.vmwareApp02, "vmware-app-02", "Stopped", 4, 8, [60], "Windows", "Windows Server 2019");

  // the vCenter these VMware VMs come from: a simulated server, already registered and synchronised
  const vcenterServers: Row[] = [{ uuid: U.vcenterServer, ...SEED_VCENTER, reachable: true, ...stamp }];
  const vcenters: Row[] = [
    {
      uuid: U.vcenter,
      name: "vcenter-1",
      description: "simulated vCenter, registered",
      domainName: SEED_VCENTER.domainName,
      port: SEED_VCENTER.port,
      userName: SEED_VCENTER.username,
      password: SEED_VCENTER.password, // kept, never shown (the query renders the inventory's fields)
      zoneUuid: U.zone,
      version: SEED_VCENTER.version,
      https: true,
      state: "Enabled",
      status: "Connected",
      ...stamp,
    },
  ];
  const vcenterVms = vms
    .filter((vm) => vm.hypervisorType === "ESX")
    .map((vm) =>
      vcenterRowOf(
        vm,
        SEED_VCENTER.domainName,
        (vm.allVolumes as Row[]).map((v) => v.size as number),
      ),
    );

  const accounts: Row[] = [
    {
      uuid: U.adminAccount,
      name: SEED_CREDENTIALS.accountName,
      password: sha512Hex(SEED_CREDENTIALS.password),
      type: "SystemAdmin",
      state: "Enabled",
      ...stamp,
    },
  ];
  const accessKeys: Row[] = [
    {
      uuid: U.accessKey,
      accountUuid: U.adminAccount,
      userUuid: U.adminAccount,
      AccessKeyID: SEED_CREDENTIALS.accessKeyId,
      AccessKeySecret: SEED_CREDENTIALS.accessKeySecret,
      description: "seeded access key (the reference's test vector)",
      state: "Enabled",
      ...stamp,
    },
  ];

  return {
    format: "zstack-sim-world",
    version: 1,
    managementNodeUuid: DEFAULT_MN_UUID,
    tables: {
      zones,
      clusters,
      hosts,
      primaryStorages,
      backupStorages,
      l3Networks,
      conversionHosts,
      vms,
      longJobs: [],
      imagePackages: [],
      accessKeys,
      sessions: [],
      accounts,
      vcenters,
      vcenterServers,
      vcenterVms,
    },
  };
}
