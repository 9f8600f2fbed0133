// End to end on the real Pulumi engine: a MigrationPlan of 12 VMware VMs through one conversion host
// with maxInFlight 3. The simulator's long-job timeline shows at most 3 conversions at once, and 3
// reached; the report lists every VM; reordering entries or renaming the plan with an alias replaces
// nothing; the capacity preflight fails a preview; a killed `up` re-run ends with exactly 12 jobs.
import * as assert from "assert";
import { maxConcurrency, SEED_UUIDS as U } from "../../simulator";
import { e2eFixture, fixtureProgram, GiB, jobsFor, MIN, TiB, V2V } from "./fixture";
import { describeProcesses, waitFor } from "./harness";

const DISK = 100 * GiB;

const defaults = {
  conversionHostUuid: U.convHost,
  primaryStorageUuid: U.primaryStorage,
  l3NetworkUuids: [U.l3Private],
  platform: "Linux",
};
const names = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${prefix}-${String(i + 1).padStart(2, "0")}`);

describe("e2e: MigrationPlan on the real Pulumi engine", function () {
  this.timeout(15 * MIN);
  const wave = names("wave", 12);
  const plan = { name: "wave1", maxInFlight: 3, defaults, vms: wave.map((source) => ({ source })) };

  const fx = e2eFixture({
    stack: "plan",
    project: fixtureProgram("plan-program"),
    simulator: { speed: 300, jobDurations: { v2vMs: 10 * MIN } },
    config: { "e2e:plan": plan },
  });
  before(() => {
    fx.sim.addVmwareVms({ count: 12, prefix: "wave", diskBytes: DISK });
    fx.sim.addVmwareVms({ count: 4, prefix: "big", diskBytes: 2 * TiB });
  });

  it("12 VMs through one host with maxInFlight 3: never more than 3 conversions at once, and 3 reached; the report lists every VM", async () => {
    const res = await fx.h.stack.up(fx.opts());
    assert.strictEqual(res.summary.result, "succeeded");
    assert.strictEqual(fx.sim.stats.byRoute["POST /v1/v2vs"], 12);
    for (const vm of wave) assert.strictEqual(jobsFor(fx.sim, vm).length, 1, `${vm}: one long job`);

    const peak = maxConcurrency(fx.sim.longJobTimeline(), { conversionHostUuid: U.convHost });
    assert.strictEqual(peak.max, 3, `highest concurrency ${peak.max}`);

    const out = await fx.h.outputs();
    for (const vm of wave) assert.strictEqual(out.states[vm], "Succeeded", `${vm}: ${out.states[vm]}`);
    const rows = String(out.report)
      .split("\n")
      .filter((l) => /^\| wave-\d\d \|/.test(l));
    assert.strictEqual(rows.length, 12, out.report);
    for (const vm of wave) {
      const row = rows.find((r) => r.startsWith(`| ${vm} |`))!;
      assert.match(
        row,
        new RegExp(`^\\| ${vm} \\| ${vm} \\| Succeeded \\| ${out.vmUuids[vm]} \\| \\d+m\\d\\ds \\|`),
        row,
      );
    }
    assert.match(String(out.report), /12 VMs \(12 Succeeded\)/);
    // the queued migrations said so, naming their Pulumi resource
    assert.match(
      fx.log,
      /V2vMigration wave1-wave-\d\d \("wave-\d\d"\): queued: \d+ ahead of it, 3 of 3 conversions running/,
    );
  });

  it("reordering the entries and renaming the plan with an alias replace nothing", async () => {
    await fx.h.setConfig({ "e2e:plan": { ...plan, name: "wave-a", aliases: ["wave1"], vms: [...plan.vms].reverse() } });
    const pre = await fx.h.stack.preview({ ...fx.opts(), expectNoChanges: true });
    assert.deepStrictEqual(Object.keys(pre.changeSummary).sort(), ["same"], JSON.stringify(pre.changeSummary));
    const res = await fx.h.stack.up(fx.opts());
    assert.strictEqual(res.summary.result, "succeeded");
    assert.strictEqual(fx.sim.stats.byRoute["POST /v1/v2vs"], 12);
    await fx.h.setConfig({ "e2e:plan": { ...plan, name: "wave-a" } });
  });

  it("the re-migration guard: a changed entry of a migrated VM fails the preview; the entry's ignoreChanges keeps it as it is", async () => {
    const changed = (extra: object) => ({
      ...plan,
      name: "wave-a",
      vms: plan.vms.map((v, i) => (i === 0 ? { ...v, cpuNum: 8, ...extra } : v)),
    });
    await fx.h.setConfig({ "e2e:plan": changed({}) });
    await assert.rejects(fx.h.stack.preview(fx.opts()), (e: Error) =>
      /V2vMigration wave-a-wave-01 \("wave-01"\) was already migrated: [^]*The change to cpuNum would replace this resource/.test(
        e.message,
      ),
    );
    await fx.h.setConfig({ "e2e:plan": changed({ ignoreChanges: ["cpuNum"] }) });
    await fx.h.stack.preview({ ...fx.opts(), expectNoChanges: true });
    assert.strictEqual(fx.sim.stats.byRoute["POST /v1/v2vs"], 12);
  });

  it("a duplicate entry name fails the preview with an error naming both entries", async () => {
    await fx.h.setConfig({
      "e2e:plan": { ...plan, name: "wave-a", vms: [...plan.vms, { source: "big-01", name: "wave-03" }] },
    });
    await assert.rejects(fx.h.stack.preview(fx.opts()), (e: Error) =>
      /vms\[2\] and vms\[12\] both have the name "wave-03"/.test(e.message),
    );
  });

  it("the capacity preflight fails the preview, naming the storage (or host), what is needed and what is available", async () => {
    const big = names("big", 4).map((source) => ({ source }));
    await fx.h.setConfig({ "e2e:plan": { ...plan, name: "wave-a", vms: [...plan.vms, ...big] } });
    // primary storage: 4 × 2 TiB to create on PS-Local, with 5 TiB available (the engine stops at the first error)
    fx.sim.world.update("primaryStorages", U.primaryStorage, { availableCapacity: 5 * TiB });
    fx.sim.world.update("conversionHosts", U.convHost, { availableSize: 100 * TiB }); // only the storage is short
    const submits = fx.sim.stats.byRoute["POST /v1/v2vs"];
    await assert.rejects(fx.h.stack.preview(fx.opts()), (e: Error) => {
      assert.match(
        e.message,
        /primary storage PS-Local \[uuid:568c8fb94e544ce798704424af05bcc2\]: the 3 migrations this run creates on it need 6\.00 TiB of source disks; ZStack reports 5\.00 TiB available/,
      );
      return true;
    });
    // conversion host: the 3 biggest that may run at once (3 × 2 TiB) against its cache
    fx.sim.world.update("primaryStorages", U.primaryStorage, { availableCapacity: 16 * TiB });
    fx.sim.world.update("conversionHosts", U.convHost, { availableSize: 5 * TiB });
    await assert.rejects(fx.h.stack.preview(fx.opts()), (e: Error) => {
      assert.match(
        e.message,
        /V2V conversion host v2v-conversion-host-1 \[uuid:f93a4dd87b8849ea96e5b2df98aa1c8e\]: the 3 largest migrations this run may convert on it at once \(maxInFlight 3\) need 6\.00 TiB; ZStack reports 5\.00 TiB available \(availableSize\)/,
      );
      return true;
    });
    fx.sim.world.update("conversionHosts", U.convHost, { availableSize: 3 * TiB * 4 });
    assert.strictEqual(fx.sim.stats.byRoute["POST /v1/v2vs"], submits, "a preview submitted a job");
    await fx.h.setConfig({ "e2e:plan": { ...plan, name: "wave-a" } });
    await fx.h.stack.preview({ ...fx.opts(), expectNoChanges: true });
  });

  it("never twice: an entry removed after its migration and added back fails the preview, naming the earlier job and VM; nothing is sent", async () => {
    const without = { ...plan, name: "wave-a", vms: plan.vms.filter((v) => v.source !== "wave-04") };
    const vmUuid = (await fx.h.outputs()).vmUuids["wave-04"];
    await fx.h.setConfig({ "e2e:plan": without });
    assert.strictEqual((await fx.h.stack.up(fx.opts())).summary.result, "succeeded");
    // the VM stays, and so does ZStack's evidence: the long job, released
    const [job] = jobsFor(fx.sim, "wave-04");
    assert.ok(fx.sim.world.get("vms", vmUuid), "the migrated VM is kept");
    assert.strictEqual(job.state, "Succeeded");
    assert.match(String(job.description), /\[released by pulumi-zstack-migration/);

    await fx.h.setConfig({ "e2e:plan": { ...plan, name: "wave-a" } });
    // what a preview may send besides queries: a login
    const writes = () =>
      Object.entries(fx.sim.stats.byRoute)
        .filter(([r]) => !r.startsWith("GET ") && r !== "PUT /v1/accounts/login")
        .reduce((n, [, c]) => n + c, 0);
    const before = writes();
    await assert.rejects(fx.h.stack.preview(fx.opts()), (e: Error) => {
      assert.match(
        e.message,
        new RegExp(
          `V2vMigration wave-a-wave-04 \\("wave-04"\\): the source vmware://[0-9a-f]{32} was already migrated:[^]*long job ${job.uuid} \\(submitted [^)]+\\) Succeeded and created VM "wave-04" \\(uuid ${vmUuid}, Running\\), which still exists`,
        ),
      );
      assert.match(e.message, /allowRemigration: true on this resource \(in a MigrationPlan: on the entry\)/);
      return true;
    });
    assert.strictEqual(writes(), before, "only queries were sent");
    assert.strictEqual(fx.sim.stats.byRoute["POST /v1/v2vs"], 12);
    await fx.h.setConfig({ "e2e:plan": without });
  });

  it("never twice: a destroyed stack brought up again fails the preview for its migrated VMs", async () => {
    assert.strictEqual((await fx.h.stack.destroy(fx.opts())).summary.result, "succeeded");
    assert.strictEqual(fx.sim.world.list("longJobs").length, 12, "every record kept, released, with its VM");
    await fx.h.setConfig({ "e2e:plan": { ...plan, name: "wave-a" } });
    await assert.rejects(fx.h.stack.preview(fx.opts()), /the source vmware:\/\/[0-9a-f]{32} was already migrated:/);
    assert.strictEqual(fx.sim.stats.byRoute["POST /v1/v2vs"], 12);
  });
});

describe("e2e: a MigrationPlan `up` killed midway", function () {
  this.timeout(15 * MIN);
  const wave = names("kill", 12);
  const plan = { name: "wave2", maxInFlight: 3, defaults, vms: wave.map((source) => ({ source })) };

  const fx = e2eFixture({
    stack: "killed",
    project: fixtureProgram("plan-program"),
    simulator: { speed: 300, jobDurations: { v2vMs: 60 * MIN } },
    config: { "e2e:plan": plan },
  });
  before(() => fx.sim.addVmwareVms({ count: 12, prefix: "kill", diskBytes: DISK }));

  it("re-run after a SIGKILL: the queue submits nothing after the kill, the running jobs are adopted, exactly 12 long jobs in all", async () => {
    const run = await fx.spawnUp();
    let atKill: number;
    try {
      // the first wave of 3 finished and the second one runs: 6 submitted, 6 queued
      assert.ok(await waitFor(() => fx.sim.world.list("longJobs").length >= 6, 180_000), "the wave never got going");
      // the README's "how the limit is kept": one dynamic-provider server for every migration of the run
      const servers = run.providerProcesses().filter((p) => /cmd[\\/]dynamic-provider/.test(p.cmdline));
      assert.strictEqual(servers.length, 1, `dynamic-provider servers: ${describeProcesses(servers)}`);
      process.kill(run.child.pid!, "SIGKILL");
      await run.exited;
      const gone = await waitFor(() => run.providerProcesses().length === 0, 10_000);
      assert.ok(gone, `provider processes survive the engine: ${describeProcesses(run.providerProcesses())}`);
      atKill = fx.sim.world.list("longJobs").length;
      assert.ok(atKill < 12, `all ${atKill} jobs were submitted before the kill: nothing was queued`);
    } finally {
      await run.killTree();
    }
    fx.sim.advance(5 * MIN); // time passes; nothing submits anything
    assert.strictEqual(fx.sim.world.list("longJobs").length, atKill, "a job was submitted after the kill");

    await fx.h.unlockAfterKill(); // the killed run's lock (and an empty .attrs a SIGKILL may leave)
    const res = await fx.h.stack.up(fx.opts());
    assert.strictEqual(res.summary.result, "succeeded");
    assert.strictEqual(fx.sim.world.list("longJobs").length, 12);
    for (const vm of wave)
      assert.strictEqual(jobsFor(fx.sim, vm).length, 1, `${vm}: ${jobsFor(fx.sim, vm).length} long jobs`);
    assert.strictEqual(fx.sim.stats.byRoute["POST /v1/v2vs"], 12);
    const peak = maxConcurrency(fx.sim.longJobTimeline(), { conversionHostUuid: U.convHost });
    assert.ok(peak.max <= 3, `highest concurrency ${peak.max} across both runs`);
    const states = (await fx.h.resources(V2V)).map((r) => r.outputs.state);
    assert.deepStrictEqual(states, Array(12).fill("Succeeded"));
  });
});
