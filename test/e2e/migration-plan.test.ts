// End to end on the real Pulumi engine: a MigrationPlan of 12 VMware VMs through one conversion host
// with maxInFlight 3. The simulator's long-job timeline shows at most 3 conversions at once, and 3
// reached; the report lists every VM; reordering entries or renaming the plan with an alias replaces
// nothing; the capacity preflight fails a preview; a killed `up` re-run ends with exactly 12 jobs.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { maxConcurrency, startSimulator, SEED_UUIDS as U, ZStackSimulator } from "../../simulator";
import {
  createConsumerProject,
  ConsumerProject,
  describeProcesses,
  E2EStack,
  spawnPulumi,
  waitFor,
  withStack,
} from "./harness";

const V2V = "pulumi-nodejs:dynamic/zstack:V2vMigration";
const GiB = 1024 ** 3;
const TiB = 1024 ** 4;
const MIN = 60_000;
const DISK = 100 * GiB;

const defaults = {
  conversionHostUuid: U.convHost,
  primaryStorageUuid: U.primaryStorage,
  l3NetworkUuids: [U.l3Private],
  platform: "Linux",
};
const names = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${prefix}-${String(i + 1).padStart(2, "0")}`);

/** Long jobs in ZStack that convert into a VM of this name. */
function jobsFor(sim: ZStackSimulator, vmName: string): any[] {
  return sim.world.list("longJobs").filter((j) => JSON.parse(String(j.jobData ?? "{}")).name === vmName);
}

async function planProject(prefix: string): Promise<ConsumerProject> {
  const program = fs.readFileSync(path.join(__dirname, "fixtures/plan-program/index.js"), "utf8");
  return createConsumerProject(fs.mkdtempSync(path.join(os.tmpdir(), `pzm-${prefix}-`)), { program });
}

const config = (sim: ZStackSimulator, plan: object) => ({
  "zstack:endpoint": sim.url,
  "zstack:accountName": "admin",
  "zstack:password": { value: "password", secret: true },
  "e2e:plan": plan,
});

describe("e2e: MigrationPlan on the real Pulumi engine", function () {
  this.timeout(15 * MIN);
  let sim: ZStackSimulator;
  let project: ConsumerProject;
  let h: E2EStack;
  let log = "";
  const opts = () => ({ onOutput: (s: string) => (log += s) });
  const wave = names("wave", 12);
  const plan = { name: "wave1", maxInFlight: 3, defaults, vms: wave.map((source) => ({ source })) };

  before(async function () {
    sim = await startSimulator({ port: 0, speed: 300, jobDurations: { v2vMs: 10 * MIN }, quiet: true });
    sim.addVmwareVms({ count: 12, prefix: "wave", diskBytes: DISK });
    sim.addVmwareVms({ count: 4, prefix: "big", diskBytes: 2 * TiB });
    project = await planProject("plan");
    h = await withStack(project.dir, "plan", config(sim, plan));
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.log(`--- engine output ---\n${log.slice(-20000)}`);
    log = "";
  });

  after(async () => {
    await h?.dispose();
    await sim?.stop();
    if (project) fs.rmSync(project.dir, { recursive: true, force: true });
  });

  it("12 VMs through one host with maxInFlight 3: never more than 3 conversions at once, and 3 reached; the report lists every VM", async () => {
    const res = await h.stack.up(opts());
    assert.strictEqual(res.summary.result, "succeeded");
    assert.strictEqual(sim.stats.byRoute["POST /v1/v2vs"], 12);
    for (const vm of wave) assert.strictEqual(jobsFor(sim, vm).length, 1, `${vm}: one long job`);

    const peak = maxConcurrency(sim.longJobTimeline(), { conversionHostUuid: U.convHost });
    assert.strictEqual(peak.max, 3, `highest concurrency ${peak.max}`);

    const out = await h.outputs();
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
      log,
      /V2vMigration wave1-wave-\d\d \("wave-\d\d"\): queued: \d+ ahead of it, 3 of 3 conversions running/,
    );
  });

  it("reordering the entries and renaming the plan with an alias replace nothing", async () => {
    await h.setConfig({ "e2e:plan": { ...plan, name: "wave-a", aliases: ["wave1"], vms: [...plan.vms].reverse() } });
    const pre = await h.stack.preview({ ...opts(), expectNoChanges: true });
    assert.deepStrictEqual(Object.keys(pre.changeSummary).sort(), ["same"], JSON.stringify(pre.changeSummary));
    const res = await h.stack.up(opts());
    assert.strictEqual(res.summary.result, "succeeded");
    assert.strictEqual(sim.stats.byRoute["POST /v1/v2vs"], 12);
    await h.setConfig({ "e2e:plan": { ...plan, name: "wave-a" } });
  });

  it("the re-migration guard: a changed entry of a migrated VM fails the preview; the entry's ignoreChanges keeps it as it is", async () => {
    const changed = (extra: object) => ({
      ...plan,
      name: "wave-a",
      vms: plan.vms.map((v, i) => (i === 0 ? { ...v, cpuNum: 8, ...extra } : v)),
    });
    await h.setConfig({ "e2e:plan": changed({}) });
    await assert.rejects(h.stack.preview(opts()), (e: Error) =>
      /V2vMigration wave-a-wave-01 \("wave-01"\) was already migrated: [^]*The change to cpuNum would replace this resource/.test(
        e.message,
      ),
    );
    await h.setConfig({ "e2e:plan": changed({ ignoreChanges: ["cpuNum"] }) });
    await h.stack.preview({ ...opts(), expectNoChanges: true });
    assert.strictEqual(sim.stats.byRoute["POST /v1/v2vs"], 12);
  });

  it("a duplicate entry name fails the preview with an error naming both entries", async () => {
    await h.setConfig({
      "e2e:plan": { ...plan, name: "wave-a", vms: [...plan.vms, { source: "big-01", name: "wave-03" }] },
    });
    await assert.rejects(h.stack.preview(opts()), (e: Error) =>
      /vms\[2\] and vms\[12\] both have the name "wave-03"/.test(e.message),
    );
  });

  it("the capacity preflight fails the preview, naming the storage (or host), what is needed and what is available", async () => {
    const big = names("big", 4).map((source) => ({ source }));
    await h.setConfig({ "e2e:plan": { ...plan, name: "wave-a", vms: [...plan.vms, ...big] } });
    // primary storage: 4 × 2 TiB to create on PS-Local, with 5 TiB available (the engine stops at the first error)
    sim.world.update("primaryStorages", U.primaryStorage, { availableCapacity: 5 * TiB });
    sim.world.update("conversionHosts", U.convHost, { availableSize: 100 * TiB }); // only the storage is short
    const submits = sim.stats.byRoute["POST /v1/v2vs"];
    await assert.rejects(h.stack.preview(opts()), (e: Error) => {
      assert.match(
        e.message,
        /primary storage PS-Local \[uuid:568c8fb94e544ce798704424af05bcc2\]: the 3 migrations this run creates on it need 6\.00 TiB of source disks; ZStack reports 5\.00 TiB available/,
      );
      return true;
    });
    // conversion host: the 3 biggest that may run at once (3 × 2 TiB) against its cache
    sim.world.update("primaryStorages", U.primaryStorage, { availableCapacity: 16 * TiB });
    sim.world.update("conversionHosts", U.convHost, { availableSize: 5 * TiB });
    await assert.rejects(h.stack.preview(opts()), (e: Error) => {
      assert.match(
        e.message,
        /V2V conversion host v2v-conversion-host-1 \[uuid:f93a4dd87b8849ea96e5b2df98aa1c8e\]: the 3 largest migrations this run may convert on it at once \(maxInFlight 3\) need 6\.00 TiB; ZStack reports 5\.00 TiB available \(availableSize\)/,
      );
      return true;
    });
    sim.world.update("conversionHosts", U.convHost, { availableSize: 3 * TiB * 4 });
    assert.strictEqual(sim.stats.byRoute["POST /v1/v2vs"], submits, "a preview submitted a job");
    await h.setConfig({ "e2e:plan": { ...plan, name: "wave-a" } });
    await h.stack.preview({ ...opts(), expectNoChanges: true });
  });
});

describe("e2e: a MigrationPlan `up` killed midway", function () {
  this.timeout(15 * MIN);
  let sim: ZStackSimulator;
  let project: ConsumerProject;
  let h: E2EStack;
  let log = "";
  const wave = names("kill", 12);
  const plan = { name: "wave2", maxInFlight: 3, defaults, vms: wave.map((source) => ({ source })) };

  before(async function () {
    sim = await startSimulator({ port: 0, speed: 300, jobDurations: { v2vMs: 60 * MIN }, quiet: true });
    sim.addVmwareVms({ count: 12, prefix: "kill", diskBytes: DISK });
    project = await planProject("plan-killed");
    h = await withStack(project.dir, "killed", config(sim, plan));
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.log(`--- engine output ---\n${log.slice(-20000)}`);
    log = "";
  });

  after(async () => {
    await h?.dispose();
    await sim?.stop();
    if (project) fs.rmSync(project.dir, { recursive: true, force: true });
  });

  it("re-run after a SIGKILL: the queue submits nothing after the kill, the running jobs are adopted, exactly 12 long jobs in all", async () => {
    const run = await spawnPulumi(
      h,
      project.dir,
      ["up", "--yes", "--skip-preview", "--stack", "killed"],
      (s) => (log += s),
    );
    let atKill: number;
    try {
      // the first wave of 3 finished and the second one runs: 6 submitted, 6 queued
      assert.ok(await waitFor(() => sim.world.list("longJobs").length >= 6, 180_000), "the wave never got going");
      // the README's "how the limit is kept": one dynamic-provider server for every migration of the run
      const servers = run.providerProcesses().filter((p) => /cmd[\\/]dynamic-provider/.test(p.cmdline));
      assert.strictEqual(servers.length, 1, `dynamic-provider servers: ${describeProcesses(servers)}`);
      process.kill(run.child.pid!, "SIGKILL");
      await run.exited;
      const gone = await waitFor(() => run.providerProcesses().length === 0, 10_000);
      assert.ok(gone, `provider processes survive the engine: ${describeProcesses(run.providerProcesses())}`);
      atKill = sim.world.list("longJobs").length;
      assert.ok(atKill < 12, `all ${atKill} jobs were submitted before the kill: nothing was queued`);
    } finally {
      await run.killTree();
    }
    sim.advance(5 * MIN); // time passes; nothing submits anything
    assert.strictEqual(sim.world.list("longJobs").length, atKill, "a job was submitted after the kill");

    await h.stack.cancel(); // the killed run's lock
    const res = await h.stack.up({ onOutput: (s: string) => (log += s) });
    assert.strictEqual(res.summary.result, "succeeded");
    assert.strictEqual(sim.world.list("longJobs").length, 12);
    for (const vm of wave)
      assert.strictEqual(jobsFor(sim, vm).length, 1, `${vm}: ${jobsFor(sim, vm).length} long jobs`);
    assert.strictEqual(sim.stats.byRoute["POST /v1/v2vs"], 12);
    const peak = maxConcurrency(sim.longJobTimeline(), { conversionHostUuid: U.convHost });
    assert.ok(peak.max <= 3, `highest concurrency ${peak.max} across both runs`);
    const states = (await h.resources(V2V)).map((r) => r.outputs.state);
    assert.deepStrictEqual(states, Array(12).fill("Succeeded"));
  });
});
