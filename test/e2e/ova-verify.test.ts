// End to end on the real Pulumi engine: OvaPackage's `verify`. For each download fault of the
// simulator (flip, truncate, missing) the create fails with the clear error, the package is recorded
// in the stack (not exported twice), and once the fault is cleared the next `up` succeeds without
// exporting again. A refresh after the file vanished shows the drift in `verified`.
import * as assert from "assert";
import { SEED_UUIDS as U } from "../../simulator";
import { e2eFixture, fixtureProgram, MIN, OVA } from "./fixture";

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
  const spec: { ovas: Array<{ name: string; args: Record<string, unknown> }> } = { ovas: [] };
  const fx = e2eFixture({
    stack: "ova-verify",
    project: fixtureProgram("spec-program"),
    simulator: { speed: 300, jobDurations: { ovaMs: 5 * MIN } },
    config: { "e2e:spec": spec },
  });
  const exportCalls = () => fx.sim.stats.byRoute["POST /v1/ovf/ova-packages"] ?? 0;
  const recorded = async (name: string) => (await fx.h.resources(OVA)).find((r) => r.outputs.name === name);

  afterEach(() => fx.sim.faults.clear());

  CASES.forEach((c, i) => {
    it(`${c.mode} (verify: "${c.verify}"): the create fails with the clear error and is recorded; after the fault is cleared the next up verifies without exporting again`, async () => {
      const name = `ova-${c.mode}`;
      spec.ovas.push({ name, args: { vmUuid: c.vmUuid, backupStorageUuid: U.bsImageStore, name, verify: c.verify } });
      await fx.h.setConfig({ "e2e:spec": spec });
      fx.sim.faults.corruptDownloads(c.mode);
      await assert.rejects(fx.h.stack.up(fx.opts()), (err: Error) => {
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

      fx.sim.faults.clear();
      const res = await fx.h.stack.up(fx.opts());
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
      const out = (await fx.h.outputs()).ovas[name];
      assert.deepStrictEqual(out.verified, fixed.outputs.verified, "verified is a stack output");
    });
  });

  it("a verified stack previews and refreshes with no changes", async () => {
    await fx.h.stack.preview({ ...fx.opts(), expectNoChanges: true });
    const res = await fx.h.stack.refresh({ ...fx.opts(), expectNoChanges: true });
    assert.deepStrictEqual(Object.keys(res.summary.resourceChanges ?? {}), ["same"]);
  });

  it("a refresh after the file vanished shows the drift in verified; the next up verifies again", async () => {
    const before = await recorded("ova-flip");
    fx.sim.faults.corruptDownloads("missing");
    const res = await fx.h.stack.refresh(fx.opts());
    assert.strictEqual(res.summary.result, "succeeded");
    assert.strictEqual(res.summary.resourceChanges?.update, CASES.length, "every package shows the drift");
    const drifted = await recorded("ova-flip");
    assert.strictEqual(drifted.id, before.id);
    assert.strictEqual(drifted.outputs.verified.method, "size");
    assert.match(String(drifted.outputs.verified.error), /file not found/);
    assert.match(fx.log, /recorded as drift in verified/);

    const pending = await fx.h.stack.preview(fx.opts());
    assert.strictEqual(pending.changeSummary.update, CASES.length);
    fx.sim.faults.clear();
    const up = await fx.h.stack.up(fx.opts());
    assert.strictEqual(up.summary.resourceChanges?.update, CASES.length);
    const back = await recorded("ova-flip");
    assert.strictEqual(back.outputs.verified.md5, back.outputs.md5Sum);
    assert.strictEqual(fx.sim.world.list("imagePackages").length, CASES.length, "nothing exported again");
  });

  it("destroy deletes the packages", async () => {
    await fx.h.stack.destroy(fx.opts());
    assert.strictEqual(fx.sim.world.list("imagePackages").length, 0);
  });
});
