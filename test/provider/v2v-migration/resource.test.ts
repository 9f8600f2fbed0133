// The V2vMigration provider called directly (check/diff/create/read/update/delete) against the
// simulator over real HTTP, with a virtual clock: every wait is instant and deterministic.
import * as assert from "assert";
import { SEED_UUIDS as U } from "../../../simulator";
import { ZStackConfigError, schemas } from "../../../provider/client";
import { ResourceInitError } from "../../../provider/hosts/dynamic/providers";
import { RemigrationError } from "../../../provider/v2v-migration/remigration-guard";
import { RELEASED_MARK, isReleased } from "../../../provider/v2v-migration/earlier-migrations";
import { UNKNOWN } from "../../../provider/core/values";
import { V2vMigrationProvider } from "../../../provider/hosts/dynamic/providers";
import { V2vMigrationInputs, V2vMigrationOutputs } from "../../../provider/v2v-migration/inputs";
import { Sim, accountConfig, config, newSim, rejection, routeCount, v2vHarness, virtualClock } from "../helpers";

const GiB = 1024 ** 3;
const KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----";

function inputs(over: Partial<Record<keyof V2vMigrationInputs, unknown>> = {}): V2vMigrationInputs {
  return {
    url: `vmware://${U.vmwareWeb01}`,
    name: "web-01",
    description: "migrated web server",
    conversionHostUuid: U.convHost,
    cpuNum: 2,
    memorySize: 4 * GiB,
    zoneUuid: U.zone,
    clusterUuid: U.cluster,
    hostUuid: U.host1,
    primaryStorageUuid: U.primaryStorage,
    l3NetworkUuids: [U.l3Private, U.l3Public],
    defaultL3NetworkUuid: U.l3Private,
    platform: "Linux",
    type: "UserVm",
    strategy: "InstantStart",
    convertStrategy: "CapacityOptimized",
    longJobName: "migrate web-01",
    longJobDescription: "wave 1",
    resourceUuid: "1c2d3e4f5a6b4c7d8e9f0a1b2c3d4e5f",
    sshPrivKey: KEY,
    pauseVm: false,
    volumeFilters: [{ deviceId: "vdb", skip: false }],
    tagUuids: [],
    systemTags: [],
    userTags: ["wave::1"],
    timeouts: { create: "6h", delete: "30m" },
    waitForCompletion: true,
    deleteMigratedVm: false,
    ...over,
  } as V2vMigrationInputs;
}

const asRecord = (x: unknown) => x as Record<string, unknown>;

describe("V2vMigration provider: check (local validation)", () => {
  // no endpoint configured: only local validation runs
  const provider = new V2vMigrationProvider({ log: () => undefined });
  before(() => provider.configure({ config: config({}) }));

  it("accepts a complete, valid set of inputs and keeps the given resourceUuid", async () => {
    const r = await provider.check({}, asRecord(inputs()));
    assert.deepStrictEqual(r.failures, []);
    assert.strictEqual(r.inputs.resourceUuid, "1c2d3e4f5a6b4c7d8e9f0a1b2c3d4e5f");
  });

  it("warns when memorySize is under 64 MiB (bytes meant as GiB), without failing", async () => {
    const lines: string[] = [];
    const p = new V2vMigrationProvider({ log: (l) => lines.push(l) });
    await p.configure({ config: config({}) });
    const r = await p.check({}, asRecord(inputs({ memorySize: 4 })));
    assert.deepStrictEqual(r.failures, []);
    assert.ok(
      lines.some((l) => /memorySize is 4 bytes .*did you mean 4 GiB/.test(l)),
      lines.join("\n"),
    );
    const big: string[] = [];
    const q = new V2vMigrationProvider({ log: (l) => big.push(l) });
    await q.configure({ config: config({}) });
    await q.check({}, asRecord(inputs({ memorySize: 4 * 1024 ** 3 })));
    assert.deepStrictEqual(big, []);
  });

  it("fills a missing resourceUuid, and keeps the previous one on later checks", async () => {
    const first = await provider.check({}, asRecord(inputs({ resourceUuid: undefined })));
    assert.match(String(first.inputs.resourceUuid), /^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$/);
    const again = await provider.check(first.inputs, asRecord(inputs({ resourceUuid: undefined })));
    assert.strictEqual(again.inputs.resourceUuid, first.inputs.resourceUuid);
  });

  it("uses the SDK's defaultResourceUuid for a new resource, and keeps a recorded uuid over a new default", async () => {
    const derived = "7d2d3e4f5a6b5c7d8e9f0a1b2c3d4e5f";
    const fresh = await provider.check(
      {},
      { ...asRecord(inputs({ resourceUuid: undefined })), defaultResourceUuid: derived },
    );
    assert.deepStrictEqual(fresh.failures, []);
    assert.strictEqual(fresh.inputs.resourceUuid, derived);
    assert.ok(!("defaultResourceUuid" in fresh.inputs), "defaultResourceUuid must not reach the state");
    // a renamed stack or resource derives another default: the recorded uuid stays, nothing is replaced
    const renamed = await provider.check(fresh.inputs, {
      ...asRecord(inputs({ resourceUuid: undefined })),
      defaultResourceUuid: "8e2d3e4f5a6b5c7d8e9f0a1b2c3d4e5f",
    });
    assert.strictEqual(renamed.inputs.resourceUuid, derived);
    const olds = { ...fresh.inputs, uuid: derived, state: "Succeeded" };
    assert.deepStrictEqual(await new V2vMigrationProvider().diff(derived, olds, renamed.inputs), {
      changes: false,
      replaces: [],
    });
    // a resourceUuid the program sets wins, and changing it replaces (a Succeeded job: with the opt-in)
    const explicit = await provider.check(fresh.inputs, {
      ...asRecord(inputs({ resourceUuid: "9f2d3e4f5a6b4c7d8e9f0a1b2c3d4e5f", allowRemigration: true })),
      defaultResourceUuid: derived,
    });
    assert.strictEqual(explicit.inputs.resourceUuid, "9f2d3e4f5a6b4c7d8e9f0a1b2c3d4e5f");
    assert.deepStrictEqual((await new V2vMigrationProvider().diff(derived, olds, explicit.inputs)).replaces, [
      "resourceUuid",
    ]);
  });

  const MSG = "org.zstack.v2v.APIConvertVmFromForeignHypervisorMsg";
  const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
    ["neither url nor sourceVmName", { url: undefined }, "url", /exactly one of url and sourceVmName must be set/],
    [
      "both url and sourceVmName",
      { sourceVmName: "vmware-web-01" },
      "sourceVmName",
      /exactly one of url and sourceVmName must be set, not both/,
    ],
    ["sourceVmName empty", { url: undefined, sourceVmName: " " }, "sourceVmName", /cannot be an empty string/],
    ["sourceVmName not a string", { url: undefined, sourceVmName: 7 }, "sourceVmName", /must be a string/],
    ["name missing", { name: undefined }, "name", /field\[name\].*is mandatory/],
    [
      "cpuNum missing for a source that is not VMware",
      { url: "kvm://10.0.0.9/vm-1", cpuNum: undefined },
      "cpuNum",
      new RegExp(`field\\[cpuNum\\] of message\\[${MSG}\\] is mandatory.*only for a VMware source`),
    ],
    [
      "memorySize missing for a source that is not VMware",
      { url: "kvm://10.0.0.9/vm-1", memorySize: undefined },
      "memorySize",
      /is mandatory/,
    ],
    ["primaryStorageUuid missing", { primaryStorageUuid: undefined }, "primaryStorageUuid", /is mandatory/],
    ["l3NetworkUuids missing", { l3NetworkUuids: undefined }, "l3NetworkUuids", /is mandatory/],
    ["url not a string", { url: 42 }, "url", /must be a string/],
    ["url empty", { url: " " }, "url", /cannot be an empty string/],
    [
      "url too long",
      { url: "x".repeat(1025) },
      "url",
      /exceeds max length of string. expected was <= 1024, actual was 1025/,
    ],
    ["malformed vmware url", { url: "vmware://web-01" }, "url", /vmware:\/\/<uuid/],
    ["name too long", { name: "n".repeat(256) }, "name", /expected was <= 255/],
    ["description too long", { description: "d".repeat(2049) }, "description", /expected was <= 2048/],
    ["cpuNum zero", { cpuNum: 0 }, "cpuNum", /field\[cpuNum\] must be in range of \[1, 1024\]/],
    ["cpuNum too big", { cpuNum: 1025 }, "cpuNum", /range of \[1, 1024\]/],
    ["cpuNum fractional", { cpuNum: 1.5 }, "cpuNum", /\[cpuNum\] field is excepted an int or long, but was \[1.5\]/],
    ["cpuNum a string", { cpuNum: "2" }, "cpuNum", /must be a number/],
    ["memorySize zero", { memorySize: 0 }, "memorySize", /must be in range of \[1, /],
    ["bad conversionHostUuid", { conversionHostUuid: "not-a-uuid" }, "conversionHostUuid", /32 hexadecimal characters/],
    ["bad zoneUuid", { zoneUuid: "1234" }, "zoneUuid", /32 hexadecimal/],
    ["bad clusterUuid", { clusterUuid: "g".repeat(32) }, "clusterUuid", /32 hexadecimal/],
    ["bad hostUuid", { hostUuid: "4f1" }, "hostUuid", /32 hexadecimal/],
    ["bad primaryStorageUuid", { primaryStorageUuid: "ps" }, "primaryStorageUuid", /32 hexadecimal/],
    [
      "empty l3NetworkUuids",
      { l3NetworkUuids: [] },
      "l3NetworkUuids",
      /field\[l3NetworkUuids\] must be a nonempty list/,
    ],
    [
      "null in l3NetworkUuids",
      { l3NetworkUuids: [U.l3Private, null] },
      "l3NetworkUuids",
      /cannot contain a NULL element/,
    ],
    ["bad uuid in l3NetworkUuids", { l3NetworkUuids: ["l3"] }, "l3NetworkUuids", /not a 32-character hex UUID/],
    ["l3NetworkUuids not a list", { l3NetworkUuids: U.l3Private }, "l3NetworkUuids", /must be a list/],
    [
      "default L3 not among the L3s",
      { defaultL3NetworkUuid: "a".repeat(32) },
      "defaultL3NetworkUuid",
      /is not in l3NetworkUuids/,
    ],
    [
      "bad platform",
      { platform: "Solaris" },
      "platform",
      /valid value for field\[platform\] of message\[.*\] are \[Linux, Windows, WindowsVirtio, Paravirtualization, Other\], but Solaris found/,
    ],
    ["bad type", { type: "Container" }, "type", /are \[UserVm, ApplianceVm\], but Container found/],
    ["bad strategy", { strategy: "Later" }, "strategy", /are \[InstantStart, JustConvert\]/],
    [
      "bad convertStrategy",
      { convertStrategy: "Fast" },
      "convertStrategy",
      /are \[CapacityOptimized, EfficiencyFirst\]/,
    ],
    ["longJobName too long", { longJobName: "j".repeat(256) }, "longJobName", /expected was <= 255/],
    [
      "longJobDescription too long",
      { longJobDescription: "j".repeat(2049) },
      "longJobDescription",
      /expected was <= 2048/,
    ],
    [
      "resourceUuid with dashes",
      { resourceUuid: "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f" },
      "resourceUuid",
      /resourceUuid\[.*\] is not a valid uuid/,
    ],
    [
      "resourceUuid of version 0",
      { resourceUuid: "1c2d3e4f5a6b0c7d8e9f0a1b2c3d4e5f" },
      "resourceUuid",
      /is not a valid uuid/,
    ],
    ["sshPrivKey not a string", { sshPrivKey: 1 }, "sshPrivKey", /must be a string/],
    ["pauseVm not a boolean", { pauseVm: "yes" }, "pauseVm", /must be true or false/],
    ["waitForCompletion not a boolean", { waitForCompletion: 1 }, "waitForCompletion", /must be true or false/],
    ["deleteMigratedVm not a boolean", { deleteMigratedVm: "false" }, "deleteMigratedVm", /must be true or false/],
    ["allowRemigration not a boolean", { allowRemigration: "true" }, "allowRemigration", /must be true or false/],
    ["volumeFilters element not an object", { volumeFilters: ["vdb"] }, "volumeFilters", /is not an object/],
    ["bad tagUuids", { tagUuids: ["tag"] }, "tagUuids", /not a 32-character hex UUID/],
    ["empty system tag", { systemTags: [""] }, "systemTags", /not a non-empty string/],
    ["user tag not a string", { userTags: [3] }, "userTags", /not a non-empty string/],
    ["timeouts not an object", { timeouts: "3h" }, "timeouts", /must be an object/],
    ["unknown timeout", { timeouts: { update: "1h" } }, "timeouts", /timeouts.update is not a known timeout/],
    ["bad duration", { timeouts: { create: "three hours" } }, "timeouts", /positive duration/],
    ["zero duration", { timeouts: { delete: "0s" } }, "timeouts", /positive duration/],
    ["bad adoptUuid", { adoptUuid: "job" }, "adoptUuid", /32 hexadecimal/],
    ["unknown input", { cpus: 2 }, "cpus", /not an input of V2vMigration/],
  ];
  for (const [what, patch, property, reason] of cases) {
    it(`reports ${what} on ${property}`, async () => {
      const r = await provider.check({}, asRecord(inputs(patch)));
      const f = r.failures.filter((x) => x.property === property);
      assert.strictEqual(f.length, 1, JSON.stringify(r.failures));
      assert.match(f[0].reason, reason);
      assert.strictEqual(r.failures.length, 1, `unexpected extra failures: ${JSON.stringify(r.failures)}`);
    });
  }

  it("reports one failure per property when many are wrong", async () => {
    const r = await provider.check(
      {},
      asRecord(inputs({ url: undefined, cpuNum: 0, platform: "x", l3NetworkUuids: [] })),
    );
    assert.deepStrictEqual(r.failures.map((f) => f.property).sort(), ["cpuNum", "l3NetworkUuids", "platform", "url"]);
  });

  it("tolerates the preview sentinel in every input", async () => {
    const all: Record<string, unknown> = {};
    for (const k of Object.keys(inputs())) all[k] = UNKNOWN;
    all.l3NetworkUuids = [U.l3Private, UNKNOWN];
    all.defaultL3NetworkUuid = U.l3Public;
    const r = await provider.check({}, all);
    assert.deepStrictEqual(r.failures, []);
  });

  it("cpuNum and memorySize may be unset for a VMware source (by url or by name): they default to the source VM's", async () => {
    for (const source of [{}, { url: undefined, sourceVmName: "vmware-web-01" }]) {
      const r = await provider.check({}, asRecord(inputs({ ...source, cpuNum: undefined, memorySize: undefined })));
      assert.deepStrictEqual(r.failures, []);
      // no ZStack to ask (no endpoint): nothing is resolved, create does it
      assert.strictEqual(r.inputs.cpuNum, undefined);
    }
  });

  it("with adoptUuid, the conversion inputs are optional", async () => {
    const r = await provider.check({}, { adoptUuid: "a".repeat(32) });
    assert.deepStrictEqual(r.failures, []);
  });
});

describe("V2vMigration provider: check against ZStack", () => {
  let sim: Sim;
  let provider: V2vMigrationProvider;
  before(async () => (sim = await newSim()));
  // a provider per test: one provider process is one run, whose checks share what ZStack answered
  beforeEach(async () => ({ provider } = await v2vHarness(sim)));
  after(async () => sim.stop());

  const random = "0123456789abcdef0123456789abcdef";
  const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
    [
      "an unknown source VM",
      { url: `vmware://${random}` },
      "url",
      /invalid field\[url\], resource\[uuid:0123456789abcdef0123456789abcdef, type:VmInstanceVO\] not found/,
    ],
    [
      "a source VM that is not VMware",
      { url: `vmware://${U.vmRunning}` },
      "url",
      /is a KVM VM, not a VMware \(ESX\) VM/,
    ],
    [
      "an unknown conversion host",
      { conversionHostUuid: random },
      "conversionHostUuid",
      /type:V2VConversionHostVO\] not found/,
    ],
    [
      "a Disabled conversion host",
      { conversionHostUuid: U.convHostDisabled },
      "conversionHostUuid",
      /is Disabled; only an Enabled conversion host/,
    ],
    [
      "an unknown primary storage",
      { primaryStorageUuid: random },
      "primaryStorageUuid",
      /type:PrimaryStorageVO\] not found/,
    ],
    [
      "an unknown L3 network",
      { l3NetworkUuids: [U.l3Private, random], defaultL3NetworkUuid: U.l3Private },
      "l3NetworkUuids",
      /resource\[uuids:\[0123456789abcdef0123456789abcdef\], type:L3NetworkVO\] not found/,
    ],
    ["an unknown zone", { zoneUuid: random }, "zoneUuid", /type:ZoneVO\] not found/],
    ["an unknown cluster", { clusterUuid: random }, "clusterUuid", /type:ClusterVO\] not found/],
    ["an unknown host", { hostUuid: random }, "hostUuid", /type:HostVO\] not found/],
  ];
  it("accepts references that exist and are usable", async () => {
    const r = await provider.check({}, asRecord(inputs()));
    assert.deepStrictEqual(r.failures, []);
  });
  for (const [what, patch, property, reason] of cases) {
    it(`reports ${what}`, async () => {
      const r = await provider.check({}, asRecord(inputs(patch)));
      assert.deepStrictEqual(
        r.failures.map((f) => f.property),
        [property],
      );
      assert.match(r.failures[0].reason, reason);
    });
  }

  const unusableCases: Array<
    [string, string, string, Record<string, unknown>, Record<string, unknown>, string, RegExp]
  > = [
    [
      "a Disabled primary storage",
      "primaryStorages",
      U.primaryStorage,
      { state: "Disabled" },
      {},
      "primaryStorageUuid",
      /primary storage\[uuid:568c8fb94e544ce798704424af05bcc2\] is Disabled; it must be Enabled/,
    ],
    [
      "a Disconnected primary storage",
      "primaryStorages",
      U.primaryStorage,
      { status: "Disconnected" },
      {},
      "primaryStorageUuid",
      /is Disconnected; it must be Connected/,
    ],
    [
      "a Disabled L3 network",
      "l3Networks",
      U.l3Public,
      { state: "Disabled" },
      { l3NetworkUuids: [U.l3Private, U.l3Public] },
      "l3NetworkUuids",
      /L3 network\[uuid:85bc0081ee434b86a3dd4e026881361c\] is Disabled/,
    ],
    // host2, not host1: host1 carries the conversion host, whose hostState follows it (simulator/assumptions.ts)
    [
      "a host in Maintenance",
      "hosts",
      U.host2,
      { state: "Maintenance" },
      { hostUuid: U.host2 },
      "hostUuid",
      /host\[uuid:f5f66e86904240b9b355b197a828795c\] is Maintenance; it must be Enabled/,
    ],
    [
      "a conversion host whose KVM host is Disconnected",
      "conversionHosts",
      U.convHost,
      { hostStatus: "Disconnected" },
      {},
      "conversionHostUuid",
      /KVM host of V2V conversion host\[uuid:f93a4dd87b8849ea96e5b2df98aa1c8e\] is Disconnected/,
    ],
  ];
  for (const [what, table, uuid, change, patch, property, reason] of unusableCases) {
    it(`reports ${what} (exists, but a conversion cannot use it)`, async () => {
      const before = { ...sim.world.get(table as "hosts", uuid)! };
      sim.world.update(table as "hosts", uuid, change);
      try {
        const r = await provider.check({}, asRecord(inputs(patch)));
        assert.deepStrictEqual(
          r.failures.map((f) => f.property),
          [property],
        );
        assert.match(r.failures[0].reason, reason);
      } finally {
        sim.world.update(table as "hosts", uuid, Object.fromEntries(Object.keys(change).map((k) => [k, before[k]])));
      }
    });
  }

  it("does not re-check references of an existing resource whose conversion inputs are unchanged", async () => {
    const olds = asRecord(inputs({ conversionHostUuid: U.convHostDisabled }));
    const r = await provider.check(
      olds,
      asRecord(inputs({ conversionHostUuid: U.convHostDisabled, longJobName: "renamed" })),
    );
    assert.deepStrictEqual(r.failures, []);
  });

  it("checks an adoptUuid: it must name an existing V2V long job", async () => {
    const r = await provider.check({}, { adoptUuid: random });
    assert.deepStrictEqual(
      r.failures.map((f) => f.property),
      ["adoptUuid"],
    );
    assert.match(r.failures[0].reason, /type:LongJobVO\] not found/);
  });

  it("is switched off by zstack:validateReferences=false", async () => {
    const p = new V2vMigrationProvider({ clock: virtualClock(sim), log: () => undefined });
    await p.configure({ config: accountConfig(sim, { "zstack:validateReferences": "false" }) });
    const r = await p.check(
      {},
      asRecord(inputs({ conversionHostUuid: U.convHostDisabled, primaryStorageUuid: random })),
    );
    assert.deepStrictEqual(r.failures, []);
  });

  it("fails, naming the endpoint, when ZStack is not reachable (a wrong zstack:endpoint must not pass a preview)", async () => {
    const notes: string[] = [];
    const password = "N0t-in-any-note-9f3e";
    const p = new V2vMigrationProvider({
      clock: virtualClock(sim),
      log: (l) => notes.push(l),
      retry: { maxRetries: 1 },
    });
    await p.configure({
      config: accountConfig(sim, { "zstack:endpoint": "http://127.0.0.1:1", "zstack:password": password }),
    });
    const r = await p.check({}, asRecord(inputs({ primaryStorageUuid: random })));
    assert.deepStrictEqual(
      r.failures.map((f) => f.property),
      ["zstack:endpoint"],
    );
    assert.match(
      r.failures[0].reason,
      /cannot check the references against ZStack at http:\/\/127\.0\.0\.1:1\/zstack.*zstack:validateReferences to false/,
    );
    assert.ok(
      [...notes, r.failures[0].reason].every((l) => !l.includes(password)),
      notes.join("\n"),
    );
  });
});

describe("V2vMigration provider: diff", () => {
  const provider = new V2vMigrationProvider();
  const olds = (over: Record<string, unknown> = {}) => ({
    ...asRecord(inputs()),
    uuid: "u",
    state: "Succeeded",
    longJobName: "migrate web-01",
    __provider: "old code",
    ...over,
  });

  it("reports no change when nothing changed (and ignores __provider)", async () => {
    assert.deepStrictEqual(await provider.diff("u", olds(), { ...asRecord(inputs()), __provider: "new code" }), {
      changes: false,
      replaces: [],
    });
  });

  const replacing: Array<[string, unknown]> = [
    ["url", `vmware://${U.vmwareWeb02}`],
    ["name", "web-01b"],
    ["description", "x"],
    ["conversionHostUuid", U.convHostDisabled],
    ["cpuNum", 4],
    ["memorySize", GiB],
    ["zoneUuid", undefined],
    ["clusterUuid", undefined],
    ["hostUuid", undefined],
    ["primaryStorageUuid", "a".repeat(32)],
    ["l3NetworkUuids", [U.l3Public, U.l3Private]],
    ["defaultL3NetworkUuid", U.l3Public],
    ["platform", "Windows"],
    ["type", "ApplianceVm"],
    ["strategy", "JustConvert"],
    ["resourceUuid", "2c2d3e4f5a6b4c7d8e9f0a1b2c3d4e5f"],
    ["convertStrategy", "EfficiencyFirst"],
    ["sshPrivKey", "other"],
    ["pauseVm", true],
    ["volumeFilters", []],
    ["tagUuids", ["b".repeat(32)]],
    ["systemTags", ["x::y"]],
    ["userTags", []],
    ["adoptUuid", "c".repeat(32)],
  ];
  for (const [key, value] of replacing) {
    it(`replaces (delete before replace) when ${key} changes (a Succeeded job with allowRemigration, or one that failed)`, async () => {
      const d = await provider.diff("u", olds(), asRecord(inputs({ [key]: value, allowRemigration: true })));
      assert.deepStrictEqual(d, { changes: true, replaces: [key], deleteBeforeReplace: true });
      const failed = await provider.diff("u", olds({ state: "Failed" }), asRecord(inputs({ [key]: value })));
      assert.deepStrictEqual(failed, { changes: true, replaces: [key], deleteBeforeReplace: true });
    });
    it(`refuses to replace a Succeeded migration when ${key} changes (the re-migration guard)`, async () => {
      const e = await rejection(() =>
        provider.diff("u", olds({ vmUuid: "v".repeat(32) }), asRecord(inputs({ [key]: value }))),
      );
      assert.ok(e instanceof RemigrationError, String(e));
      assert.deepStrictEqual(e.changed, [key]);
      assert.match(
        e.message,
        new RegExp(
          `^V2vMigration "web-01" was already migrated: long job u Succeeded and created VM ${"v".repeat(32)}\\.`,
        ),
      );
      assert.match(e.message, new RegExp(`The change to ${key} would replace this resource`));
    });
  }

  for (const [key, value] of [
    ["longJobName", "renamed"],
    ["longJobDescription", "wave 2"],
    ["timeouts", { create: "1h" }],
    ["waitForCompletion", false],
    ["deleteMigratedVm", true],
    ["allowRemigration", true],
  ] as const) {
    it(`updates in place when ${key} changes`, async () => {
      assert.deepStrictEqual(await provider.diff("u", olds(), asRecord(inputs({ [key]: value }))), {
        changes: true,
        replaces: [],
      });
    });
  }

  it("does not treat an unset longJobName as a change (ZStack's default name stays)", async () => {
    const d = await provider.diff(
      "u",
      olds({ longJobName: "APIConvertVmFromForeignHypervisorMsg" }),
      asRecord(inputs({ longJobName: undefined })),
    );
    assert.deepStrictEqual(d, { changes: false, replaces: [] });
  });

  it("counts unknown values as changes", async () => {
    assert.deepStrictEqual(await provider.diff("u", olds(), asRecord(inputs({ cpuNum: UNKNOWN }))), {
      changes: true,
      replaces: ["cpuNum"],
      deleteBeforeReplace: true,
    });
    assert.deepStrictEqual(await provider.diff("u", olds(), asRecord(inputs({ longJobName: UNKNOWN }))), {
      changes: true,
      replaces: [],
    });
  });

  it("a recorded job that is not Succeeded is an in-place change (the next up finishes it)", async () => {
    for (const state of ["Failed", "Canceled", "Running"]) {
      assert.deepStrictEqual(await provider.diff("u", olds({ state }), asRecord(inputs())), {
        changes: true,
        replaces: [],
      });
    }
    assert.deepStrictEqual(
      await provider.diff("u", olds({ state: "Running" }), asRecord(inputs({ waitForCompletion: false }))),
      {
        changes: true,
        replaces: [],
      },
    );
    assert.deepStrictEqual(
      await provider.diff(
        "u",
        olds({ state: "Running", waitForCompletion: false }),
        asRecord(inputs({ waitForCompletion: false })),
      ),
      { changes: false, replaces: [] },
    );
  });
});

describe("V2vMigration provider: the re-migration guard (diff of a Succeeded migration)", () => {
  const provider = new V2vMigrationProvider();
  const VM = "9d8c7b6a5f4e4d3c2b1a0f9e8d7c6b5a";
  const olds = (over: Record<string, unknown> = {}) => ({
    ...asRecord(inputs()),
    uuid: "u",
    state: "Succeeded",
    vmUuid: VM,
    ...over,
  });
  const refusal = (o: Record<string, unknown>, news: Record<string, unknown>) =>
    rejection(() => provider.diff("u", o, news));

  it("one error: already migrated (VM and job uuids), the changed inputs by name only, what applying does, how to proceed", async () => {
    const e = await refusal(olds(), asRecord(inputs({ cpuNum: 17, sshPrivKey: "other-key-MARKER" })));
    assert.ok(e instanceof RemigrationError, String(e));
    assert.deepStrictEqual(e.changed, ["cpuNum", "sshPrivKey"]);
    assert.strictEqual(
      e.message,
      [
        `V2vMigration "web-01" was already migrated: long job u Succeeded and created VM ${VM}.`,
        "The change to cpuNum, sshPrivKey would replace this resource: the conversion would run again and leave a second VM next to the first.",
        "To proceed, either:",
        "  - revert the change to cpuNum, sshPrivKey;",
        '  - or keep the migration as it is and add ["cpuNum","sshPrivKey"] to this resource\'s ignoreChanges option (in a MigrationPlan: to the entry\'s ignoreChanges);',
        `  - or set allowRemigration: true on this resource to migrate it again (a replace: the old long-job record is deleted, the migrated VM ${VM} is kept (deleteMigratedVm is not set), and a new conversion is submitted).`,
      ].join("\n"),
    );
    for (const value of ["other-key-MARKER", "b3BlbnNzaC1rZXktdjEAAAAA", "17"])
      assert.ok(!e.message.includes(value), `the error shows a value: ${value}`);
    // the dynamic-provider server logs `${e}: ${e.stack}`: one line, no stack trace, no message repeated
    assert.strictEqual(
      `${e}: ${e.stack}`,
      'RemigrationError: V2vMigration "web-01": re-migration refused: the error shown for this resource says why, and how to proceed',
    );
  });

  it("says the migrated VM is destroyed when the recorded deleteMigratedVm is set", async () => {
    const e = await refusal(olds({ deleteMigratedVm: true }), asRecord(inputs({ cpuNum: 4, deleteMigratedVm: true })));
    assert.match(
      e.message,
      /the migrated VM would be destroyed \(deleteMigratedVm is set\) and a new one made from the source/,
    );
    assert.match(
      e.message,
      new RegExp(`the migrated VM ${VM} is destroyed and expunged \\(deleteMigratedVm is set\\)`),
    );
  });

  it("the program's allowRemigration decides, not the recorded one", async () => {
    const e = await refusal(olds({ allowRemigration: true }), asRecord(inputs({ cpuNum: 4 })));
    assert.ok(e instanceof RemigrationError, String(e));
    const d = await provider.diff("u", olds(), asRecord(inputs({ cpuNum: 4, allowRemigration: true })));
    assert.deepStrictEqual(d, { changes: true, replaces: ["cpuNum"], deleteBeforeReplace: true });
  });

  it("does not block in-place updates of a Succeeded migration", async () => {
    const news = asRecord(
      inputs({
        longJobName: "renamed",
        longJobDescription: "wave 2",
        timeouts: { create: "1h" },
        deleteMigratedVm: true,
      }),
    );
    assert.deepStrictEqual(await provider.diff("u", olds(), news), { changes: true, replaces: [] });
  });

  it("keeps today's behaviour for a job that has not Succeeded: it replaces", async () => {
    for (const state of ["Failed", "Canceled", "Running", "Waiting", "Suspended"]) {
      const d = await provider.diff("u", olds({ state, vmUuid: undefined }), asRecord(inputs({ cpuNum: 4 })));
      assert.deepStrictEqual(d, { changes: true, replaces: ["cpuNum"], deleteBeforeReplace: true }, state);
    }
    const notWaited = olds({ state: "Running", vmUuid: undefined, waitForCompletion: false });
    assert.deepStrictEqual(
      await provider.diff("u", notWaited, asRecord(inputs({ cpuNum: 4, waitForCompletion: false }))),
      {
        changes: true,
        replaces: ["cpuNum"],
        deleteBeforeReplace: true,
      },
    );
  });

  it("leaves a change it cannot see yet (an unknown in preview) to up, and refuses the known ones", async () => {
    assert.deepStrictEqual((await provider.diff("u", olds(), asRecord(inputs({ cpuNum: UNKNOWN })))).replaces, [
      "cpuNum",
    ]);
    const e = await refusal(olds(), asRecord(inputs({ cpuNum: UNKNOWN, memorySize: GiB })));
    assert.deepStrictEqual(e.changed, ["memorySize"]);
  });

  it("follows the ignore rules first: an unset cpuNum, memorySize or url (sourceVmName given) is the recorded one", async () => {
    const byName = asRecord(
      inputs({ url: undefined, sourceVmName: "vmware-web-01", cpuNum: undefined, memorySize: undefined }),
    );
    assert.deepStrictEqual(await provider.diff("u", olds({ sourceVmName: "vmware-web-01" }), byName), {
      changes: false,
      replaces: [],
    });
  });
});

describe("V2vMigration provider: the re-migration guard against the simulator", () => {
  let sim: Sim;
  beforeEach(async () => (sim = await newSim({ jobDurations: { v2vMs: 30 * 60_000 } })));
  afterEach(async () => sim.stop());
  const submitted = () => routeCount(sim, /^POST \/v1\/v2vs$/);

  it("a Succeeded migration: check + diff of a changed cpuNum refuse it, nothing is sent; allowRemigration replaces it", async () => {
    const { provider } = await v2vHarness(sim);
    const created = await provider.check({}, asRecord(inputs()));
    const { id, outs } = await provider.create(created.inputs as unknown as V2vMigrationInputs);
    assert.strictEqual(outs.state, "Succeeded");
    const writes = () => routeCount(sim, /^(POST|PUT|DELETE) /);
    const writesBefore = writes();

    const changed = await provider.check(created.inputs, asRecord(inputs({ cpuNum: 4 })));
    assert.deepStrictEqual(changed.failures, []);
    const e = await rejection(() => provider.diff(id, asRecord(outs), changed.inputs));
    assert.ok(e instanceof RemigrationError, String(e));
    assert.match(e.message, new RegExp(`long job ${id} Succeeded and created VM ${outs.vmUuid}\\.`));
    assert.strictEqual(submitted(), 1);
    assert.strictEqual(writes(), writesBefore, "nothing but queries was sent to ZStack");
    assert.strictEqual(sim.world.get("longJobs", id)!.state, "Succeeded");

    // the engine's replace: delete the old one, create the new one (same recorded resourceUuid)
    const optedIn = await provider.check(created.inputs, asRecord(inputs({ cpuNum: 4, allowRemigration: true })));
    assert.deepStrictEqual(await provider.diff(id, asRecord(outs), optedIn.inputs), {
      changes: true,
      replaces: ["cpuNum"],
      deleteBeforeReplace: true,
    });
    await provider.delete(id, outs);
    const again = await provider.create(optedIn.inputs as unknown as V2vMigrationInputs);
    assert.strictEqual(again.outs.state, "Succeeded");
    assert.strictEqual(again.outs.allowRemigration, true);
    assert.strictEqual(submitted(), 2);
    assert.notStrictEqual(again.outs.vmUuid, outs.vmUuid);
    assert.ok(sim.world.get("vms", outs.vmUuid!), "the first migrated VM is kept");
  });

  it("a recorded failure (partial create) that is changed replaces without the opt-in", async () => {
    const { provider } = await v2vHarness(sim);
    sim.faults.failNextJob("v2v", { details: "virt-v2v: disk copy failed" });
    const e = await rejection(() => provider.create({ ...inputs(), __provider: "code" } as V2vMigrationInputs));
    assert.ok(e instanceof ResourceInitError, String(e));
    assert.strictEqual(e.properties.state, "Failed");
    const d = await provider.diff(e.id, e.properties, asRecord(inputs({ cpuNum: 4 })));
    assert.deepStrictEqual(d, { changes: true, replaces: ["cpuNum"], deleteBeforeReplace: true });
  });

  it("waitForCompletion: false replaces while the job runs, and is guarded once refresh records it Succeeded", async () => {
    const { provider } = await v2vHarness(sim);
    const { id, outs } = await provider.create(inputs({ waitForCompletion: false }));
    assert.strictEqual(outs.state, "Running");
    const news = asRecord(inputs({ waitForCompletion: false, cpuNum: 4 }));
    assert.deepStrictEqual((await provider.diff(id, asRecord(outs), news)).replaces, ["cpuNum"]);
    sim.advance(31 * 60_000);
    const refreshed = await provider.read(id, outs);
    assert.strictEqual(refreshed.props?.state, "Succeeded");
    const e = await rejection(() => provider.diff(id, asRecord(refreshed.props), news));
    assert.ok(e instanceof RemigrationError, String(e));
    assert.strictEqual(submitted(), 1);
  });
});

describe("V2vMigration provider: never twice, even after the resource left the stack", () => {
  let sim: Sim;
  beforeEach(async () => (sim = await newSim({ jobDurations: { v2vMs: 30 * 60_000 } })));
  afterEach(async () => sim.stop());
  const submitted = () => routeCount(sim, /^POST \/v1\/v2vs$/);

  async function migratedThenRemoved(provider: V2vMigrationProvider) {
    const checked = await provider.check({}, asRecord(inputs()));
    const { id, outs } = await provider.create(checked.inputs as unknown as V2vMigrationInputs);
    assert.strictEqual(outs.state, "Succeeded");
    await provider.delete(id, outs); // the entry removed from the program (or the stack destroyed)
    return { id, outs };
  }

  it("added back with the same name: check fails naming the earlier job and VM, and create refuses too, nothing sent", async () => {
    const { provider } = await v2vHarness(sim);
    const { id, outs } = await migratedThenRemoved(provider);
    const writes = () => routeCount(sim, /^(POST|PUT|DELETE) /);
    const before = writes();

    const again = await provider.check({}, asRecord(inputs()));
    assert.strictEqual(again.failures.length, 1, JSON.stringify(again.failures));
    const [f] = again.failures;
    assert.strictEqual(f.property, "url");
    assert.match(
      f.reason,
      new RegExp(
        `long job ${id} \\(submitted [^)]+\\) Succeeded and created VM "web-01" \\(uuid ${outs.vmUuid}, Running\\), which still exists`,
      ),
    );
    assert.match(f.reason, new RegExp(`adoptUuid: "${id}"`));
    assert.match(f.reason, /allowRemigration: true/);

    // create without a check (validateReferences false, or ZStack unreachable at preview) refuses too
    const e = await rejection(() => provider.create(inputs()));
    assert.match(String(e), /was already migrated/);
    assert.strictEqual(submitted(), 1);
    assert.strictEqual(writes(), before, "nothing but queries was sent to ZStack");
  });

  it("another stack's (or tool's) Succeeded conversion of the same source is found as well; an expunged VM's is not", async () => {
    const { provider } = await v2vHarness(sim);
    const first = await provider.create(inputs());
    const other = { name: "web-01-again", resourceUuid: "5c2d3e4f5a6b4c7d8e9f0a1b2c3d4e5f" };
    const refused = await provider.check({}, asRecord(inputs(other)));
    assert.match(refused.failures[0]?.reason ?? "", new RegExp(`long job ${first.id} .*Succeeded`));

    // the earlier VM is gone for good: migrating the source again makes no duplicate
    sim.world.delete("vms", first.outs.vmUuid!);
    const allowed = await provider.check({}, asRecord(inputs(other)));
    assert.deepStrictEqual(allowed.failures, []);
  });

  it("allowRemigration converts again: the released record is deleted, a new job is submitted with the same resourceUuid, the earlier VM is kept", async () => {
    const { provider } = await v2vHarness(sim);
    const { outs } = await migratedThenRemoved(provider);
    const optedIn = await provider.check({}, asRecord(inputs({ allowRemigration: true })));
    assert.deepStrictEqual(optedIn.failures, []);
    const again = await provider.create(optedIn.inputs as unknown as V2vMigrationInputs);
    assert.strictEqual(again.outs.state, "Succeeded");
    assert.strictEqual(submitted(), 2);
    assert.strictEqual(again.id, outs.uuid);
    assert.notStrictEqual(again.outs.vmUuid, outs.vmUuid);
    assert.ok(sim.world.get("vms", outs.vmUuid!), "the earlier VM is kept");
    assert.ok(!isReleased(sim.world.get("longJobs", again.id)!));
  });

  it("adoptUuid takes the released record back into the stack, unreleased, with nothing converted", async () => {
    const { provider } = await v2vHarness(sim);
    const { id, outs } = await migratedThenRemoved(provider);
    const adopt = { adoptUuid: id, name: undefined, resourceUuid: undefined };
    const checked = await provider.check({}, asRecord(inputs(adopt)));
    assert.deepStrictEqual(checked.failures, []);
    const back = await provider.create(checked.inputs as unknown as V2vMigrationInputs);
    assert.strictEqual(back.id, id);
    assert.strictEqual(back.outs.vmUuid, outs.vmUuid);
    assert.strictEqual(back.outs.longJobDescription, "wave 1");
    assert.ok(!isReleased(sim.world.get("longJobs", id)!));
    assert.strictEqual(submitted(), 1);
  });

  it("an interrupted run's job (same resourceUuid, never released) is adopted, not refused", async () => {
    const { provider } = await v2vHarness(sim);
    const first = await provider.create(inputs()); // the run that was killed after submitting
    const checked = await provider.check({}, asRecord(inputs()));
    assert.deepStrictEqual(checked.failures, []);
    const resumed = await provider.create(checked.inputs as unknown as V2vMigrationInputs);
    assert.strictEqual(resumed.id, first.id);
    assert.strictEqual(submitted(), 1);
  });

  it("with deleteMigratedVm the VM and the record go: adding the source back migrates it afresh", async () => {
    const { provider } = await v2vHarness(sim);
    const made = await provider.create(inputs({ deleteMigratedVm: true }));
    await provider.delete(made.id, made.outs);
    assert.strictEqual(sim.world.get("longJobs", made.id), undefined);
    const checked = await provider.check({}, asRecord(inputs()));
    assert.deepStrictEqual(checked.failures, []);
  });
});

describe("V2vMigration provider: lifecycle against the simulator", () => {
  let sim: Sim;
  beforeEach(async () => (sim = await newSim({ jobDurations: { v2vMs: 30 * 60_000 } })));
  afterEach(async () => sim.stop());

  it("create: submits once, waits with progress lines, returns every output, redacts jobData", async () => {
    const { provider, lines, clock } = await v2vHarness(sim);
    const { inputs: checked } = await provider.check({}, asRecord(inputs()));
    const { id, outs } = await provider.create(checked as unknown as V2vMigrationInputs);
    assert.strictEqual(id, "1c2d3e4f5a6b4c7d8e9f0a1b2c3d4e5f");
    assert.strictEqual(outs.uuid, id);
    assert.strictEqual(outs.state, "Succeeded");
    assert.strictEqual(outs.jobName, "APIConvertVmFromForeignHypervisorMsg");
    assert.strictEqual(outs.longJobName, "migrate web-01");
    assert.strictEqual(outs.longJobDescription, "wave 1");
    assert.strictEqual(outs.name, "web-01");
    assert.strictEqual(outs.description, "migrated web server");
    assert.ok(outs.apiId && outs.managementNodeUuid && outs.createDate && outs.lastOpDate);
    assert.ok((outs.executeTime ?? 0) >= 1800);
    const vm = sim.world.get("vms", outs.vmUuid!);
    assert.ok(vm, "vmUuid does not name a VM");
    assert.strictEqual(vm.name, "web-01");
    assert.strictEqual(vm.hypervisorType, "KVM");
    for (const k of Object.keys(inputs()) as Array<keyof V2vMigrationInputs>) {
      assert.deepStrictEqual(outs[k], inputs()[k], `input ${k} not echoed`);
    }
    assert.ok(outs.jobData && !outs.jobData.includes("b3BlbnNzaC1rZXktdjEAAAAA"), "jobData leaks the private key");
    const session = sim.world.list("sessions")[0].uuid;
    assert.ok(
      !outs.jobData.includes(session) && !String(outs.jobResult).includes(session),
      "jobData leaks the session",
    );
    assert.strictEqual(JSON.parse(outs.jobData).url, inputs().url);
    assert.strictEqual(routeCount(sim, /^POST \/v1\/v2vs$/), 1);
    // completion noticed within 10 s of the job's end
    const ended = sim.world.get("longJobs", id)!.lastOpDate as number;
    assert.ok(clock.now() - ended <= 10_000, `noticed ${(clock.now() - ended) / 1000} s late`);
    assert.ok(lines.length >= 3 && lines.length <= 16, lines.join("\n"));
    assert.ok(
      lines.some((l) => /Running \d+% \(elapsed /.test(l)),
      lines.join("\n"),
    );
    assert.ok(lines.every((l) => !l.includes("b3BlbnNzaC1rZXktdjEAAAAA") && !l.includes(session)));
  });

  it("create: a job that fails is recorded (partial create) with ZStack's reason; the next update reruns it", async () => {
    const { provider } = await v2vHarness(sim);
    sim.faults.failNextJob("v2v", { details: "virt-v2v: disk copy failed: no space left on device" });
    const e = await rejection(() =>
      provider.create({ ...inputs(), __provider: "exports.handler = provider code" } as V2vMigrationInputs),
    );
    assert.ok(e instanceof ResourceInitError, String(e));
    assert.strictEqual(e.id, "1c2d3e4f5a6b4c7d8e9f0a1b2c3d4e5f");
    assert.strictEqual(e.properties.state, "Failed");
    // the engine records these as the whole outputs: refresh and destroy load the provider from them
    assert.strictEqual(e.properties.__provider, "exports.handler = provider code");
    assert.match(e.message, /Failed: .*no space left on device/);
    assert.match(e.reasons[0], /no space left on device/);
    assert.ok(!JSON.stringify(e.properties).includes("undefined"));
    const olds = e.properties as unknown as V2vMigrationOutputs;
    assert.deepStrictEqual(await provider.diff(e.id, asRecord(olds), asRecord(inputs())), {
      changes: true,
      replaces: [],
    });
    const { outs } = await provider.update(e.id, olds, inputs());
    assert.strictEqual(outs.state, "Succeeded");
    assert.ok(outs.vmUuid && sim.world.get("vms", outs.vmUuid));
    assert.strictEqual(routeCount(sim, /^POST \/v1\/v2vs$/), 1, "the job was resubmitted instead of rerun");
    assert.ok(routeCount(sim, /^PUT \/v1\/longjobs\/\{uuid\}\/actions$/) >= 1);
  });

  it("create: a job canceled in ZStack while waiting is recorded as Canceled", async () => {
    let n = 0;
    const clock = virtualClock(sim, {
      beforeSleep: async () => {
        if (++n === 3) {
          const c = harness.provider.context().client();
          await c.call("CancelLongJob", { pathVars: { uuid: "1c2d3e4f5a6b4c7d8e9f0a1b2c3d4e5f" } });
        }
      },
    });
    const harness = await v2vHarness(sim, { clock });
    const e = await rejection(() => harness.provider.create(inputs()));
    assert.ok(e instanceof ResourceInitError, String(e));
    assert.strictEqual(e.properties.state, "Canceled");
    assert.match(e.message, /canceled/);
  });

  it("create: a job that outlives timeouts.create is recorded as Running; the next update waits for it", async () => {
    const { provider } = await v2vHarness(sim);
    const e = await rejection(() => provider.create(inputs({ timeouts: { create: "10m" } })));
    assert.ok(e instanceof ResourceInitError, String(e));
    assert.strictEqual(e.properties.state, "Running");
    assert.match(e.message, /still Running at the create timeout \(10m\)/);
    const olds = e.properties as unknown as V2vMigrationOutputs;
    const { outs } = await provider.update(e.id, olds, inputs({ timeouts: { create: "1h" } }));
    assert.strictEqual(outs.state, "Succeeded");
    assert.strictEqual(routeCount(sim, /^POST \/v1\/v2vs$/), 1);
  });

  it("create: an interrupted create is adopted by the next one (same resourceUuid), never submitted twice", async () => {
    let interrupted = false;
    const clock = virtualClock(sim, {
      beforeSleep: () => {
        if (!interrupted && sim.world.list("longJobs").length === 1) {
          interrupted = true;
          throw new Error("pulumi up was killed");
        }
      },
    });
    const first = await v2vHarness(sim, { clock });
    await assert.rejects(() => first.provider.create(inputs()), /killed/);
    sim.advance(5 * 60_000);
    const second = await v2vHarness(sim);
    const { id, outs } = await second.provider.create(inputs());
    assert.strictEqual(id, "1c2d3e4f5a6b4c7d8e9f0a1b2c3d4e5f");
    assert.strictEqual(outs.state, "Succeeded");
    assert.strictEqual(routeCount(sim, /^POST \/v1\/v2vs$/), 1);
    assert.strictEqual(sim.world.list("longJobs").length, 1);
    assert.ok(
      second.lines.some((l) => /already exists .*adopting/.test(l)),
      second.lines.join("\n"),
    );
  });

  it("create: adoptUuid takes over an existing V2V job without submitting; wrong uuids are refused", async () => {
    const { provider } = await v2vHarness(sim);
    const c = provider.context().client();
    const body = await c.call("ConvertVmFromForeignHypervisor", {
      params: {
        url: `vmware://${U.vmwareDb01}`,
        name: "db-01",
        cpuNum: 4,
        memorySize: 8 * GiB,
        primaryStorageUuid: U.primaryStorage,
        l3NetworkUuids: [U.l3Private],
      },
    });
    const job = c.parse("x", 200, body, schemas().LongJobInventory, "inventory");
    sim.stats.reset();
    const { id, outs } = await provider.create({ adoptUuid: job.uuid } as V2vMigrationInputs);
    assert.strictEqual(id, job.uuid);
    assert.strictEqual(outs.adoptUuid, job.uuid);
    assert.strictEqual(outs.state, "Succeeded");
    assert.ok(outs.vmUuid);
    assert.strictEqual(routeCount(sim, /^POST \/v1\/v2vs$/), 0);
    await assert.rejects(
      () => provider.create({ adoptUuid: "0123456789abcdef0123456789abcdef" } as V2vMigrationInputs),
      /no long job with this uuid exists/,
    );
    await assert.rejects(
      () => provider.create(inputs({ adoptUuid: job.uuid })),
      /names the conversion of vmware:\/\/.*, but url is/,
    );
    sim.world.insert("longJobs", {
      uuid: "abcdefabcdefabcdefabcdefabcdefab",
      jobName: "APIAddImageMsg",
      state: "Succeeded",
      createDate: sim.now(),
      lastOpDate: sim.now(),
    });
    await assert.rejects(
      () => provider.create({ adoptUuid: "abcdefabcdefabcdefabcdefabcdefab" } as V2vMigrationInputs),
      /APIAddImageMsg, not a V2V conversion/,
    );
  });

  it("read refreshes the job and drops it when deleted out of band (world or DeleteLongJob)", async () => {
    const { provider } = await v2vHarness(sim);
    const { id, outs } = await provider.create(inputs());
    const r = await provider.read(id, outs);
    assert.strictEqual(r.id, id);
    assert.deepStrictEqual(r.props, outs);
    sim.world.update("longJobs", id, { name: "renamed in the UI" });
    assert.strictEqual((await provider.read(id, outs)).props!.longJobName, "renamed in the UI");
    const c = provider.context().client();
    await c.call("DeleteLongJob", { pathVars: { uuid: id } });
    assert.deepStrictEqual(await provider.read(id, outs), { id: undefined });

    const again = await provider.create(inputs({ resourceUuid: "3c2d3e4f5a6b4c7d8e9f0a1b2c3d4e5f" }));
    sim.world.delete("longJobs", again.id);
    assert.deepStrictEqual(await provider.read(again.id, again.outs), { id: undefined });
  });

  it("update renames the long job in place and returns every output", async () => {
    const { provider } = await v2vHarness(sim);
    const { id, outs } = await provider.create(inputs());
    const r = await provider.update(
      id,
      outs,
      inputs({ longJobName: "renamed", longJobDescription: "wave 2", deleteMigratedVm: true }),
    );
    assert.strictEqual(r.outs.longJobName, "renamed");
    assert.strictEqual(r.outs.longJobDescription, "wave 2");
    assert.strictEqual(r.outs.deleteMigratedVm, true);
    assert.strictEqual(sim.world.get("longJobs", id)!.name, "renamed");
    assert.deepStrictEqual(Object.keys(r.outs).sort(), Object.keys({ ...outs, deleteMigratedVm: true }).sort());
    assert.strictEqual(r.outs.vmUuid, outs.vmUuid);
    assert.strictEqual(r.outs.state, "Succeeded");
  });

  it("delete of a running job cancels it, waits for it to stop and deletes the record", async () => {
    sim.setJobDurations({ cancelMs: 3 * 60_000 });
    const { provider } = await v2vHarness(sim);
    const { id, outs } = await provider.create(inputs({ waitForCompletion: false }));
    assert.strictEqual(outs.state, "Running");
    assert.strictEqual(outs.vmUuid, undefined);
    sim.advance(60_000);
    await provider.delete(id, outs);
    assert.strictEqual(sim.world.get("longJobs", id), undefined);
    assert.ok(routeCount(sim, /^PUT \/v1\/longjobs\/\{uuid\}\/actions$/) >= 1);
    assert.strictEqual(sim.world.list("vms", (v) => v.name === "web-01").length, 0);
    await provider.delete(id, outs); // already gone: success
  });

  it("delete keeps the migrated VM by default, and destroys + expunges it with deleteMigratedVm", async () => {
    const { provider } = await v2vHarness(sim);
    const kept = await provider.create(inputs());
    await provider.delete(kept.id, kept.outs);
    // the VM stays, and so does ZStack's evidence that its source was migrated: the record, released
    assert.ok(sim.world.get("vms", kept.outs.vmUuid!), "the VM was deleted");
    const record = sim.world.get("longJobs", kept.id)!;
    assert.strictEqual(record.state, "Succeeded");
    assert.ok(record.description.endsWith(RELEASED_MARK), record.description);
    assert.ok(record.description.startsWith("wave 1 "), "the description keeps what it said");

    const gone = await provider.create(
      // the same source a second time: the opt-in (the first VM still exists)
      inputs({
        name: "web-01-b",
        resourceUuid: "4c2d3e4f5a6b4c7d8e9f0a1b2c3d4e5f",
        deleteMigratedVm: true,
        allowRemigration: true,
      }),
    );
    await provider.delete(gone.id, gone.outs);
    assert.strictEqual(sim.world.get("longJobs", gone.id), undefined);
    assert.strictEqual(sim.world.get("vms", gone.outs.vmUuid!), undefined, "the VM was not expunged");
  });

  it("a session that expires mid-wait is renewed by logging in again", async () => {
    let n = 0;
    const clock = virtualClock(sim, { beforeSleep: () => void (++n === 4 && sim.faults.expireAllSessions()) });
    const { provider } = await v2vHarness(sim, { clock });
    const { outs } = await provider.create(inputs());
    assert.strictEqual(outs.state, "Succeeded");
    assert.strictEqual(routeCount(sim, /^PUT \/v1\/accounts\/login$/), 2);
  });

  it("delete of a job suspended by a management-node restart cancels it without resuming it", async () => {
    const { provider, lines } = await v2vHarness(sim);
    const { id, outs } = await provider.create(inputs({ waitForCompletion: false }));
    sim.advance(60_000);
    sim.faults.restartManagementNode();
    assert.strictEqual(sim.world.get("longJobs", id)?.state, "Suspended");
    await provider.delete(id, outs);
    assert.strictEqual(sim.world.get("longJobs", id), undefined);
    assert.ok(!lines.some((l) => /resuming/.test(l)), lines.join("\n"));
    assert.strictEqual(
      sim.world.list("vms", (v) => v.name === "web-01").length,
      0,
      "the canceled conversion made a VM",
    );
  });

  it("create without waiting still reports an adopted job that already failed", async () => {
    const { provider } = await v2vHarness(sim);
    sim.faults.failNextJob("v2v", { details: "datastore offline", atFraction: 0.01 });
    const first = await rejection(() => provider.create(inputs()));
    assert.ok(first instanceof ResourceInitError);
    const e = await rejection(() =>
      provider.create({ ...inputs({ waitForCompletion: false }), __provider: "code" } as V2vMigrationInputs),
    );
    assert.ok(e instanceof ResourceInitError, String(e));
    assert.strictEqual(e.properties.state, "Failed");
    assert.match(e.message, /datastore offline/);
    assert.strictEqual(routeCount(sim, /^POST \/v1\/v2vs$/), 1);
  });

  it("a job suspended by a management-node restart is resumed", async () => {
    let n = 0;
    const clock = virtualClock(sim, { beforeSleep: () => void (++n === 4 && sim.faults.restartManagementNode()) });
    const { provider, lines } = await v2vHarness(sim, { clock });
    const { outs } = await provider.create(inputs());
    assert.strictEqual(outs.state, "Succeeded");
    assert.ok(
      lines.some((l) => /Suspended; resuming/.test(l)),
      lines.join("\n"),
    );
  });

  it("without credentials, every operation fails with one error naming the keys to set", async () => {
    const p = new V2vMigrationProvider({ clock: virtualClock(sim) });
    await p.configure({ config: config({ "zstack:endpoint": sim.url }) });
    const e = await rejection(() => p.create(inputs()));
    assert.ok(e instanceof ZStackConfigError);
    assert.match(e.message, /zstack:accountName and zstack:password/);
    assert.match(e.message, /zstack:accessKeyId and zstack:accessKeySecret/);
    assert.match(e.message, /ZSTACK_ACCOUNT_NAME/);
    const half = new V2vMigrationProvider({ clock: virtualClock(sim) });
    await half.configure({ config: config({ "zstack:endpoint": sim.url, "zstack:accountName": "admin" }) });
    await assert.rejects(
      () => half.read("x", {} as V2vMigrationOutputs),
      /zstack:password( \(or the environment variable ZSTACK_ACCOUNT_PASSWORD\))? is not set/,
    );
  });
});
