// End to end on the real Pulumi engine: Pulumi's `customTimeouts` on a V2vMigration in Pulumi YAML, through the
// provider plugin. The simulator's clock is manual, so the conversion stays Running until the test moves it on:
// the create ends at `customTimeouts.create` (10 s), not at the `timeouts.create` input (6 h), and its error says
// so; the migration is recorded with its running job (nothing is lost), and the next `pulumi up` adopts it.
import * as assert from "assert";
import { SEED_UUIDS as U } from "../../simulator";
import { e2eFixture, GiB, jobsFor, MIN } from "./fixture";
import { PLUGIN_V2V, pluginEnv, yamlProject } from "./plugin-support";

const PROGRAM = `name: plugin-timeouts
runtime: yaml
resources:
  web:
    type: zstack:index:V2vMigration
    properties:
      url: vmware://${U.vmwareWeb01}
      name: web-01
      conversionHostUuid: ${U.convHost}
      primaryStorageUuid: ${U.primaryStorage}
      l3NetworkUuids: [${U.l3Private}]
      cpuNum: 2
      memorySize: ${4 * GiB}
      timeouts:
        create: 6h
    options:
      customTimeouts:
        create: 10s
`;

describe("e2e: customTimeouts of a YAML V2vMigration through the plugin", function () {
  this.timeout(10 * MIN);
  const fx = e2eFixture({
    stack: "plugin-timeouts",
    project: yamlProject(PROGRAM),
    simulator: { manualClock: true, jobDurations: { v2vMs: 60 * MIN } },
    env: () => pluginEnv(fx.project),
    logScope: "describe",
  });

  it("customTimeouts.create ends the wait (not timeouts.create) and the error says which; the job is recorded and adopted", async () => {
    await assert.rejects(fx.h.stack.up(fx.opts()), (e: Error) => {
      assert.match(
        e.message,
        /V2vMigration web \("web-01"\): long job [0-9a-f]{32} is still Running at the create timeout \(10s, from customTimeouts\.create\); it keeps running in ZStack and the next pulumi up waits for it again/,
      );
      return true;
    });
    const [job] = jobsFor(fx.sim, "web-01");
    assert.strictEqual(job.state, "Running", "the simulator's clock never moved: the job still runs");
    const [recorded] = await fx.h.resources(PLUGIN_V2V);
    assert.strictEqual(recorded.id, job.uuid, "the running job is recorded in the stack");
    assert.strictEqual(recorded.outputs.state, "Running");
    assert.deepStrictEqual(recorded.outputs.timeouts, { create: "6h" }, "the recorded timeouts are the program's");

    fx.sim.advance(61 * MIN); // the conversion ends in ZStack
    const res = await fx.h.stack.up(fx.opts());
    assert.strictEqual(res.summary.result, "succeeded");
    assert.strictEqual(jobsFor(fx.sim, "web-01").length, 1, "adopted, not submitted again");
    const [after] = await fx.h.resources(PLUGIN_V2V);
    assert.strictEqual(after.id, job.uuid);
    assert.strictEqual(after.outputs.state, "Succeeded");
  });
});
