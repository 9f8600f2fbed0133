// Both providers end to end (create, read, update, delete) while the simulator injects transient
// faults at a high rate: every operation must succeed, and nothing may be created twice.
import * as assert from "assert";
import { SEED_UUIDS as U } from "../../simulator";
import { V2vMigrationInputs } from "../../provider/v2v-migration/inputs";
import { Sim, newSim, ovaHarness, v2vHarness } from "./helpers";

describe("providers under transient faults (30% proxy errors + 30% connection resets)", () => {
  let sim: Sim;
  afterEach(async () => sim.stop());

  for (const phase of ["before", "after"] as const) {
    it(`resets ${phase} the MN handled the request: full lifecycle of 2 migrations and 2 exports, no duplicates`, async () => {
      sim = await newSim({
        randomSeed: phase === "before" ? 3 : 5,
        jobDurations: { v2vMs: 45 * 60_000, ovaMs: 20 * 60_000 },
      });
      const deps = { retry: { maxRetries: 40 } };
      const v2v = await v2vHarness(sim, { deps });
      const ova = await ovaHarness(sim, { deps });
      sim.faults.setProxyErrorRate(0.3);
      sim.faults.setConnectionResetRate(0.3, phase);

      const migrations = [];
      for (const [i, src] of [U.vmwareApp01, U.vmwareApp02].entries()) {
        const { inputs } = await v2v.provider.check(
          {},
          {
            url: `vmware://${src}`,
            name: `app-0${i + 1}`,
            cpuNum: 2,
            memorySize: 2 * 1024 ** 3,
            conversionHostUuid: U.convHost,
            primaryStorageUuid: U.primaryStorage,
            l3NetworkUuids: [U.l3Private],
            deleteMigratedVm: true,
          },
        );
        const created = await v2v.provider.create(inputs as unknown as V2vMigrationInputs);
        assert.strictEqual(created.outs.state, "Succeeded");
        const updated = await v2v.provider.update(created.id, created.outs, {
          ...(inputs as unknown as V2vMigrationInputs),
          longJobName: `wave-${i}`,
        });
        assert.strictEqual(updated.outs.longJobName, `wave-${i}`);
        assert.deepStrictEqual((await v2v.provider.read(created.id, updated.outs)).props, updated.outs);
        migrations.push(updated);
      }
      const packages = [];
      for (const vm of [U.vmStopped, U.vmStopped2]) {
        const { inputs } = await ova.provider.check({}, { vmUuid: vm, backupStorageUuid: U.bsImageStore });
        const created = await ova.provider.create(inputs as never);
        assert.strictEqual(created.outs.state, "Exported");
        const updated = await ova.provider.update(created.id, created.outs, {
          ...(inputs as never as object),
          name: `${vm}.ova`,
        } as never);
        assert.strictEqual(updated.outs.name, `${vm}.ova`);
        packages.push(updated);
      }
      const vms = sim.world.list("vms", (v) => /^app-0/.test(String(v.name)));
      assert.strictEqual(sim.world.list("longJobs").length, 2, "a long job was created twice");
      assert.strictEqual(vms.length, 2, "a VM was created twice");
      assert.strictEqual(sim.world.list("imagePackages").length, 2, "a package was created twice");

      for (const m of migrations) await v2v.provider.delete(m.outs.uuid, m.outs);
      for (const p of packages) await ova.provider.delete(p.outs.uuid, p.outs);
      sim.faults.clear();
      assert.strictEqual(sim.world.list("longJobs").length, 0);
      assert.strictEqual(sim.world.list("imagePackages").length, 0);
      assert.strictEqual(
        sim.world.list("vms", (v) => /^app-0/.test(String(v.name)) && v.state !== "Destroyed").length,
        0,
      );
      const injected = Object.entries(sim.stats.byRoute)
        .filter(([r]) => /proxy|reset/.test(r))
        .reduce((s, [, n]) => s + n, 0);
      assert.ok(injected >= 20, `only ${injected} faults were injected`);
    });
  }
});
