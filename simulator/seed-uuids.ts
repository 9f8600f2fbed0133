/**
 * UUIDs of the simulator's default world. They are fixed so that the README, the examples, the
 * quickstart and the tests can name them. Every one is a dash-less version-4 UUID, so each also
 * passes ZStack's `resourceUuid` check.
 *
 * The access key and the admin account are ZStack's own values (docs/zstack-wire.md §4.1, §4.3).
 */
export const SEED_UUIDS = {
  zone: "f52465036bdd468499040edb9f879503",
  cluster: "ff46f3f80fc74fa68b33b22e078524c4",
  /** KVM host, Enabled/Connected */
  host1: "98afd9a0650048e0bc93a6b0fae4f6e2",
  /** KVM host, Enabled/Connected */
  host2: "f5f66e86904240b9b355b197a828795c",
  // --- conversion-host fidelity (V2vConversionHost) ---
  /** KVM host, Enabled/Connected, with no conversion host: free to become one */
  host3: "3c1d7e5b2a9f4e08b6d4c2a1f0e9d8c7",
  /** a VMware ESXi host known through vCenter (hypervisorType ESX): not usable as a conversion host */
  esxHost: "6e2b9d4f1c8a4b7e9f0d3c5a7b1e2d4f",
  // ---
  /** LocalStorage primary storage attached to the cluster */
  primaryStorage: "568c8fb94e544ce798704424af05bcc2",
  /** ImageStoreBackupStorage: OVA export target */
  bsImageStore: "da1d1df67794446da932739519c65751",
  /** SftpBackupStorage: not usable for OVA export */
  bsSftp: "028cb9a619054adb8cab466ee35a2fb9",
  l3Private: "00800f4179084aeca86ddf019fc3e45c",
  l3Public: "85bc0081ee434b86a3dd4e026881361c",
  /** V2V conversion host, type VMWARE, Enabled */
  convHost: "f93a4dd87b8849ea96e5b2df98aa1c8e",
  /** V2V conversion host, type VMWARE, Disabled */
  convHostDisabled: "17cfbc48108e4f9093605b2c4f10265d",
  /** ZStack VM, Running */
  vmRunning: "8007221c69624afaa2aab6f959c2cebd",
  /** ZStack VMs, Stopped: exportable as OVA */
  vmStopped: "a5af1e606b5143f9b57edb0ce8d14264",
  vmStopped2: "b71c3ed4edfe46bab046378d00af35ce",
  vmStopped3: "fbc0d10dd7e54ddbbd4b631a53c142c6",
  /** VMware source VMs (hypervisorType ESX), migrated with url `vmware://<uuid>` */
  vmwareWeb01: "24e0673e037a4cae904a40a071329d9e",
  vmwareWeb02: "9366710c51954ee5be1793428a1139e8",
  vmwareDb01: "234c5f9ca5d0421fb0f742c1b4f3f34d",
  vmwareApp01: "5155fc948952458b9e0ae91b89b4e940",
  vmwareApp02: "303c77659086488ca50a81082e3d4573",
  /** the registered vCenter (VCenterInventory) whose VMs are the VMware source VMs above */
  vcenter: "4b2f8d6e1a3c4e5f9a7b0c2d4e6f8a1b",
  /** the simulated vCenter server itself (the VMware side, not a ZStack inventory) */
  vcenterServer: "7c1e3a5b9d2f4a6c8e0b1d3f5a7c9e2b",
  /** uuid of the seeded access key (its id and secret are below) */
  accessKey: "0e663bec00044dc78d851faadc2a6166",
  /** AccountConstant.INITIAL_SYSTEM_ADMIN_UUID */
  adminAccount: "36c27e8ff05c4780bf6d2fa65700f22e",
} as const;

/** Default credentials of the seeded world. */
export const SEED_CREDENTIALS = {
  accountName: "admin",
  password: "password",
  /** the access-key test vector of ZStack's documentation (docs/zstack-wire.md §4.3) */
  accessKeyId: "vvSZpmj4cnB53qUDmm6E",
  accessKeySecret: "8heumeFTvIeZxkTGfEYvVi9qVVPd9ffQNDALSPPb",
} as const;

/** The simulated vCenter server of the seeded world (the VMware side): what AddVCenter must be given. */
export const SEED_VCENTER = {
  domainName: "vcenter.sim.local",
  username: "administrator@vsphere.local",
  password: "VMware1!",
  port: 443,
  version: "7.0.3",
} as const;
