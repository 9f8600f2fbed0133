// `pulumi up` killed the way CI kills it (SIGKILL of the CLI alone, in the middle of a wave of long
// migrations): the provider process must end on its own within seconds, submitting and cancelling
// nothing, and the next `up` adopts every job. And the engine watch never fires while the engine lives.
import * as assert from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startSimulator, SEED_UUIDS as U, ZStackSimulator } from "../../simulator";
import { ENGINE_PROBE_INTERVAL_MS } from "../../provider/hosts/dynamic/process-lifecycle";
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
const MIN = 60_000;
const SPEED = 300; // simulated ms per real ms
const PASSWORD = "e2e-killed-up-pa55word-31c7";

function migration(name: string, source: string) {
  return {
    name,
    args: {
      url: `vmware://${source}`,
      name,
      cpuNum: 2,
      memorySize: 2 * GiB,
      conversionHostUuid: U.convHost,
      primaryStorageUuid: U.primaryStorage,
      l3NetworkUuids: [U.l3Private],
    },
  };
}

/** Long jobs in ZStack that convert into a VM of this name. */
function jobsFor(sim: ZStackSimulator, vmName: string): any[] {
  return sim.world.list("longJobs").filter((j) => JSON.parse(String(j.jobData ?? "{}")).name === vmName);
}

/** Requests that change jobs (submit, cancel, rerun, resume, update, delete), by route. */
function jobWrites(sim: ZStackSimulator): Record<string, number> {
  return Object.fromEntries(
    Object.entries(sim.stats.byRoute).filter(
      ([route]) => !route.startsWith("GET ") && /\/v1\/(v2vs|longjobs)/.test(route),
    ),
  );
}

describe("e2e: an up killed with SIGKILL leaves no provider process behind", function () {
  this.timeout(10 * MIN);
  let sim: ZStackSimulator;
  let project: ConsumerProject;
  let h: E2EStack;
  let log = "";
  const opts = () => ({ onOutput: (s: string) => (log += s) });

  before(async function () {
    sim = await startSimulator({ port: 0, speed: SPEED, jobDurations: { v2vMs: 10 * MIN }, quiet: true });
    sim.world.update("accounts", U.adminAccount, {
      password: crypto.createHash("sha512").update(PASSWORD).digest("hex"),
    });
    const program = fs.readFileSync(path.join(__dirname, "fixtures/spec-program/index.js"), "utf8");
    project = await createConsumerProject(fs.mkdtempSync(path.join(os.tmpdir(), "pzm-killed-up-")), { program });
    h = await withStack(project.dir, "killed", {
      "zstack:endpoint": sim.url,
      "zstack:accountName": "admin",
      "zstack:password": { value: PASSWORD, secret: true },
      "e2e:spec": { migrations: [] },
    });
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

  it("no false alarm: a migration that runs far longer than the engine watch's interval succeeds", async () => {
    // 100 simulated minutes at 300x: about 20 s of real time, i.e. about 20 probes of the live engine
    sim.setJobDurations({ v2vMs: 100 * MIN });
    await h.setConfig({ "e2e:spec": { migrations: [migration("long-01", U.vmwareWeb01)] } });
    const started = Date.now();
    const res = await h.stack.up(opts());
    const elapsed = Date.now() - started;
    assert.strictEqual(res.summary.result, "succeeded");
    assert.ok(elapsed > 15 * ENGINE_PROBE_INTERVAL_MS, `the wait lasted only ${elapsed} ms`);
    const [r] = await h.resources(V2V);
    assert.strictEqual(r.outputs.state, "Succeeded");
    assert.strictEqual(jobsFor(sim, "long-01").length, 1);
  });

  it("SIGKILL of `pulumi up` mid-wave: its provider processes end within 10 s, submit and cancel nothing; the re-run adopts every job", async () => {
    const wave = [
      migration("wave-01", U.vmwareWeb02),
      migration("wave-02", U.vmwareDb01),
      migration("wave-03", U.vmwareApp01),
      migration("wave-04", U.vmwareApp02),
    ];
    await h.setConfig({ "e2e:spec": { migrations: [migration("long-01", U.vmwareWeb01), ...wave] } });
    sim.setJobDurations({ v2vMs: 8 * 60 * MIN }); // 8 h simulated = 96 s real: all still running at the kill
    const run = await spawnPulumi(
      h,
      project.dir,
      ["up", "--yes", "--skip-preview", "--stack", "killed"],
      (s) => (log += s),
    );
    try {
      // the whole wave is submitted and running in ZStack (polled on the simulator itself)
      const allRunning = () =>
        wave.every((m) => jobsFor(sim, m.name).length === 1 && jobsFor(sim, m.name)[0].state === "Running");
      assert.ok(await waitFor(allRunning, 120_000), "the wave never ran");
      const providers = run.providerProcesses();
      assert.ok(providers.length > 0, "no provider process found for the run");

      const writesAtKill = jobWrites(sim);
      process.kill(run.child.pid!, "SIGKILL"); // the CLI alone, as a CI runner kills a job
      await run.exited;

      const gone = await waitFor(() => run.providerProcesses().length === 0, 10_000);
      assert.ok(gone, `provider processes survive the engine: ${describeProcesses(run.providerProcesses())}`);
      // once they are gone nothing can send anything more: compare now
      assert.deepStrictEqual(jobWrites(sim), writesAtKill, "a job was submitted, cancelled or changed after the kill");
      for (const m of wave) {
        const jobs = jobsFor(sim, m.name);
        assert.strictEqual(jobs.length, 1, `${m.name}: ${jobs.length} long jobs`);
        assert.strictEqual(jobs[0].state, "Running", `${m.name}: the running job was touched`);
      }
    } finally {
      await run.killTree(); // the language host and the program, which are not ours to fix
    }

    // the interrupted conversions finish while nobody watches; then the user re-runs up
    sim.setJobDurations({ v2vMs: 10 * MIN });
    sim.advance(8 * 60 * MIN);
    await h.stack.cancel(); // the killed run's lock
    const submits = sim.stats.byRoute["POST /v1/v2vs"] ?? 0;
    const res = await h.stack.up(opts());
    assert.strictEqual(res.summary.result, "succeeded");
    assert.strictEqual(sim.stats.byRoute["POST /v1/v2vs"] ?? 0, submits, "the re-run submitted a conversion");
    const recorded = await h.resources(V2V);
    for (const m of wave) {
      const jobs = jobsFor(sim, m.name);
      assert.strictEqual(jobs.length, 1, `${m.name}: exactly one long job`);
      const r = recorded.find((x) => x.outputs.name === m.name);
      assert.strictEqual(r?.id, jobs[0].uuid, `${m.name}: the re-run adopted the job`);
      assert.strictEqual(r.outputs.state, "Succeeded");
    }
  });
});
