// The in-flight limit against the simulator over real HTTP, on a virtual clock: a conversion host's
// slots, first come first served, seeded from ZStack's unfinished V2V jobs, an adopted job counted
// once; and V2vMigration's create and rerun going through them.
import * as assert from "assert";
import { maxConcurrency, SEED_UUIDS as U } from "../../../simulator";
import { V2V_JOB_NAME } from "../../../provider/v2v-migration/inputs";
import { V2vMigrationInputs } from "../../../provider/v2v-migration/inputs";
import { HostSlots, SlotRequest, conversionHostOfJob } from "../../../provider/v2v-migration/in-flight";
import { ZStackClient, convertVmFromForeignHypervisor } from "../../../provider/client";
import { RunCancelledError, cancelRun, resetRunCancellation } from "../../../provider/core/cancellation";
import { SEED_CREDENTIALS } from "../../../simulator";
import { Sim, accountConfig, newSim, v2vHarness, virtualClock } from "../helpers";

const GiB = 1024 ** 3;
const MIN = 60_000;

function client(sim: Sim): ZStackClient {
  return new ZStackClient({
    endpoint: sim.url,
    auth: { kind: "account", accountName: SEED_CREDENTIALS.accountName, password: SEED_CREDENTIALS.password },
    clock: virtualClock(sim),
  });
}

function request(key: string, limit: number, lines: string[]): SlotRequest {
  return { key, limit, label: `V2vMigration m-${key.slice(4, 8)}`, log: (l) => lines.push(l), logIntervalMs: 60_000 };
}

/** A valid resourceUuid (ZStack's pattern: version and variant nibbles) that starts with n. */
const key = (n: number) => `${String(n).padStart(8, "0")}aaaa4aaa8aaa${"a".repeat(12)}`;

/** Lets every pending promise continuation run. */
const settle = () => new Promise((r) => setImmediate(r));

describe("in-flight limit: a conversion host's slots", () => {
  let sim: Sim;
  beforeEach(async () => (sim = await newSim({ jobDurations: { v2vMs: 30 * MIN } })));
  afterEach(async () => sim.stop());

  it("grants up to the limit at once, then queues first come first served, saying how many are ahead", async () => {
    const lines: string[] = [];
    const slots = new HostSlots(client(sim), virtualClock(sim), U.convHost, V2V_JOB_NAME);
    const a = await slots.acquire(request(key(1), 2, lines));
    const b = await slots.acquire(request(key(2), 2, lines));
    const granted: string[] = [];
    const c = slots.acquire(request(key(3), 2, lines)).then((s) => (granted.push("c"), s));
    const d = slots.acquire(request(key(4), 2, lines)).then((s) => (granted.push("d"), s));
    await settle();
    assert.deepStrictEqual(granted, []);
    assert.strictEqual(slots.inFlight(), 2);
    assert.strictEqual(slots.queued(), 2);
    assert.match(
      lines.join("\n"),
      /V2vMigration m-0003: queued: 0 ahead of it, 2 of 2 conversions running on V2V conversion host f93a4dd87b8849ea96e5b2df98aa1c8e/,
    );
    assert.match(lines.join("\n"), /V2vMigration m-0004: queued: 1 ahead of it/);
    b.release();
    await settle();
    assert.deepStrictEqual(granted, ["c"]);
    b.release(); // a second release is a no-op
    await settle();
    assert.deepStrictEqual(granted, ["c"]);
    a.release();
    await settle();
    assert.deepStrictEqual(granted, ["c", "d"]);
    assert.match(
      lines.join("\n"),
      /V2vMigration m-0004: a conversion slot on V2V conversion host \w+ is free after \d+s queued \(2 of 2 running\); submitting/,
    );
    (await c).release();
    (await d).release();
    assert.strictEqual(slots.inFlight(), 0);
  });

  it("a cancelled run (the engine's Cancel, a first Ctrl-C) submits nothing from its queue, and starts nothing new", async () => {
    const lines: string[] = [];
    const slots = new HostSlots(client(sim), virtualClock(sim), U.convHost, V2V_JOB_NAME);
    try {
      const a = await slots.acquire(request(key(1), 1, lines));
      const queued = [slots.acquire(request(key(2), 1, lines)), slots.acquire(request(key(3), 1, lines))];
      const outcomes = Promise.allSettled(queued);
      await settle();
      assert.strictEqual(slots.queued(), 2);
      cancelRun();
      const settled = await outcomes;
      assert.deepStrictEqual(
        settled.map((r) => r.status),
        ["rejected", "rejected"],
      );
      for (const r of settled) assert.ok(r.status === "rejected" && r.reason instanceof RunCancelledError);
      assert.strictEqual(slots.queued(), 0);
      a.release(); // the running one ends: no queued migration takes its slot
      await settle();
      assert.strictEqual(slots.inFlight(), 0);
      await assert.rejects(slots.acquire(request(key(4), 1, lines)), RunCancelledError);
      assert.match(lines.join("\n"), /V2vMigration m-0002: not submitted: the run was cancelled \(Ctrl-C\)/);
    } finally {
      resetRunCancellation();
    }
  });

  it("counts the unfinished conversions ZStack already runs on the host, and frees their slots when ZStack lists them finished", async () => {
    const c = client(sim);
    // another stack's (or tool's) conversion on the same host, and one on no particular host
    const other = await convertVmFromForeignHypervisor(c, {
      params: {
        url: `vmware://${U.vmwareWeb01}`,
        name: "elsewhere",
        conversionHostUuid: U.convHost,
        cpuNum: 1,
        memorySize: GiB,
        primaryStorageUuid: U.primaryStorage,
        l3NetworkUuids: [U.l3Private],
      },
    });
    assert.strictEqual(conversionHostOfJob(other), U.convHost);
    const lines: string[] = [];
    const slots = new HostSlots(c, virtualClock(sim), U.convHost, V2V_JOB_NAME, 60_000);
    // the queue's re-listing sleeps advance the simulator: the other job ends after 30 simulated minutes
    const slot = await slots.acquire(request(key(1), 1, lines));
    assert.ok(sim.now() >= 30 * MIN, `granted at ${sim.now()} ms, while the other conversion ran`);
    assert.match(lines.join("\n"), /queued: 0 ahead of it, 1 of 1 conversions running/);
    slot.release();
  });

  it("an adopted job that ZStack lists holds one slot, not two", async () => {
    const c = client(sim);
    const job = await convertVmFromForeignHypervisor(c, {
      params: {
        url: `vmware://${U.vmwareWeb01}`,
        name: "adopted",
        conversionHostUuid: U.convHost,
        cpuNum: 1,
        memorySize: GiB,
        primaryStorageUuid: U.primaryStorage,
        l3NetworkUuids: [U.l3Private],
        resourceUuid: key(9),
      },
    });
    const slots = new HostSlots(c, virtualClock(sim), U.convHost, V2V_JOB_NAME);
    const first = await slots.acquire(request(key(1), 3, [])); // seeds: the job is listed
    assert.strictEqual(slots.inFlight(), 2);
    const held = slots.hold(job.uuid!);
    assert.strictEqual(slots.inFlight(), 2, "the adopted job was counted twice");
    held.release();
    first.release();
    assert.strictEqual(slots.inFlight(), 0);
  });
});

describe("in-flight limit: V2vMigration create", () => {
  let sim: Sim;
  beforeEach(async () => (sim = await newSim({ jobDurations: { v2vMs: 20 * MIN } })));
  afterEach(async () => sim.stop());

  const sources = [U.vmwareWeb01, U.vmwareWeb02, U.vmwareDb01, U.vmwareApp01, U.vmwareApp02];
  const migration = (i: number, over: Partial<V2vMigrationInputs> = {}): V2vMigrationInputs => ({
    url: `vmware://${sources[i]}`,
    name: `vm-${i}`,
    conversionHostUuid: U.convHost,
    cpuNum: 1,
    memorySize: GiB,
    primaryStorageUuid: U.primaryStorage,
    l3NetworkUuids: [U.l3Private],
    resourceUuid: key(100 + i),
    timeouts: { create: "30m" },
    ...over,
  });

  it("maxInFlight 2: five migrations never run more than 2 conversions at once, reach 2, and each times out from its submission", async () => {
    const { provider, lines } = await v2vHarness(sim);
    // 5 × 20 simulated minutes at 2 at once: the last is submitted after 40 minutes, within its 30-minute timeout
    const results = await Promise.all(sources.map((_, i) => provider.create(migration(i, { maxInFlight: 2 }))));
    for (const r of results) assert.strictEqual(r.outs.state, "Succeeded");
    const peak = maxConcurrency(sim.longJobTimeline(), { conversionHostUuid: U.convHost });
    assert.strictEqual(peak.max, 2);
    assert.match(lines.join("\n"), /V2vMigration "vm-\d": queued: \d ahead of it, 2 of 2 conversions running/);
  });

  it("zstack:maxConcurrentMigrations is the limit of a migration without maxInFlight", async () => {
    const { provider } = await v2vHarness(sim, {
      config: accountConfig(sim, { "zstack:maxConcurrentMigrations": "1" }),
    });
    await Promise.all([0, 1, 2].map((i) => provider.create(migration(i, { timeouts: { create: "2h" } }))));
    assert.strictEqual(maxConcurrency(sim.longJobTimeline(), { conversionHostUuid: U.convHost }).max, 1);
  });

  it("rejects a bad maxInFlight in check, naming the field", async () => {
    const { provider } = await v2vHarness(sim);
    const r = await provider.check({}, { ...migration(0), maxInFlight: 0 });
    assert.deepStrictEqual(
      r.failures.map((f) => f.property),
      ["maxInFlight"],
    );
  });

  it("a new maxInFlight changes no recorded migration", async () => {
    const { provider } = await v2vHarness(sim);
    const { id, outs } = await provider.create(migration(0, { maxInFlight: 2 }));
    const checked = await provider.check(outs as never, { ...migration(0), maxInFlight: 7 });
    assert.deepStrictEqual(await provider.diff(id, outs as never, checked.inputs), { changes: false, replaces: [] });
  });
});
