// The in-flight limit against the simulator over real HTTP, on a virtual clock: a conversion host's
// slots, first come first served, seeded from ZStack's unfinished V2V jobs, an adopted job counted
// once; and V2vMigration's create and rerun going through them.
import * as assert from "assert";
import { maxConcurrency, SEED_UUIDS as U } from "../../../simulator";
import { V2V_JOB_NAME } from "../../../provider/v2v-migration/inputs";
import { V2vMigrationInputs } from "../../../provider/v2v-migration/inputs";
import { HostSlots, SlotRequest, conversionHostOfJob } from "../../../provider/v2v-migration/in-flight";
import { LEASE_GRACE_MS, SlotLeases } from "../../../provider/v2v-migration/slot-leases";
import { Clock, ZStackClient, convertVmFromForeignHypervisor, longJobsByUuid } from "../../../provider/client";
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

/** Waits until `cond` holds (the queue's listings are real HTTP requests), failing after 20 s. */
async function eventually(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`never: ${what}`);
}

/** A conversion of one of the simulator's VMware VMs, submitted with `key` as its uuid. */
function convert(c: ZStackClient, source: string, uuid: string, name = `vm-${uuid.slice(0, 8)}`) {
  return convertVmFromForeignHypervisor(c, {
    params: {
      url: `vmware://${source}`,
      name,
      conversionHostUuid: U.convHost,
      cpuNum: 1,
      memorySize: GiB,
      primaryStorageUuid: U.primaryStorage,
      l3NetworkUuids: [U.l3Private],
      resourceUuid: uuid,
    },
  });
}

/** What a migration does with a slot: take it, submit its job, wait until ZStack says it ended, give it back. */
async function migrate(
  slots: HostSlots,
  c: ZStackClient,
  clock: Clock,
  source: string,
  k: string,
  limit: number,
  bytes?: number,
) {
  const slot = await slots.acquire({ ...request(k, limit, []), bytes });
  await convert(c, source, k);
  for (;;) {
    const [job] = await longJobsByUuid(c, [k]);
    if (job && ["Succeeded", "Failed", "Canceled"].includes(job.state ?? "")) break;
    await clock.sleep(MIN);
  }
  slot.release();
}

describe("in-flight limit: a conversion host's slots", () => {
  let sim: Sim;
  beforeEach(async () => (sim = await newSim({ jobDurations: { v2vMs: 30 * MIN } })));
  afterEach(async () => sim.stop());

  it("grants up to the limit, then queues in order, saying how many are ahead; a slot given back goes to the next", async () => {
    const lines: string[] = [];
    const slots = new HostSlots(client(sim), virtualClock(sim), U.convHost, V2V_JOB_NAME);
    const a = await slots.acquire(request(key(1), 2, lines));
    const b = await slots.acquire(request(key(2), 2, lines));
    const granted: string[] = [];
    const c = slots.acquire(request(key(3), 2, lines)).then((s) => (granted.push("c"), s));
    const d = slots.acquire(request(key(4), 2, lines)).then((s) => (granted.push("d"), s));
    await eventually(() => lines.length >= 2, "two queued lines");
    assert.deepStrictEqual(granted, []);
    assert.strictEqual(slots.inFlight(), 2);
    assert.strictEqual(slots.queued(), 2);
    assert.match(
      lines.join("\n"),
      /V2vMigration m-0003: queued: 0 ahead of it, 2 of 2 conversions running on V2V conversion host f93a4dd87b8849ea96e5b2df98aa1c8e/,
    );
    assert.match(lines.join("\n"), /V2vMigration m-0004: queued: 1 ahead of it/);
    b.release();
    await eventually(() => granted.length === 1, "c granted");
    assert.deepStrictEqual(granted, ["c"]);
    b.release(); // a second release is a no-op
    a.release();
    await eventually(() => granted.length === 2, "d granted");
    assert.deepStrictEqual(granted, ["c", "d"]);
    assert.match(
      lines.join("\n"),
      /V2vMigration m-0004: a conversion slot on V2V conversion host \w+ is free after \d+s queued \(\d of 2 running\); submitting/,
    );
    (await c).release();
    (await d).release();
    assert.strictEqual(slots.inFlight(), 0);
  });

  it("a higher priority starts first among the queued (a plan's largest first)", async () => {
    const slots = new HostSlots(client(sim), virtualClock(sim), U.convHost, V2V_JOB_NAME);
    const a = await slots.acquire(request(key(1), 1, []));
    const order: number[] = [];
    const queued = [10, 30, 20].map((priority, i) =>
      slots.acquire({ ...request(key(2 + i), 1, []), priority }).then((s) => {
        order.push(priority);
        s.release();
      }),
    );
    await eventually(() => slots.queued() === 3, "three queued");
    a.release();
    await Promise.all(queued);
    assert.deepStrictEqual(order, [30, 20, 10]);
  });

  it("a cancelled run (the engine's Cancel, a first Ctrl-C) submits nothing from its queue, and starts nothing new", async () => {
    const lines: string[] = [];
    const slots = new HostSlots(client(sim), virtualClock(sim), U.convHost, V2V_JOB_NAME);
    try {
      const a = await slots.acquire(request(key(1), 1, lines));
      const queued = [slots.acquire(request(key(2), 1, lines)), slots.acquire(request(key(3), 1, lines))];
      const outcomes = Promise.allSettled(queued);
      await eventually(() => slots.queued() === 2 && lines.length >= 2, "two queued");
      cancelRun();
      const settled = await outcomes;
      assert.deepStrictEqual(
        settled.map((r) => r.status),
        ["rejected", "rejected"],
      );
      for (const r of settled) assert.ok(r.status === "rejected" && r.reason instanceof RunCancelledError);
      assert.strictEqual(slots.queued(), 0);
      a.release(); // the running one ends: no queued migration takes its slot
      assert.strictEqual(slots.inFlight(), 0);
      await assert.rejects(slots.acquire(request(key(4), 1, lines)), RunCancelledError);
      assert.match(lines.join("\n"), /V2vMigration m-0002: not submitted: the run was cancelled \(Ctrl-C\)/);
    } finally {
      resetRunCancellation();
    }
  });

  it("counts the unfinished conversions ZStack already runs on the host, and frees their slots when ZStack lists them finished", async () => {
    const c = client(sim);
    // another stack's (or tool's) conversion on the same host
    const other = await convert(c, U.vmwareWeb01, key(8), "elsewhere");
    assert.strictEqual(conversionHostOfJob(other), U.convHost);
    const lines: string[] = [];
    const slots = new HostSlots(c, virtualClock(sim), U.convHost, V2V_JOB_NAME, 60_000);
    // the queue's listing pauses advance the simulator: the other job ends after 30 simulated minutes
    const slot = await slots.acquire(request(key(1), 1, lines));
    assert.ok(sim.now() >= 30 * MIN, `granted at ${sim.now()} ms, while the other conversion ran`);
    assert.match(lines.join("\n"), /queued: 0 ahead of it, 1 of 1 conversions running/);
    slot.release();
  });

  it("an adopted job that ZStack lists holds one slot, not two", async () => {
    const c = client(sim);
    const job = await convert(c, U.vmwareWeb01, key(9), "adopted");
    const slots = new HostSlots(c, virtualClock(sim), U.convHost, V2V_JOB_NAME);
    const first = await slots.acquire(request(key(1), 3, [])); // lists: the job is there
    assert.strictEqual(slots.inFlight(), 2);
    const held = slots.hold(job.uuid!);
    assert.strictEqual(slots.inFlight(), 2, "the adopted job was counted twice");
    held.release();
    first.release();
    assert.strictEqual(slots.inFlight(), 0);
  });
});

describe("in-flight limit across processes: slot leases in ZStack", () => {
  let sim: Sim;
  beforeEach(async () => {
    sim = await newSim({ jobDurations: { v2vMs: 30 * MIN } });
    sources = sim.addVmwareVms({ count: 9, prefix: "lease", diskBytes: 10 * GiB }).map((v) => v.uuid);
  });
  afterEach(async () => sim.stop());
  let sources: string[] = [];

  it("two processes (two stacks' runs), limit 2 each, 4 migrations each: never more than 2 conversions at once, 2 reached, each migrated once", async () => {
    const clock = virtualClock(sim);
    // two HostSlots with their own clients: nothing shared but ZStack
    const one = new HostSlots(client(sim), clock, U.convHost, V2V_JOB_NAME);
    const two = new HostSlots(client(sim), clock, U.convHost, V2V_JOB_NAME);
    await Promise.all([
      ...[0, 1, 2, 3].map((i) => migrate(one, client(sim), clock, sources[i], key(10 + i), 2)),
      ...[4, 5, 6, 7].map((i) => migrate(two, client(sim), clock, sources[i], key(10 + i), 2)),
    ]);
    assert.strictEqual(sim.world.list("longJobs").length, 8);
    const peak = maxConcurrency(sim.longJobTimeline(), { conversionHostUuid: U.convHost });
    assert.strictEqual(peak.max, 2, `highest concurrency ${peak.max}`);
    // the leases left: at most one per slot (older generations are tidied away)
    assert.ok(sim.world.list("tags").length <= 2, `${sim.world.list("tags").length} lease tags left`);
  });

  it("a killed run's share frees when ZStack lists its jobs finished; a lease whose job never came frees after the grace", async () => {
    const clock = virtualClock(sim);
    // the killed run: one slot taken and its job submitted, one slot taken and nothing submitted
    const dead = new HostSlots(client(sim), clock, U.convHost, V2V_JOB_NAME);
    await dead.acquire(request(key(20), 2, []));
    await convert(client(sim), sources[0], key(20));
    await dead.acquire(request(key(21), 2, []));
    const start = sim.now();
    const live = new HostSlots(client(sim), clock, U.convHost, V2V_JOB_NAME, 1_000, 5 * MIN);
    const s1 = await live.acquire(request(key(22), 2, []));
    // the lease of the job that never came freed after the grace, while the submitted one still ran
    assert.ok(sim.now() - start >= 5 * MIN && sim.now() - start < 30 * MIN, `granted after ${sim.now() - start} ms`);
    await convert(client(sim), sources[1], key(22));
    const s2 = await live.acquire(request(key(23), 2, []));
    assert.ok(
      sim.now() - start >= 30 * MIN,
      `granted after ${sim.now() - start} ms, before the killed run's job ended`,
    );
    s1.release();
    s2.release();
  });

  /** Two runs (processes), limit 3, each migrating one 60 GiB VM through a 100 GiB cache; their jobs. */
  async function twoRunsInA100GiBCache(keys: [string, string], bytes?: number) {
    const clock = virtualClock(sim);
    const big = sim.addVmwareVms({ count: 2, prefix: "cache", diskBytes: 60 * GiB }).map((v) => v.uuid);
    sim.world.update("conversionHosts", U.convHost, { availableSize: 100 * GiB });
    const one = new HostSlots(client(sim), clock, U.convHost, V2V_JOB_NAME);
    const two = new HostSlots(client(sim), clock, U.convHost, V2V_JOB_NAME);
    await Promise.all([
      migrate(one, client(sim), clock, big[0], keys[0], 3, bytes),
      migrate(two, client(sim), clock, big[1], keys[1], 3, bytes),
    ]);
    return longJobsByUuid(client(sim), keys);
  }

  it("the host's cache: two runs whose conversions each fit but not together convert one after the other, and both succeed", async () => {
    const jobs = await twoRunsInA100GiBCache([key(40), key(41)], 60 * GiB);
    assert.deepStrictEqual(
      jobs.map((j) => j.state),
      ["Succeeded", "Succeeded"],
    );
    const peak = maxConcurrency(sim.longJobTimeline(), { conversionHostUuid: U.convHost });
    assert.strictEqual(peak.max, 1, "both conversions ran at once in a cache that holds one");
    assert.strictEqual(sim.world.get("conversionHosts", U.convHost)!.availableSize, 100 * GiB, "cache given back");
  });

  it("the host's cache: two runs that take slots at once from the same idle listing never both start conversions that do not fit together", async () => {
    const clock = virtualClock(sim);
    sim.world.update("conversionHosts", U.convHost, { availableSize: 100 * GiB });
    const a = new SlotLeases(client(sim), clock, U.convHost, V2V_JOB_NAME);
    const b = new SlotLeases(client(sim), clock, U.convHost, V2V_JOB_NAME);
    const none = new Set<string>();
    const [va, vb] = await Promise.all([a.view(none, none, true), b.view(none, none, true)]);
    assert.strictEqual(va.cacheAvailable, 100 * GiB);
    const [ta, tb] = await Promise.all([a.take(va, key(50), 3, 60 * GiB), b.take(vb, key(51), 3, 60 * GiB)]);
    assert.ok(!(ta && tb), "both took a slot for 60 GiB in a 100 GiB cache");
    // whoever lists next (the others back off after a random pause) gets a slot; the other then waits
    const aHolds = ta || (!tb && (await a.take(await a.view(none, none, true), key(50), 3, 60 * GiB)));
    assert.ok(aHolds || tb, "neither run got a slot once the other had given its own back");
    const [waiting, waitingKey] = aHolds ? [b, key(51)] : [a, key(50)];
    assert.strictEqual(await waiting.take(await waiting.view(none, none, true), waitingKey, 3, 60 * GiB), false);
    assert.strictEqual(sim.world.list("tags").length, 1, "a lease given back stays behind");
  });

  it("the host's cache: without the sizes (the same two runs), both start and one fails when the cache runs out", async () => {
    const jobs = await twoRunsInA100GiBCache([key(42), key(43)]);
    assert.deepStrictEqual(jobs.map((j) => j.state).sort(), ["Failed", "Succeeded"]);
    assert.match(JSON.stringify(jobs), /no space left on device/);
  });

  it("a re-run that asks again for the slot of a job it already leased gets that lease, not a second slot", async () => {
    const c = client(sim);
    const slots = new HostSlots(c, virtualClock(sim), U.convHost, V2V_JOB_NAME);
    const a = await slots.acquire(request(key(30), 1, []));
    const tags = sim.world.list("tags");
    assert.strictEqual(tags.length, 1);
    // the same process restarted (a re-run) asks for the same job's slot: it is the lease it already has
    const again = new HostSlots(c, virtualClock(sim), U.convHost, V2V_JOB_NAME);
    const start = sim.now();
    const b = await again.acquire(request(key(30), 1, []));
    assert.strictEqual(sim.world.list("tags").length, 1, "a second lease was created for the same job");
    // at once, though the host (limit 1) is full of that very lease: not after the lease's grace
    assert.ok(sim.now() - start < LEASE_GRACE_MS, `granted after ${sim.now() - start} simulated ms`);
    a.release();
    b.release();
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

  it("queued conversions start largest first (the source disks the preflight found)", async () => {
    const { provider } = await v2vHarness(sim);
    const sizes = [10, 80, 40, 160].map((g) => g * GiB);
    const vms = sizes.map((diskBytes, i) => sim.addVmwareVms({ count: 1, prefix: `size${i}`, diskBytes })[0]);
    const inputs = vms.map((vm, i) =>
      migration(0, {
        url: `vmware://${vm.uuid}`,
        name: `size-${i}`,
        resourceUuid: key(200 + i),
        maxInFlight: 1,
        timeouts: { create: "24h" },
      }),
    );
    // a running conversion holds the only slot while the four are checked and queued
    const first = await provider.create(migration(1, { maxInFlight: 1, waitForCompletion: false }));
    const checked = [];
    for (const m of inputs) checked.push((await provider.check({}, m as never)).inputs);
    await Promise.all(checked.map((m) => provider.create(m as never)));
    const started = sim
      .longJobTimeline()
      .filter((e) => e.uuid !== first.id)
      .sort((a, b) => a.submittedAt - b.submittedAt)
      .map((e) => e.name);
    assert.deepStrictEqual(started, ["size-3", "size-1", "size-2", "size-0"]);
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
