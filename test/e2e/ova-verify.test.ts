// End to end on the real Pulumi engine: OvaPackage's `verify`. For each download fault of the
// simulator (flip, truncate, missing) the create fails with the clear error, the package is recorded
// in the stack (not exported twice), and once the fault is cleared the next `up` succeeds without
// exporting again. A refresh after the file vanished shows the drift in `verified`.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startSimulator, SEED_UUIDS as U, ZStackSimulator } from "../../simulator";
import { createConsumerProject, ConsumerProject, E2EStack, withStack } from "./harness";

const OVA = "pulumi-nodejs:dynamic/zstack:OvaPackage";
const MIN = 60_000;

type Mode = "flip" | "truncate" | "missing";
const CASES: Array<{ mode: Mode; verify: "size" | "md5"; vmUuid: string; expected: RegExp }> = [
  {
    mode: "flip",
    verify: "md5",
    vmUuid: U.vmStopped2,
    expected: /MD5 mismatch at \S+: expected [0-9a-f]{32} \(md5Sum\), found [0-9a-f]{32} over \d+ bytes/,
  },
  {
    mode: "truncate",
    verify: "md5",
    vmUuid: U.vmStopped3,
    expected: /truncated stream from \S+: expected \d+ bytes \(size\), found \d+: the file ends early/,
  },
  {
    mode: "missing",
    verify: "size",
    vmUuid: U.vmStopped,
    expected: /file not found: \S+ answers HTTP 404; expected the OVA of \d+ bytes there/,
  },
];

describe("e2e: OvaPackage verify on the real Pulumi engine", function () {
  this.timeout(10 * MIN);
  let sim: ZStackSimulator;
  let project: ConsumerProject;
  let h: E2EStack;
  let log = "";
  const spec: { ovas: Array<{ name: string; args: Record<string, unknown> }> } = { ovas: [] };
  const opts = () => ({ onOutput: (s: string) => (log += s) });
  const exportCalls = () => sim.stats.byRoute["POST /v1/ovf/ova-packages"] ?? 0;
  const recorded = async (name: string) => (await h.resources(OVA)).find((r) => r.outputs.name === name);

  before(async () => {
    sim = await startSimulator({ port: 0, speed: 300, jobDurations: { ovaMs: 5 * MIN }, quiet: true });
    const program = fs.readFileSync(path.join(__dirname, "fixtures/spec-program/index.js"), "utf8");
    project = await createConsumerProject(fs.mkdtempSync(path.join(os.tmpdir(), "pzm-ova-verify-")), { program });
    h = await withStack(project.dir, "ova-verify", {
      "zstack:endpoint": sim.url,
      "zstack:accountName": "admin",
      "zstack:password": { value: "password", secret: true },
      "e2e:spec": spec,
    });
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.log(`--- engine output ---\n${log.slice(-20000)}`);
    log = "";
    sim.faults.clear();
  });

  after(async () => {
    await h?.dispose();
    await sim?.stop();
    if (project) fs.rmSync(project.dir, { recursive: true, force: true });
  });

  CASES.forEach((c, i) => {
    it(`${c.mode} (verify: "${c.verify}"): the create fails with the clear error and is recorded; after the fault is cleared the next up verifies without exporting again`, async () => {
      const name = `ova-${c.mode}`;
      spec.ovas.push({ name, args: { vmUuid: c.vmUuid, backupStorageUuid: U.bsImageStore, name, verify: c.verify } });
      await h.setConfig({ "e2e:spec": spec });
      sim.faults.corruptDownloads(c.mode);
      await assert.rejects(h.stack.up(opts()), (err: Error) => {
        assert.match(err.message, c.expected);
        assert.match(err.message, /pulumi up --replace` exports the package anew/);
        return true;
      });
      const failed = await recorded(name);
      assert.ok(failed, "the package is recorded in the stack, not orphaned");
      assert.strictEqual(failed.outputs.state, "Exported");
      assert.match(String(failed.outputs.verified?.error), c.expected);
      assert.match(String(failed.outputs.__provider), /require\("pulumi-zstack-migration\//);
      assert.strictEqual(exportCalls(), i + 1);

      sim.faults.clear();
      const res = await h.stack.up(opts());
      assert.strictEqual(res.summary.result, "succeeded");
      assert.strictEqual(res.summary.resourceChanges?.update, 1);
      assert.strictEqual(res.summary.resourceChanges?.create, undefined, "nothing was created again");
      const fixed = await recorded(name);
      assert.strictEqual(fixed.id, failed.id);
      assert.strictEqual(fixed.outputs.verified.error, undefined);
      assert.strictEqual(fixed.outputs.verified.method, c.verify);
      assert.strictEqual(fixed.outputs.verified.size, fixed.outputs.size);
      if (c.verify === "md5") assert.strictEqual(fixed.outputs.verified.md5, fixed.outputs.md5Sum);
      assert.strictEqual(exportCalls(), i + 1, "exported once");
      const out = (await h.outputs()).ovas[name];
      assert.deepStrictEqual(out.verified, fixed.outputs.verified, "verified is a stack output");
    });
  });

  it("a verified stack previews and refreshes with no changes", async () => {
    await h.stack.preview({ ...opts(), expectNoChanges: true });
    const res = await h.stack.refresh({ ...opts(), expectNoChanges: true });
    assert.deepStrictEqual(Object.keys(res.summary.resourceChanges ?? {}), ["same"]);
  });

  it("a refresh after the file vanished shows the drift in verified; the next up verifies again", async () => {
    const before = await recorded("ova-flip");
    sim.faults.corruptDownloads("missing");
    const res = await h.stack.refresh(opts());
    assert.strictEqual(res.summary.result, "succeeded");
    assert.strictEqual(res.summary.resourceChanges?.update, CASES.length, "every package shows the drift");
    const drifted = await recorded("ova-flip");
    assert.strictEqual(drifted.id, before.id);
    assert.strictEqual(drifted.outputs.verified.method, "size");
    assert.match(String(drifted.outputs.verified.error), /file not found/);
    assert.match(log, /recorded as drift in verified/);

    const pending = await h.stack.preview(opts());
    assert.strictEqual(pending.changeSummary.update, CASES.length);
    sim.faults.clear();
    const up = await h.stack.up(opts());
    assert.strictEqual(up.summary.resourceChanges?.update, CASES.length);
    const back = await recorded("ova-flip");
    assert.strictEqual(back.outputs.verified.md5, back.outputs.md5Sum);
    assert.strictEqual(sim.world.list("imagePackages").length, CASES.length, "nothing exported again");
  });

  it("destroy deletes the packages", async () => {
    await h.stack.destroy(opts());
    assert.strictEqual(sim.world.list("imagePackages").length, 0);
  });
});
