// End to end on the real Pulumi engine: a V2vMigration declared by the source VM's name (no url, no
// CPU or memory), then the source removed from ZStack as after a cutover: refresh, preview and
// destroy stay clean and report no change, because a recorded migration never resolves its name again.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startSimulator, SEED_UUIDS as U, ZStackSimulator } from "../../simulator";
import { createConsumerProject, ConsumerProject, E2EStack, withStack } from "./harness";

const V2V = "pulumi-nodejs:dynamic/zstack:V2vMigration";
const GiB = 1024 ** 3;
const MIN = 60_000;

describe("e2e: V2vMigration by sourceVmName on the real Pulumi engine", function () {
  this.timeout(10 * MIN);
  let sim: ZStackSimulator;
  let project: ConsumerProject;
  let h: E2EStack;
  let log = "";
  const spec = {
    migrations: [
      {
        name: "db-01",
        args: {
          sourceVmName: "vmware-db-01",
          name: "db-01",
          conversionHostUuid: U.convHost,
          primaryStorageUuid: U.primaryStorage,
          l3NetworkUuids: [U.l3Private],
        },
      },
    ],
    ovas: [],
  };
  const opts = () => ({ onOutput: (s: string) => (log += s) });

  before(async function () {
    sim = await startSimulator({ port: 0, speed: 300, jobDurations: { v2vMs: 10 * MIN }, quiet: true });
    const program = fs.readFileSync(path.join(__dirname, "fixtures/spec-program/index.js"), "utf8");
    project = await createConsumerProject(fs.mkdtempSync(path.join(os.tmpdir(), "pzm-source-name-")), { program });
    h = await withStack(project.dir, "source-name", {
      "zstack:endpoint": sim.url,
      "zstack:accountName": "admin",
      "zstack:password": { value: "password", secret: true },
      "e2e:spec": spec,
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

  it("up migrates the VM named vmware-db-01 with its CPU and memory, and records url, cpuNum, memorySize", async () => {
    const res = await h.stack.up(opts());
    assert.strictEqual(res.summary.result, "succeeded");
    const [m] = await h.resources(V2V);
    assert.strictEqual(m.outputs.state, "Succeeded");
    assert.strictEqual(m.outputs.url, `vmware://${U.vmwareDb01}`);
    assert.strictEqual(m.outputs.cpuNum, 8);
    assert.strictEqual(m.outputs.memorySize, 32 * GiB);
    assert.strictEqual(m.outputs.sourceVmName, "vmware-db-01");
    const vm = sim.world.get("vms", m.outputs.vmUuid);
    assert.ok(vm && vm.cpuNum === 8 && vm.memorySize === 32 * GiB);
  });

  it("after the source VM is deleted in ZStack: refresh and preview report no change, destroy is clean", async () => {
    assert.ok(sim.world.delete("vms", U.vmwareDb01), "the source VM existed");
    const refresh = await h.stack.refresh({ ...opts(), expectNoChanges: true });
    assert.deepStrictEqual(Object.keys(refresh.summary.resourceChanges ?? {}), ["same"]);
    const preview = await h.stack.preview({ ...opts(), expectNoChanges: true });
    assert.deepStrictEqual(Object.keys(preview.changeSummary), ["same"]);
    const destroy = await h.stack.destroy(opts());
    assert.strictEqual(destroy.summary.result, "succeeded");
    assert.deepStrictEqual(sim.world.list("longJobs"), [], "no long job left");
    assert.deepStrictEqual(await h.resources(), []);
  });
});
