// The OvaPackage provider called directly against the simulator over real HTTP, virtual time.
import * as assert from "assert";
import { SEED_UUIDS as U } from "../../../simulator";
import { ZStackApiError, schemas } from "../../../provider/client";
import { ResourceInitError } from "../../../provider/hosts/dynamic/providers";
import { UNKNOWN } from "../../../provider/core/values";
import { OvaPackageProvider } from "../../../provider/hosts/dynamic/providers";
import { OvaPackageInputs, OvaPackageOutputs } from "../../../provider/ova-package/inputs";
import { Sim, config, newSim, ovaHarness, rejection, routeCount, virtualClock } from "../helpers";

const RU = "5a2d3e4f5a6b4c7d8e9f0a1b2c3d4e5f";
const inputs = (over: Partial<Record<keyof OvaPackageInputs, unknown>> = {}): OvaPackageInputs =>
  ({
    vmUuid: U.vmStopped,
    backupStorageUuid: U.bsImageStore,
    name: "legacy-db.ova",
    description: "golden image",
    resourceUuid: RU,
    tagUuids: [],
    systemTags: [],
    userTags: ["export::weekly"],
    timeouts: { create: "2h", delete: "10m" },
    ...over,
  }) as OvaPackageInputs;
const asRecord = (x: unknown) => x as Record<string, unknown>;
const clientOf = (p: OvaPackageProvider) => p.context().client();

describe("OvaPackage provider: check (local validation)", () => {
  const provider = new OvaPackageProvider({ log: () => undefined });
  before(() => provider.configure({ config: config({}) }));
  const MSG = "org.zstack.ovf.api.APIExportVmOvaPackageMsg";
  const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
    [
      "vmUuid missing",
      { vmUuid: undefined },
      "vmUuid",
      new RegExp(`field\\[vmUuid\\] of message\\[${MSG}\\] is mandatory, can not be null`),
    ],
    ["backupStorageUuid missing", { backupStorageUuid: undefined }, "backupStorageUuid", /is mandatory/],
    ["bad vmUuid", { vmUuid: "vm-1" }, "vmUuid", /32 hexadecimal/],
    ["bad backupStorageUuid", { backupStorageUuid: 7 }, "backupStorageUuid", /must be a string/],
    ["name too long", { name: "n".repeat(256) }, "name", /expected was <= 255, actual was 256/],
    ["description too long", { description: "d".repeat(2049) }, "description", /expected was <= 2048/],
    ["bad resourceUuid", { resourceUuid: "xyz" }, "resourceUuid", /is not a valid uuid/],
    ["bad tagUuids", { tagUuids: [1] }, "tagUuids", /not a 32-character hex UUID/],
    ["bad systemTags", { systemTags: "a" }, "systemTags", /must be a list/],
    ["null user tag", { userTags: [null] }, "userTags", /cannot contain a NULL element/],
    ["bad timeout", { timeouts: { create: "-1h" } }, "timeouts", /positive duration/],
    ["bad adoptUuid", { adoptUuid: "p" }, "adoptUuid", /32 hexadecimal/],
    ["unknown input", { format: "ova" }, "format", /not an input of OvaPackage/],
  ];
  it("accepts valid inputs", async () => {
    assert.deepStrictEqual((await provider.check({}, asRecord(inputs()))).failures, []);
  });
  for (const [what, patch, property, reason] of cases) {
    it(`reports ${what} on ${property}`, async () => {
      const r = await provider.check({}, asRecord(inputs(patch)));
      assert.deepStrictEqual(
        r.failures.map((f) => f.property),
        [property],
        JSON.stringify(r.failures),
      );
      assert.match(r.failures[0].reason, reason);
    });
  }
  it("tolerates the preview sentinel and fills/keeps resourceUuid", async () => {
    const r = await provider.check(
      {},
      { vmUuid: UNKNOWN, backupStorageUuid: UNKNOWN, name: UNKNOWN, userTags: [UNKNOWN] },
    );
    assert.deepStrictEqual(r.failures, []);
    assert.match(String(r.inputs.resourceUuid), /^[0-9a-f]{32}$/);
    const again = await provider.check(r.inputs, { vmUuid: U.vmStopped, backupStorageUuid: U.bsImageStore });
    assert.strictEqual(again.inputs.resourceUuid, r.inputs.resourceUuid);
  });
});

describe("OvaPackage provider: check against ZStack (ZStack's own wording)", () => {
  let sim: Sim;
  let provider: OvaPackageProvider;
  before(async () => {
    sim = await newSim({ jobDurations: { ovaMs: 60_000 } });
    ({ provider } = await ovaHarness(sim));
  });
  after(async () => sim.stop());
  const random = "0123456789abcdef0123456789abcdef";

  it("accepts a Stopped VM without a package and an ImageStore backup storage", async () => {
    assert.deepStrictEqual((await provider.check({}, asRecord(inputs()))).failures, []);
  });
  it("reports a VM that does not exist", async () => {
    const r = await provider.check({}, asRecord(inputs({ vmUuid: random })));
    assert.deepStrictEqual(r.failures, [
      { property: "vmUuid", reason: `Not found the vm to be exported with the uuid: ${random}` },
    ]);
  });
  it("reports a VM that is not Stopped", async () => {
    const r = await provider.check({}, asRecord(inputs({ vmUuid: U.vmRunning })));
    assert.deepStrictEqual(r.failures, [
      {
        property: "vmUuid",
        reason: `Only vm in state: Stopped can be exported. (VM app-server-1 [uuid:${U.vmRunning}] is Running)`,
      },
    ]);
  });
  it("reports a backup storage that is not ImageStore, or does not exist", async () => {
    const r = await provider.check({}, asRecord(inputs({ backupStorageUuid: U.bsSftp })));
    assert.deepStrictEqual(r.failures, [
      {
        property: "backupStorageUuid",
        reason: `Export vm requires an ImageStore backup storage, but given backupStorageUuid: ${U.bsSftp} is not an ImageStore backup storage.`,
      },
    ]);
    const r2 = await provider.check({}, asRecord(inputs({ backupStorageUuid: random })));
    assert.match(r2.failures[0].reason, /type:BackupStorageVO\] not found/);
  });
  it("reports a VM that already has a package, except the one this resource owns", async () => {
    const c = clientOf(provider);
    const body = await c.call("ExportVmOvaPackage", {
      params: { vmUuid: U.vmStopped2, backupStorageUuid: U.bsImageStore },
    });
    const pkg = c.parse("x", 200, body, schemas().ImagePackageInventory, "inventory");
    const r = await provider.check({}, asRecord(inputs({ vmUuid: U.vmStopped2 })));
    assert.deepStrictEqual(r.failures, [
      {
        property: "vmUuid",
        reason: `Vm[uuid: ${U.vmStopped2}] is already exported as the ova package[uuid: ${pkg.uuid}], please delete the package and try again.`,
      },
    ]);
    assert.deepStrictEqual(
      (await provider.check({}, asRecord(inputs({ vmUuid: U.vmStopped2, resourceUuid: pkg.uuid })))).failures,
      [],
    );
    assert.deepStrictEqual((await provider.check({}, { adoptUuid: pkg.uuid })).failures, []);
    const bad = await provider.check({}, { adoptUuid: random });
    assert.match(bad.failures[0].reason, /type:ImagePackageVO\] not found/);
  });
  it("does not re-check an existing package whose replace inputs are unchanged (the VM may run again)", async () => {
    const olds = asRecord(inputs({ vmUuid: U.vmRunning }));
    assert.deepStrictEqual(
      (await provider.check(olds, asRecord(inputs({ vmUuid: U.vmRunning, name: "renamed" })))).failures,
      [],
    );
  });
});

describe("OvaPackage provider: diff", () => {
  const provider = new OvaPackageProvider();
  const olds = (over: Record<string, unknown> = {}) => ({
    ...asRecord(inputs()),
    uuid: RU,
    state: "Exported",
    exportUrl: "u",
    __provider: "a",
    ...over,
  });
  it("no change, __provider ignored", async () => {
    assert.deepStrictEqual(await provider.diff(RU, olds(), { ...asRecord(inputs()), __provider: "b" }), {
      changes: false,
      replaces: [],
    });
  });
  for (const [key, value] of [
    ["vmUuid", U.vmStopped2],
    ["backupStorageUuid", "a".repeat(32)],
    ["resourceUuid", "6a2d3e4f5a6b4c7d8e9f0a1b2c3d4e5f"],
    ["tagUuids", ["b".repeat(32)]],
    ["systemTags", ["s::t"]],
    ["userTags", []],
    ["adoptUuid", "c".repeat(32)],
  ] as const) {
    it(`replaces (delete before replace) when ${key} changes`, async () => {
      assert.deepStrictEqual(await provider.diff(RU, olds(), asRecord(inputs({ [key]: value }))), {
        changes: true,
        replaces: [key],
        deleteBeforeReplace: true,
      });
    });
  }
  for (const [key, value] of [
    ["name", "x.ova"],
    ["description", "y"],
    ["timeouts", { create: "1h" }],
  ] as const) {
    it(`updates in place when ${key} changes`, async () => {
      assert.deepStrictEqual(await provider.diff(RU, olds(), asRecord(inputs({ [key]: value }))), {
        changes: true,
        replaces: [],
      });
    });
  }
  it("an unset name keeps ZStack's default; unknowns and an Exporting state are changes", async () => {
    assert.deepStrictEqual(
      await provider.diff(RU, olds({ name: "exported-vm-x" }), asRecord(inputs({ name: undefined }))),
      {
        changes: false,
        replaces: [],
      },
    );
    assert.deepStrictEqual(await provider.diff(RU, olds(), asRecord(inputs({ vmUuid: UNKNOWN }))), {
      changes: true,
      replaces: ["vmUuid"],
      deleteBeforeReplace: true,
    });
    assert.deepStrictEqual(await provider.diff(RU, olds({ state: "Exporting" }), asRecord(inputs())), {
      changes: true,
      replaces: [],
    });
  });
  it("an adopted package does not need vmUuid/backupStorageUuid in the program", async () => {
    const d = await provider.diff(RU, olds({ adoptUuid: RU }), {
      adoptUuid: RU,
      resourceUuid: RU,
      name: "legacy-db.ova",
      description: "golden image",
      tagUuids: [],
      systemTags: [],
      userTags: ["export::weekly"],
      timeouts: { create: "2h", delete: "10m" },
    });
    assert.deepStrictEqual(d, { changes: false, replaces: [] });
  });
});

describe("OvaPackage provider: lifecycle against the simulator", () => {
  let sim: Sim;
  beforeEach(async () => (sim = await newSim({ jobDurations: { ovaMs: 40 * 60_000 } })));
  afterEach(async () => sim.stop());

  it("create exports with progress and returns exportUrl, md5Sum, size and every output", async () => {
    const { provider, lines, clock } = await ovaHarness(sim);
    const { id, outs } = await provider.create(inputs());
    assert.strictEqual(id, RU);
    assert.strictEqual(outs.uuid, RU);
    assert.strictEqual(outs.state, "Exported");
    assert.strictEqual(outs.format, "ova");
    assert.match(outs.exportUrl!, /^http:\/\/.*\.ova$/);
    assert.match(outs.md5Sum!, /^[0-9a-f]{32}$/);
    assert.ok((outs.size ?? 0) > 0);
    assert.strictEqual(outs.name, "legacy-db.ova");
    assert.strictEqual(outs.description, "golden image");
    assert.strictEqual(outs.vmUuid, U.vmStopped);
    assert.strictEqual(outs.backupStorageUuid, U.bsImageStore);
    assert.deepStrictEqual(outs.userTags, ["export::weekly"]);
    assert.deepStrictEqual(outs.timeouts, { create: "2h", delete: "10m" });
    assert.ok(outs.createDate && outs.lastOpDate);
    assert.strictEqual(routeCount(sim, /^POST \/v1\/ovf\/ova-packages$/), 1);
    const ended = sim.world.get("imagePackages", id)!.lastOpDate as number;
    assert.ok(clock.now() - ended <= 10_000, `noticed ${(clock.now() - ended) / 1000} s late`);
    assert.ok(
      lines.some((l) => /Exporting \d+% \(elapsed/.test(l)),
      lines.join("\n"),
    );
    assert.ok(lines.length <= 16, lines.join("\n"));
  });

  it("an export that fails is not recorded (ZStack rolled the package back) and shows ZStack's reason", async () => {
    const { provider } = await ovaHarness(sim);
    sim.faults.failNextJob("ova", { details: "image store is read-only" });
    const e = await rejection(() => provider.create(inputs()));
    assert.ok(e instanceof ZStackApiError, String(e));
    assert.match(e.message, /image store is read-only/);
    assert.strictEqual(sim.world.list("imagePackages").length, 0);
  });

  it("an export that outlives timeouts.create is recorded as Exporting; the next update waits for it", async () => {
    const { provider } = await ovaHarness(sim);
    const e = await rejection(() =>
      provider.create({ ...inputs({ timeouts: { create: "5m" } }), __provider: "provider code" } as OvaPackageInputs),
    );
    assert.ok(e instanceof ResourceInitError, String(e));
    assert.strictEqual(e.id, RU);
    assert.strictEqual(e.properties.state, "Exporting");
    assert.strictEqual(e.properties.__provider, "provider code", "refresh/destroy could not load the provider");
    assert.match(e.reasons[0], /still Exporting at the create timeout \(5m\)/);
    const olds = e.properties as unknown as OvaPackageOutputs;
    assert.deepStrictEqual(await provider.diff(RU, asRecord(olds), asRecord(inputs({ timeouts: { create: "5m" } }))), {
      changes: true,
      replaces: [],
    });
    const { outs } = await provider.update(RU, olds, inputs());
    assert.strictEqual(outs.state, "Exported");
    assert.ok(outs.exportUrl && outs.md5Sum);
    assert.strictEqual(routeCount(sim, /^POST \/v1\/ovf\/ova-packages$/), 1);
  });

  it("an interrupted create is adopted by the next one (same resourceUuid): one package, one export", async () => {
    let interrupted = false;
    const clock = virtualClock(sim, {
      beforeSleep: () => {
        if (!interrupted && sim.world.list("imagePackages").length === 1) {
          interrupted = true;
          throw new Error("pulumi up was killed");
        }
      },
    });
    const first = await ovaHarness(sim, { clock });
    await assert.rejects(() => first.provider.create(inputs()), /killed/);
    const second = await ovaHarness(sim);
    const { outs } = await second.provider.create(inputs());
    assert.strictEqual(outs.state, "Exported");
    assert.strictEqual(routeCount(sim, /^POST \/v1\/ovf\/ova-packages$/), 1);
    assert.strictEqual(sim.world.list("imagePackages").length, 1);
  });

  it("adoptUuid takes over an existing package without exporting; a package of another VM is refused", async () => {
    const { provider } = await ovaHarness(sim);
    const c = clientOf(provider);
    const body = await c.call("ExportVmOvaPackage", {
      params: { vmUuid: U.vmStopped3, backupStorageUuid: U.bsImageStore, name: "by-hand" },
    });
    const pkg = c.parse("x", 200, body, schemas().ImagePackageInventory, "inventory");
    sim.stats.reset();
    const { id, outs } = await provider.create({ adoptUuid: pkg.uuid } as OvaPackageInputs);
    assert.strictEqual(id, pkg.uuid);
    assert.strictEqual(outs.name, "by-hand");
    assert.strictEqual(outs.vmUuid, U.vmStopped3);
    assert.strictEqual(outs.state, "Exported");
    assert.strictEqual(routeCount(sim, /^POST \/v1\/ovf\/ova-packages$/), 0);
    await assert.rejects(
      () => provider.create({ adoptUuid: pkg.uuid, vmUuid: U.vmStopped } as OvaPackageInputs),
      /names the ova package of vm/,
    );
    await assert.rejects(
      () => provider.create({ adoptUuid: "0123456789abcdef0123456789abcdef" } as OvaPackageInputs),
      /no image package with this uuid/,
    );
  });

  it("update renames in place (UpdateImagePackage) and returns every output", async () => {
    const { provider } = await ovaHarness(sim);
    const { id, outs } = await provider.create(inputs());
    const r = await provider.update(id, outs, inputs({ name: "renamed.ova", description: "new" }));
    assert.strictEqual(r.outs.name, "renamed.ova");
    assert.strictEqual(r.outs.description, "new");
    assert.strictEqual(sim.world.get("imagePackages", id)!.name, "renamed.ova");
    assert.deepStrictEqual(Object.keys(r.outs).sort(), Object.keys(outs).sort());
    assert.strictEqual(r.outs.exportUrl, outs.exportUrl);
    assert.strictEqual(routeCount(sim, /^PUT \/v1\/image-packages\/\{uuid\}$/), 1);
  });

  it("read refreshes and drops a package deleted out of band; delete treats 'gone' as success", async () => {
    const { provider } = await ovaHarness(sim);
    const { id, outs } = await provider.create(inputs());
    assert.deepStrictEqual(await provider.read(id, outs), { id, props: outs });
    await provider.delete(id, outs);
    assert.strictEqual(sim.world.get("imagePackages", id), undefined);
    assert.deepStrictEqual(await provider.read(id, outs), { id: undefined });
    await provider.delete(id, outs);

    const again = await provider.create(
      inputs({ vmUuid: U.vmStopped2, resourceUuid: "7a2d3e4f5a6b4c7d8e9f0a1b2c3d4e5f" }),
    );
    sim.world.delete("imagePackages", again.id);
    assert.deepStrictEqual(await provider.read(again.id, again.outs), { id: undefined });
  });

  it("delete of an export still running waits for it, then deletes the package", async () => {
    const { provider } = await ovaHarness(sim);
    const e = await rejection(() => provider.create(inputs({ timeouts: { create: "1m" } })));
    assert.ok(e instanceof ResourceInitError);
    await provider.delete(RU, e.properties as unknown as OvaPackageOutputs);
    assert.strictEqual(sim.world.get("imagePackages", RU), undefined);
  });
});
