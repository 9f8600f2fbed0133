// Async APIs answered synchronously (200 + the result instead of 202 + location), as ZStack's API
// pages label ConvertVmFromForeignHypervisor and ExportVmOvaPackage: the client takes the answer as
// an already finished job. The simulator's synchronousApis switch answers that way over real HTTP.
import * as assert from "assert";
import { SEED_CREDENTIALS as C, SEED_UUIDS as U } from "../../../simulator";
import { ZStackClient, convertVmFromForeignHypervisor, exportVmOvaPackage } from "../../../provider/client";
import { OVA_PACKAGE_INPUTS } from "../../../provider/ova-package/inputs";
import { createCallArgs } from "../../../provider/core/input-table";
import { Sim, newSim, rejection, routeCount, virtualClock } from "../helpers";

const clientFor = (sim: Sim) =>
  new ZStackClient({
    endpoint: sim.url,
    auth: { kind: "account", accountName: C.accountName, password: C.password },
    clock: virtualClock(sim),
  });

const v2vParams = (name: string) => ({
  url: `vmware://${U.vmwareWeb01}`,
  name,
  cpuNum: 1,
  memorySize: 1024 ** 3,
  primaryStorageUuid: U.primaryStorage,
  l3NetworkUuids: [U.l3Private],
  conversionHostUuid: U.convHost,
});

describe("client: async APIs answered synchronously", () => {
  let sim: Sim;
  afterEach(async () => sim.stop());

  it("ConvertVmFromForeignHypervisor answered 200 + inventory is a finished job: no api-job poll", async () => {
    sim = await newSim({ synchronousApis: ["ConvertVmFromForeignHypervisor"] });
    const c = clientFor(sim);
    const sid = await c.sessionId();
    const job = await c.submit("ConvertVmFromForeignHypervisor", { params: v2vParams("sync") }, sid);
    assert.ok(job.finished, "a 200 answer must be taken as a finished job");
    const polled = await c.pollApiJob(job);
    assert.strictEqual(polled.done, true);
    const longJob = await convertVmFromForeignHypervisor(c, { params: v2vParams("sync-2") });
    assert.strictEqual(longJob.jobName, "APIConvertVmFromForeignHypervisorMsg");
    assert.strictEqual(longJob.state, "Running");
    assert.strictEqual(routeCount(sim, /api-jobs/), 0, JSON.stringify(sim.stats.byRoute));
  });

  it("a synchronous failure (503) is still the API's failure", async () => {
    sim = await newSim({ synchronousApis: ["*"] });
    const c = clientFor(sim);
    const e = await rejection(() =>
      convertVmFromForeignHypervisor(c, {
        params: { ...v2vParams("refused"), conversionHostUuid: U.convHostDisabled },
      }),
    );
    assert.match(e.message, /SYS.1007|Disabled/i);
  });

  it("ExportVmOvaPackage answered once the export ends (a blocking call) gives the exported package", async () => {
    sim = await newSim({ synchronousApis: ["ExportVmOvaPackage"], jobDurations: { ovaMs: 60_000 } });
    const c = clientFor(sim);
    const pending = exportVmOvaPackage(
      c,
      createCallArgs(OVA_PACKAGE_INPUTS, { vmUuid: U.vmStopped2, backupStorageUuid: U.bsImageStore }),
    );
    // the answer is held until the export is done in simulated time
    while (!sim.world.list("imagePackages").some((p) => p.vmUuid === U.vmStopped2))
      await new Promise((r) => setImmediate(r));
    sim.advance(61_000);
    const pkg = await pending;
    assert.strictEqual(pkg.state, "Exported");
    assert.ok(pkg.exportUrl && pkg.md5Sum);
    assert.strictEqual(routeCount(sim, /api-jobs/), 0);
  });

  it("the switch can be turned off again (POST /_sim/synchronous-apis): 202 + location as before", async () => {
    sim = await newSim({ synchronousApis: ["*"] });
    const set = await fetch(`${sim.url}/_sim/synchronous-apis`, { method: "POST", body: JSON.stringify({ apis: [] }) });
    assert.deepStrictEqual(await set.json(), { apis: [] });
    const c = clientFor(sim);
    const job = await c.submit("ConvertVmFromForeignHypervisor", { params: v2vParams("async") }, await c.sessionId());
    assert.strictEqual(job.finished, undefined);
    const on = await fetch(`${sim.url}/_sim/synchronous-apis`, {
      method: "POST",
      body: JSON.stringify({ apis: ["ConvertVmFromForeignHypervisor"] }),
    });
    assert.deepStrictEqual(await on.json(), { apis: ["ConvertVmFromForeignHypervisor"] });
    const bad = await fetch(`${sim.url}/_sim/synchronous-apis`, {
      method: "POST",
      body: JSON.stringify({ apis: "all" }),
    });
    assert.strictEqual(bad.status, 400);
  });
});
