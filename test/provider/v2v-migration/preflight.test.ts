// The capacity preflight and the shared answers of a run's checks, against the simulator over real
// HTTP: one provider instance is one run (one provider process per `pulumi up`).
import * as assert from "assert";
import { SEED_UUIDS as U } from "../../../simulator";
import { CapacityLedger, sourceDiskBytes } from "../../../provider/v2v-migration/preflight";
import { formatBytes } from "../../../provider/core/units";
import { deriveResourceUuid } from "../../../sdk/resource-uuid";
import { Sim, accountConfig, newSim, routeCount, v2vHarness } from "../helpers";

const GiB = 1024 ** 3;
const TiB = 1024 ** 4;

// as the SDK sends them: the derived resourceUuid (the same on every check of one resource)
const byName = (source: string, over: Record<string, unknown> = {}) => ({
  defaultResourceUuid: deriveResourceUuid("pulumi-nodejs:dynamic/zstack:V2vMigration", source, "proj", "stack"),
  sourceVmName: source,
  name: `migrated-${source}`,
  conversionHostUuid: U.convHost,
  primaryStorageUuid: U.primaryStorage,
  l3NetworkUuids: [U.l3Private],
  ...over,
});

describe("capacity preflight (check against ZStack)", () => {
  let sim: Sim;
  beforeEach(async () => (sim = await newSim()));
  afterEach(async () => sim.stop());

  it("adds up the source disks of a run's creations per primary storage; the one that tips it over fails, naming storage, need and availability", async () => {
    sim.addVmwareVms({ count: 3, prefix: "big", diskBytes: 2 * TiB });
    sim.world.update("primaryStorages", U.primaryStorage, { availableCapacity: 5 * TiB });
    sim.world.update("conversionHosts", U.convHost, { availableSize: 100 * TiB }); // only the storage is short
    const { provider } = await v2vHarness(sim);
    const r1 = await provider.check({}, byName("big-01"));
    const r2 = await provider.check({}, byName("big-02"));
    assert.deepStrictEqual([r1.failures, r2.failures], [[], []]);
    const r3 = await provider.check({}, byName("big-03"));
    assert.deepStrictEqual(
      r3.failures.map((f) => f.property),
      ["primaryStorageUuid"],
    );
    assert.match(
      r3.failures[0].reason,
      /^primary storage PS-Local \[uuid:568c8fb94e544ce798704424af05bcc2\]: the 3 migrations this run creates on it need 6\.00 TiB of source disks; ZStack reports 5\.00 TiB available \(availableCapacity\)$/,
    );
    // checking the same resource again replaces its entry: no double count
    const again = await provider.check({}, byName("big-02"));
    assert.strictEqual(again.failures.length, 1, "big-02 now shares the storage with big-03");
    // a new run (a new provider) starts over
    const fresh = (await v2vHarness(sim)).provider;
    assert.deepStrictEqual((await fresh.check({}, byName("big-03"))).failures, []);
  });

  it("a migration whose job ZStack already has (an interrupted run's, adopted at create) needs no more capacity", async () => {
    sim.addVmwareVms({ count: 3, prefix: "big", diskBytes: 2 * TiB });
    sim.world.update("conversionHosts", U.convHost, { availableSize: 100 * TiB });
    const first = (await v2vHarness(sim)).provider;
    const checked = await first.check({}, byName("big-01", { waitForCompletion: false }));
    await first.create(checked.inputs as never); // submitted, then the run was killed before the engine recorded it
    sim.world.update("primaryStorages", U.primaryStorage, { availableCapacity: 5 * TiB });
    const rerun = (await v2vHarness(sim)).provider;
    for (const s of ["big-01", "big-02", "big-03"])
      assert.deepStrictEqual((await rerun.check({}, byName(s))).failures, [], s);
  });

  it("a conversion host's availableSize against the largest set that may run at once (maxInFlight)", async () => {
    sim.addVmwareVms({ count: 3, prefix: "big", diskBytes: 2 * TiB });
    sim.addVmwareVms({ count: 1, prefix: "small", diskBytes: 100 * GiB });
    sim.world.update("conversionHosts", U.convHost, { availableSize: 3 * TiB });
    const { provider } = await v2vHarness(sim);
    // maxInFlight 1: only one at a time, the biggest (2 TiB) fits in 3 TiB
    for (const s of ["big-01", "big-02", "small-01"])
      assert.deepStrictEqual((await provider.check({}, byName(s, { maxInFlight: 1 }))).failures, []);
    // maxInFlight 2: the two biggest (4 TiB) at once do not
    const r = await provider.check({}, byName("big-03", { maxInFlight: 2 }));
    assert.deepStrictEqual(
      r.failures.map((f) => f.property),
      ["conversionHostUuid"],
    );
    assert.match(
      r.failures[0].reason,
      /V2V conversion host v2v-conversion-host-1 \[uuid:f93a4dd87b8849ea96e5b2df98aa1c8e\]: the 2 largest migrations this run may convert on it at once \(maxInFlight 2\) need 4\.00 TiB; ZStack reports 3\.00 TiB available \(availableSize\)/,
    );
  });

  it("counts what another run's conversions running on the host hold of its cache as coming back (they end before ours all run)", async () => {
    sim.addVmwareVms({ count: 1, prefix: "other", diskBytes: 60 * GiB });
    sim.addVmwareVms({ count: 2, prefix: "mine", diskBytes: 45 * GiB });
    sim.addVmwareVms({ count: 1, prefix: "huge", diskBytes: 120 * GiB });
    sim.world.update("conversionHosts", U.convHost, { availableSize: 100 * GiB });
    // another stack's run: its 60 GiB conversion runs (leased, with its size), unwatched
    const other = (await v2vHarness(sim)).provider;
    const checked = await other.check({}, byName("other-01", { waitForCompletion: false }));
    await other.create(checked.inputs as never);
    assert.strictEqual(sim.world.get("conversionHosts", U.convHost)!.availableSize, 40 * GiB);
    // this run: 90 GiB at once fits in the 40 GiB available plus the 60 GiB the running conversion gives back
    const mine = (await v2vHarness(sim)).provider;
    for (const s of ["mine-01", "mine-02"]) assert.deepStrictEqual((await mine.check({}, byName(s))).failures, [], s);
    const r = await mine.check({}, byName("huge-01"));
    assert.match(
      r.failures.map((f) => `${f.property}: ${f.reason}`).join("\n"),
      /conversionHostUuid: .*need 210\.00 GiB; ZStack reports 40\.00 GiB available \(availableSize\), and the conversion running on it now holds 60\.00 GiB more/,
    );
  });

  it("the default limit (zstack:maxConcurrentMigrations) sizes the set that runs at once", async () => {
    sim.addVmwareVms({ count: 2, prefix: "big", diskBytes: 2 * TiB });
    sim.world.update("conversionHosts", U.convHost, { availableSize: 3 * TiB });
    const { provider } = await v2vHarness(sim, {
      config: accountConfig(sim, { "zstack:maxConcurrentMigrations": "1" }),
    });
    for (const s of ["big-01", "big-02"]) assert.deepStrictEqual((await provider.check({}, byName(s))).failures, []);
  });

  it("volumeFilters' skipped disks are not counted", () => {
    const vm = {
      uuid: "x",
      allVolumes: [
        { deviceId: 0, size: 10 * GiB },
        { deviceId: 1, size: 90 * GiB },
      ],
    };
    assert.strictEqual(sourceDiskBytes(vm, undefined), 100 * GiB);
    assert.strictEqual(sourceDiskBytes(vm, [{ deviceId: "vdb", skip: true }]), 10 * GiB);
    assert.strictEqual(formatBytes(1536 * GiB), "1.50 TiB");
    assert.strictEqual(formatBytes(512), "512 B");
  });

  it("a run's checks ask ZStack once per distinct reference: 40 migrations by name cost what 4 cost", async () => {
    sim.addVmwareVms({ count: 40, prefix: "wave", diskBytes: 10 * GiB });
    const names = Array.from({ length: 40 }, (_, i) => `wave-${String(i + 1).padStart(2, "0")}`);
    const requestsFor = async (n: number) => {
      const { provider } = await v2vHarness(sim);
      sim.stats.reset();
      for (const s of names.slice(0, n)) assert.deepStrictEqual((await provider.check({}, byName(s))).failures, []);
      return routeCount(sim, /^(GET|POST|PUT|DELETE) \/v1\//);
    };
    await requestsFor(1); // the login (one per test process) is not the checks'
    const four = await requestsFor(4);
    const forty = await requestsFor(40);
    assert.strictEqual(forty, four, `4 checks: ${four} requests, 40 checks: ${forty}`);
    assert.ok(four <= 8, `${four} requests`);
  });
});

describe("capacity ledger", () => {
  it("the largest set at once on a host is the limit's biggest", () => {
    const l = new CapacityLedger();
    for (const [i, bytes] of [5, 1, 9, 3].entries())
      l.add(`r${i}`, { bytes, conversionHostUuids: ["h"], primaryStorageUuid: "p", limit: 2 });
    assert.deepStrictEqual(l.atOnceOnHost("h", 2), { count: 2, bytes: 14 });
    assert.deepStrictEqual(l.onStorage("p"), { count: 4, bytes: 18 });
  });
});
