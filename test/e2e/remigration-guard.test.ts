// End to end on the real Pulumi engine: the re-migration guard. A V2vMigration whose long job has
// Succeeded refuses a change that would replace it (run the conversion again): preview and up fail
// with one readable error and nothing is sent to ZStack; ignoreChanges keeps the migration as it
// is; allowRemigration: true replaces it; a Failed migration still replaces without the opt-in.
import * as assert from "assert";
import { SEED_UUIDS as U } from "../../simulator";
import { e2eFixture, fixtureProgram, jobsFor as jobsIn, MIN, V2V } from "./fixture";

interface MigrationSpec {
  name: string;
  args: Record<string, unknown>;
  ignoreChanges?: string[];
}

describe("e2e: the re-migration guard on the real Pulumi engine", function () {
  this.timeout(10 * MIN);
  const migration = (name: string, vmwareUuid: string): MigrationSpec => ({
    name,
    args: {
      url: `vmware://${vmwareUuid}`,
      name,
      conversionHostUuid: U.convHost,
      cpuNum: 2,
      memorySize: 4 * 1024 ** 3,
      primaryStorageUuid: U.primaryStorage,
      l3NetworkUuids: [U.l3Private],
    },
  });
  const spec: { migrations: MigrationSpec[]; ovas: [] } = {
    migrations: [migration("web-01", U.vmwareWeb01)],
    ovas: [],
  };
  const fx = e2eFixture({
    stack: "remigration",
    project: fixtureProgram("spec-program"),
    simulator: { speed: 300, jobDurations: { v2vMs: 10 * MIN } },
    config: { "e2e:spec": spec },
    logStderr: true,
  });
  const web01 = () => spec.migrations[0];
  const setSpec = () => fx.h.setConfig({ "e2e:spec": spec });
  const submitted = () => fx.sim.stats.byRoute["POST /v1/v2vs"] ?? 0;
  const jobsFor = (vmName: string) => jobsIn(fx.sim, vmName);
  const recorded = async (name: string) => (await fx.h.resources(V2V)).find((r) => r.outputs.name === name);

  it("up migrates web-01 (Succeeded)", async () => {
    const res = await fx.h.stack.up(fx.opts());
    assert.strictEqual(res.summary.result, "succeeded");
    assert.strictEqual((await recorded("web-01")).outputs.state, "Succeeded");
    assert.strictEqual(submitted(), 1);
  });

  it("a changed cpuNum fails preview and up with the guard's message; nothing is submitted or changed", async () => {
    const before = await recorded("web-01");
    const outputsBefore = await fx.h.outputs();
    web01().args.cpuNum = 4;
    await setSpec();
    for (const run of [() => fx.h.stack.preview(fx.opts()), () => fx.h.stack.up(fx.opts())]) {
      fx.log = "";
      const err = await run().then(
        () => assert.fail("the guard did not fail the run"),
        (e: Error) => e,
      );
      // the engine shows the refusal under the resource, once, as the provider wrote it
      for (const text of [err.message, fx.log]) {
        assert.match(
          text,
          new RegExp(
            `error: V2vMigration web-01 was already migrated: long job ${before.id} Succeeded and created VM ${before.outputs.vmUuid}\\.`,
          ),
        );
        assert.match(
          text,
          /The change to cpuNum would replace this resource: the conversion would run again and leave a second VM/,
        );
        assert.match(text, /revert the change to cpuNum/);
        assert.match(text, /add \["cpuNum"\] to this resource's ignoreChanges option/);
        assert.match(text, /set allowRemigration: true on this resource/);
      }
      // the provider's own log of the throw is one line, without a stack trace
      assert.match(
        fx.log,
        /RemigrationError: V2vMigration web-01: re-migration refused: the error shown for this resource says why, and how to proceed/,
      );
      assert.doesNotMatch(fx.log, /\n\s*at .*v2v-remigration-guard/);
      assert.doesNotMatch(fx.log, /RemigrationError: .*was already migrated/);
    }
    assert.strictEqual(submitted(), 1, "nothing was submitted");
    assert.strictEqual(fx.sim.stats.byRoute["DELETE /v1/longjobs/{uuid}"] ?? 0, 0, "nothing was deleted");
    const after = await recorded("web-01");
    assert.deepStrictEqual(after.outputs, before.outputs, "the recorded migration is untouched");
    assert.deepStrictEqual(await fx.h.outputs(), outputsBefore, "the stack outputs are untouched");
    assert.strictEqual(fx.sim.world.get("longJobs", before.id)!.state, "Succeeded");
  });

  it('ignoreChanges: ["cpuNum"] keeps the migration as it is: preview shows no change', async () => {
    web01().ignoreChanges = ["cpuNum"];
    await setSpec();
    const preview = await fx.h.stack.preview({ ...fx.opts(), expectNoChanges: true });
    assert.deepStrictEqual(Object.keys(preview.changeSummary), ["same"]);
    assert.strictEqual(submitted(), 1);
  });

  it("allowRemigration: true lets up replace it: exactly one new long job, the first VM kept", async () => {
    const before = await recorded("web-01");
    delete web01().ignoreChanges;
    web01().args.allowRemigration = true;
    await setSpec();
    const preview = await fx.h.stack.preview(fx.opts());
    assert.strictEqual(preview.changeSummary.replace, 1);
    const res = await fx.h.stack.up(fx.opts());
    assert.strictEqual(res.summary.resourceChanges?.replace, 1);
    assert.strictEqual(submitted(), 2, "exactly one new long job");
    const after = await recorded("web-01");
    assert.strictEqual(after.outputs.state, "Succeeded");
    assert.strictEqual(after.outputs.cpuNum, 4);
    assert.strictEqual(after.outputs.allowRemigration, true);
    assert.notStrictEqual(after.outputs.vmUuid, before.outputs.vmUuid, "a second VM was migrated");
    assert.ok(fx.sim.world.get("vms", before.outputs.vmUuid), "the first VM is kept (deleteMigratedVm is not set)");
    // the new job keeps the recorded resourceUuid: the old record was deleted first, and is the only one
    assert.strictEqual(after.id, before.id);
    assert.deepStrictEqual(
      jobsFor("web-01").map((j) => JSON.parse(String(j.jobData)).cpuNum),
      [4],
      "the old long-job record was deleted",
    );
  });

  it("a Failed migration that is changed still replaces without the opt-in", async () => {
    spec.migrations.push(migration("app-01", U.vmwareApp01));
    await setSpec();
    fx.sim.faults.failNextJob("v2v", { details: "virt-v2v: guest OS not supported" });
    await assert.rejects(fx.h.stack.up(fx.opts()), /guest OS not supported/);
    const failed = await recorded("app-01");
    assert.strictEqual(failed.outputs.state, "Failed");
    const before = submitted();

    spec.migrations[1].args.cpuNum = 1;
    await setSpec();
    const preview = await fx.h.stack.preview(fx.opts());
    assert.strictEqual(preview.changeSummary.replace, 1);
    const res = await fx.h.stack.up(fx.opts());
    assert.strictEqual(res.summary.resourceChanges?.replace, 1);
    assert.strictEqual(submitted(), before + 1, "one new long job");
    const replaced = await recorded("app-01");
    assert.strictEqual(replaced.outputs.state, "Succeeded");
    assert.strictEqual(replaced.outputs.cpuNum, 1);
    assert.deepStrictEqual(
      jobsFor("app-01").map((j) => [j.state, JSON.parse(String(j.jobData)).cpuNum]),
      [["Succeeded", 1]],
      "the failed job's record was deleted",
    );
  });
});
