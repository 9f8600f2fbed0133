// End to end on the real Pulumi engine: three stacks, each a MigrationPlan of 8 VMs with maxInFlight 3,
// all through one conversion host, their `up`s started 1 s and 8 s apart (three engines, three provider
// processes, nothing shared but ZStack). From the simulator's timeline the host never runs more than 3
// conversions at once and reaches 3; every migration Succeeds, once. Then again with one `up` SIGKILLed
// midway and re-run: the others do not wait forever on the killed run's share, and nothing runs twice.
import * as assert from "assert";
import { maxConcurrency, SEED_CREDENTIALS, SEED_UUIDS as U } from "../../simulator";
import { e2eFixture, fixtureProgram, GiB, jobsFor, MIN, V2V } from "./fixture";
import { describeProcesses, E2EStack, spawnPulumi, waitFor, withStack } from "./harness";

const STACKS = ["a", "b", "c"] as const;
const defaults = {
  conversionHostUuid: U.convHost,
  primaryStorageUuid: U.primaryStorage,
  l3NetworkUuids: [U.l3Private],
  platform: "Linux",
};
const vmsOf = (prefix: string, n = 8) =>
  Array.from({ length: n }, (_, i) => `${prefix}-${String(i + 1).padStart(2, "0")}`);
const planOf = (prefix: string, n = 8) => ({
  name: `wave-${prefix}`,
  maxInFlight: 3,
  defaults,
  vms: vmsOf(prefix, n).map((source) => ({ source })),
});
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Three stacks of one installed project against one simulator: the fixture's, and two more; each a plan of VMs of `sizes`. */
function threeStacks(prefix: string, v2vMs: number, sizes: number[] = Array(8).fill(50 * GiB)) {
  const n = sizes.length;
  const fx = e2eFixture({
    stack: `${prefix}-a`,
    project: fixtureProgram("plan-program"),
    simulator: { speed: 300, jobDurations: { v2vMs } },
    config: () => ({ "e2e:plan": planOf(`${prefix}a`, n) }),
    logScope: "describe",
  });
  const stacks: Record<string, E2EStack> = {};
  before(async () => {
    for (const s of STACKS)
      sizes.forEach((diskBytes, i) =>
        fx.sim.addVmwareVms({ count: 1, start: i + 1, prefix: `${prefix}${s}`, diskBytes }),
      );
    stacks.a = fx.h;
    for (const s of ["b", "c"]) {
      stacks[s] = await withStack(fx.project.dir, `${prefix}-${s}`, {
        "zstack:endpoint": fx.sim.url,
        "zstack:accountName": SEED_CREDENTIALS.accountName,
        "zstack:password": { value: SEED_CREDENTIALS.password, secret: true },
        "e2e:plan": planOf(`${prefix}${s}`, n),
      });
    }
  });
  after(async () => {
    for (const s of ["b", "c"]) await stacks[s]?.dispose();
  });
  const allVms = () => STACKS.flatMap((s) => vmsOf(`${prefix}${s}`, n));
  return { fx, stacks, allVms };
}

describe("e2e: three stacks' waves through one conversion host share its limit", function () {
  this.timeout(20 * MIN);
  const { fx, stacks, allVms } = threeStacks("w", 10 * MIN);

  it("ups started 1 s and 8 s apart: never more than 3 conversions at once on the host, 3 reached, each VM migrated once", async () => {
    const up = (s: string) => stacks[s].stack.up({ onOutput: fx.onOutput });
    const a = up("a");
    await pause(1_000);
    const b = up("b");
    await pause(7_000);
    const c = up("c");
    const results = await Promise.all([a, b, c]);
    for (const r of results) assert.strictEqual(r.summary.result, "succeeded");

    assert.strictEqual(fx.sim.stats.byRoute["POST /v1/v2vs"], 24);
    for (const vm of allVms()) assert.strictEqual(jobsFor(fx.sim, vm).length, 1, `${vm}: one long job`);
    const peak = maxConcurrency(fx.sim.longJobTimeline(), { conversionHostUuid: U.convHost });
    assert.strictEqual(peak.max, 3, `highest concurrency ${peak.max}`);
    for (const s of STACKS) {
      const states = (await stacks[s].resources(V2V)).map((r) => r.outputs.state);
      assert.deepStrictEqual(states, Array(8).fill("Succeeded"), `stack ${s}`);
    }
    // the stacks queued behind each other's conversions, which they saw in ZStack
    assert.match(fx.log, /queued: \d+ ahead of it, 3 of 3 conversions running on V2V conversion host/);
  });
});

describe("e2e: three stacks' waves, one `up` SIGKILLed midway and re-run", function () {
  this.timeout(20 * MIN);
  const { fx, stacks, allVms } = threeStacks("k", 60 * MIN);

  it("the killed run's share frees as its jobs end; the re-run adopts them; never more than 3 at once, each VM migrated once", async () => {
    const a = stacks.a.stack.up({ onOutput: fx.onOutput });
    await pause(1_000);
    const run = await spawnPulumi(
      stacks.b,
      fx.project.dir,
      ["up", "--yes", "--skip-preview", "--stack", "k-b"],
      fx.onOutput,
    );
    let c: ReturnType<typeof stacks.c.stack.up> = Promise.reject(new Error("stack c never started"));
    c.catch(() => undefined);
    try {
      await pause(7_000);
      c = stacks.c.stack.up({ onOutput: fx.onOutput });
      // midway: the killed stack has conversions in ZStack, and migrations still queued
      const submittedB = () => vmsOf("kb").filter((vm) => jobsFor(fx.sim, vm).length > 0).length;
      assert.ok(await waitFor(() => submittedB() >= 2, 240_000), "stack b never got going");
      // the three stacks together reach the limit before the kill (after it, a lease the killed run took just
      // before it would have submitted holds its slot for the lease's grace, two minutes)
      const peak = () => maxConcurrency(fx.sim.longJobTimeline(), { conversionHostUuid: U.convHost }).max;
      assert.ok(
        await waitFor(() => peak() === 3, 240_000),
        `the host never ran 3 conversions before the kill: ${peak()}`,
      );
      process.kill(run.child.pid!, "SIGKILL");
      await run.exited;
      const gone = await waitFor(() => run.providerProcesses().length === 0, 10_000);
      assert.ok(gone, `provider processes survive the engine: ${describeProcesses(run.providerProcesses())}`);
      assert.ok(submittedB() < 8, "stack b submitted everything before the kill: nothing was queued");
    } finally {
      await run.killTree();
    }
    // the other two finish: the killed run's share frees as ZStack ends its jobs
    const [ra, rc] = await Promise.all([a, c]);
    assert.strictEqual(ra.summary.result, "succeeded");
    assert.strictEqual(rc.summary.result, "succeeded");

    await stacks.b.unlockAfterKill();
    const rb = await stacks.b.stack.up({ onOutput: fx.onOutput });
    assert.strictEqual(rb.summary.result, "succeeded");

    const jobs = fx.sim.world
      .list("longJobs")
      .map((j) => `${JSON.parse(String(j.jobData ?? "{}")).name} ${j.uuid} ${j.state} ${j.createDate}`)
      .sort()
      .join("\n");
    assert.strictEqual(fx.sim.world.list("longJobs").length, 24, jobs);
    for (const vm of allVms()) assert.strictEqual(jobsFor(fx.sim, vm).length, 1, `${vm}: one long job\n${jobs}`);
    assert.strictEqual(fx.sim.stats.byRoute["POST /v1/v2vs"], 24);
    const peak = maxConcurrency(fx.sim.longJobTimeline(), { conversionHostUuid: U.convHost });
    assert.strictEqual(peak.max, 3, `highest concurrency ${peak.max} across the four runs`);
    for (const s of STACKS) {
      const states = (await stacks[s].resources(V2V)).map((r) => r.outputs.state);
      assert.deepStrictEqual(states, Array(8).fill("Succeeded"), `stack ${s}`);
    }
  });
});

describe("e2e: three stacks' waves whose conversions each fit in the conversion host's cache, but not together", function () {
  this.timeout(20 * MIN);
  // each stack converts 60 + 30 GiB at once, which fits in 100 GiB; together they would need 270
  const { fx, stacks, allVms } = threeStacks("c", 10 * MIN, [60 * GiB, 30 * GiB]);

  it("take turns in the cache: every conversion Succeeds (none runs out of cache), once, and the cache is given back", async () => {
    fx.sim.world.update("conversionHosts", U.convHost, { availableSize: 100 * GiB });
    const up = (s: string) => stacks[s].stack.up({ onOutput: fx.onOutput });
    const a = up("a");
    await pause(1_000);
    const b = up("b");
    await pause(1_000);
    const c = up("c");
    const results = await Promise.all([a, b, c]);
    for (const r of results) assert.strictEqual(r.summary.result, "succeeded");

    for (const vm of allVms()) assert.strictEqual(jobsFor(fx.sim, vm).length, 1, `${vm}: one long job`);
    const failed = fx.sim.world.list("longJobs").filter((j) => j.state !== "Succeeded");
    assert.deepStrictEqual(failed, [], "a conversion ran out of the host's cache");
    assert.strictEqual(fx.sim.world.get("conversionHosts", U.convHost)!.availableSize, 100 * GiB);
    // the stacks waited for room in the cache, which they saw in ZStack
    assert.match(fx.log, /queued: .*wait for room in the host's cache \(\d+\.\d+ GiB available/);
  });
});
