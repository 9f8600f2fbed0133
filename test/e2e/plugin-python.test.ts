// End to end on the real Pulumi engine: examples/python-wave, a Python program on the provider plugin
// (installed from the tarball of scripts/build-plugin.sh with `pulumi plugin install`) through the SDK that scripts/build-sdks.sh generated with Pulumi's own code generator, installed with
// pip from the wheel into a virtualenv (the Python language host of scripts/setup-language-hosts.sh runs
// the `python` first on PATH). Against the simulator: bad input fails the preview with nothing sent,
// then preview, up, `preview --expect-no-changes`, refresh and destroy, in order on one stack.
import * as assert from "assert";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { createHash } from "crypto";
import { maxConcurrency, SEED_CREDENTIALS, SEED_UUIDS as U } from "../../simulator";
import { convertVmFromForeignHypervisor, ZStackClient } from "../../provider/client";
import { e2eFixture, GiB, jobsFor, longJobsLeft, MIN, releasedRecordsOf } from "./fixture";
import { findPlainText, spawnPulumi } from "./harness";
import { AMBIENT_PLUGIN, exampleProjectFiles, installPlugin, programPath } from "./plugin-programs";
import { assertProgressOnRows, mutatingRoutes } from "./plugin-support";

// the example's VMs: three migrated and started, one (app-02) converted only and exported
const STARTED = ["vmware-web-01", "vmware-web-02", "vmware-app-01"];
const ENTRIES = [...STARTED, "app-02"];
const PASSWORD = "plugin-python-S3cret!";

describe("e2e: examples/python-wave on the provider plugin (Python SDK from the wheel)", function () {
  this.timeout(10 * MIN);
  const fx = e2eFixture({
    stack: "python-wave",
    // createConsumerProject writes a Node.js project; the example's own Pulumi.yaml (runtime: python)
    // replaces its Pulumi.yaml, and the Python host ignores the rest
    project: () => ({ program: "", withPackage: false, files: exampleProjectFiles("python-wave") }),
    simulator: { speed: 300, jobDurations: { v2vMs: 10 * MIN, ovaMs: 5 * MIN } },
    logStderr: true,
    env: () => ({ PATH: programPath("python") }),
    password: PASSWORD,
  });
  before(() => installPlugin(fx.h));

  it("bad input fails the preview, naming the resource and the field, with nothing sent to ZStack", async () => {
    await fx.h.setConfig({ "zstack-python-wave:storagePath": "/" });
    fx.sim.stats.reset();
    await assert.rejects(fx.h.stack.preview(fx.opts()), (e: Error) => {
      assert.match(
        `${e.message}\n${fx.log}`,
        /V2vConversionHost resource 'conversion-host': property storagePath value \{\/\} has a problem: storagePath must not be \/ itself/,
      );
      return true;
    });
    assert.deepStrictEqual(mutatingRoutes(fx.sim.stats.byRoute), []);
    assert.deepStrictEqual(fx.sim.world.list("longJobs"), []);
    await fx.h.workspace.removeConfig("python-wave", "zstack-python-wave:storagePath");
  });

  it("a bad entry of the plan (an unknown source VM) fails the preview, naming the entry's migration and the field; nothing sent", async () => {
    await fx.h.setConfig({ "zstack-python-wave:sources": ["vmware-web-01", "vmware-nope"] });
    fx.sim.stats.reset();
    try {
      await assert.rejects(fx.h.stack.preview(fx.opts()), (e: Error) => {
        assert.match(
          `${e.message}\n${fx.log}`,
          /V2vMigration resource 'wave1-vmware-nope': property sourceVmName value \{vmware-nope\} has a problem: sourceVmName: no VmInstance with name="vmware-nope" and hypervisorType=ESX exists in ZStack/,
        );
        return true;
      });
    } finally {
      await fx.h.workspace.removeConfig("python-wave", "zstack-python-wave:sources");
    }
    assert.deepStrictEqual(mutatingRoutes(fx.sim.stats.byRoute), []);
    assert.deepStrictEqual(fx.sim.world.list("longJobs"), []);
  });

  it("preview plans the conversion host, the plan's migrations and the OVA package, sending nothing", async () => {
    fx.sim.stats.reset();
    const pre = await fx.h.stack.preview(fx.opts());
    // the stack, the conversion host, the plan, its 4 migrations and the OVA package
    assert.deepStrictEqual(pre.changeSummary, { create: 8 });
    assert.deepStrictEqual(mutatingRoutes(fx.sim.stats.byRoute), []);
  });

  it("up adds the conversion host, migrates the wave with at most maxInFlight at once (progress on the resource rows), exports the OVA and reports", async () => {
    const events: EngineEvent[] = [];
    const res = await fx.h.stack.up({ ...fx.opts(), onEvent: (e) => events.push(e) });
    assert.strictEqual(res.summary.result, "succeeded");
    assertProgressOnRows(
      events,
      STARTED.map((vm) => `wave1-${vm}`),
    );
    assert.doesNotMatch(fx.log, AMBIENT_PLUGIN, "the plugin runs from the tarball installed in the plugin cache");
    const out = await fx.h.outputs();
    // progress lines on the resource's own row (the engine's Log with its URN), and under it in the diagnostics
    assert.match(
      fx.log,
      /zstack:index:V2vMigration wave1-vmware-web-01 creating \(\d+s\) V2vMigration wave1-vmware-web-01 \("vmware-web-01"\): submitted long job [0-9a-f]{32}/,
    );
    assert.match(
      fx.log,
      /zstack:index:V2vMigration \(wave1-vmware-web-01\):\n\s+V2vMigration wave1-vmware-web-01 \("vmware-web-01"\)(.*\n\s+V2vMigration wave1-vmware-web-01 .*)*: submitted long job/,
    );

    const ch = fx.sim.world.get("conversionHosts", out.conversionHostUuid);
    assert.ok(ch, "the conversion host was added");
    assert.strictEqual(ch.hostUuid, U.host3);
    for (const vm of STARTED) assert.strictEqual(jobsFor(fx.sim, vm).length, 1, `${vm}: one long job`);
    assert.strictEqual(jobsFor(fx.sim, "app-02").length, 1);
    const peak = maxConcurrency(fx.sim.longJobTimeline(), { conversionHostUuid: out.conversionHostUuid });
    assert.strictEqual(peak.max, 2, `the example's maxInFlight is 2; highest concurrency ${peak.max}`);

    for (const e of ENTRIES) assert.strictEqual(out.states[e], "Succeeded", `${e}: ${out.states[e]}`);
    for (const e of STARTED) assert.strictEqual(fx.sim.world.get("vms", out.vmUuids[e])?.state, "Running");
    assert.strictEqual(fx.sim.world.get("vms", out.vmUuids["app-02"])?.state, "Stopped");
    for (const e of ENTRIES)
      assert.match(String(out.report), new RegExp(`^\\| ${e} \\| .* \\| Succeeded \\| ${out.vmUuids[e]} \\|`, "m"));

    const [pkg] = fx.sim.world.list("imagePackages");
    assert.strictEqual(pkg.vmUuid, out.vmUuids["app-02"], "the OVA was exported from the migrated app-02");
    const body = Buffer.from(await (await fetch(out.exportUrl)).arrayBuffer());
    assert.strictEqual(createHash("md5").update(body).digest("hex"), out.md5Sum);
  });

  it("preview --expect-no-changes afterwards", async () => {
    const pre = await fx.h.stack.preview({ ...fx.opts(), expectNoChanges: true });
    assert.deepStrictEqual(Object.keys(pre.changeSummary), ["same"], JSON.stringify(pre.changeSummary));
  });

  it("refresh finds everything as it is, and a preview still expects no changes", async () => {
    const res = await fx.h.stack.refresh(fx.opts());
    assert.strictEqual(res.summary.result, "succeeded");
    assert.deepStrictEqual(
      Object.keys(res.summary.resourceChanges ?? {}).filter((k) => k !== "same"),
      [],
      JSON.stringify(res.summary.resourceChanges),
    );
    await fx.h.stack.preview({ ...fx.opts(), expectNoChanges: true });
  });

  it("the credentials are in the state as secrets only: never in plain text in `pulumi stack export` or the backend", async () => {
    // the password is in the state (the provider's configuration), so the search below can find it
    assert.notDeepStrictEqual(findPlainText(await fx.h.exportDeployment({ showSecrets: true }), { PASSWORD }), []);
    assert.deepStrictEqual(findPlainText(await fx.h.exportDeployment(), { PASSWORD }), []);
    assert.deepStrictEqual(findPlainText(await fx.h.backendFiles(), { PASSWORD }), []);
    assert.ok(!fx.log.includes(PASSWORD), "the password is in the engine's output");
  });

  it("pulumi import adopts a migration started outside Pulumi, sending nothing", async () => {
    const c = new ZStackClient({
      endpoint: fx.sim.url,
      auth: { kind: "account", accountName: SEED_CREDENTIALS.accountName, password: PASSWORD },
    });
    const job = await convertVmFromForeignHypervisor(c, {
      params: {
        url: `vmware://${U.vmwareDb01}`,
        name: "db-01",
        conversionHostUuid: U.convHost,
        primaryStorageUuid: U.primaryStorage,
        l3NetworkUuids: [U.l3Private],
        cpuNum: 4,
        memorySize: 8 * GiB,
      },
    });
    fx.sim.advance(90 * MIN);
    fx.sim.stats.reset();
    const run = await spawnPulumi(
      fx.h,
      fx.project.dir,
      // the Python host built here cannot generate the program's code (GenerateProgram): import only
      [
        "import",
        "zstack:index:V2vMigration",
        "db-01",
        job.uuid!,
        "--generate-code=false",
        "--yes",
        "--protect=false",
        "--stack",
        "python-wave",
      ],
      fx.onOutput,
    );
    const exit = await run.exited;
    await run.killTree();
    assert.strictEqual(exit.code, 0, "pulumi import failed");
    const imported = (await fx.h.resources("zstack:index:V2vMigration")).find((r) => r.urn.endsWith("::db-01"));
    assert.ok(imported, "the migration is in the stack");
    assert.strictEqual(imported.id, job.uuid);
    assert.strictEqual(imported.outputs.state, "Succeeded");
    assert.strictEqual(imported.inputs.url, `vmware://${U.vmwareDb01}`);
    assert.strictEqual(imported.inputs.adoptUuid, job.uuid, "the stack adopted the job");
    assert.doesNotMatch(run.output(), /failed to validate/, run.output());
    assert.deepStrictEqual(mutatingRoutes(fx.sim.stats.byRoute), []);
  });

  it("destroy removes the package and the conversion host it added, and releases the long jobs of the VMs it keeps", async () => {
    const { conversionHostUuid } = await fx.h.outputs();
    const kept = (await fx.h.resources("zstack:index:V2vMigration")).map((r) => r.outputs.vmUuid);
    const res = await fx.h.stack.destroy(fx.opts());
    assert.strictEqual(res.summary.result, "succeeded");
    assert.deepStrictEqual(fx.sim.world.list("imagePackages"), []);
    // the evidence that each source was migrated stays in ZStack with its VM (never twice, even after removal)
    assert.deepStrictEqual(longJobsLeft(fx.sim), releasedRecordsOf(kept));
    assert.strictEqual(fx.sim.world.get("conversionHosts", conversionHostUuid), undefined);
    assert.ok(fx.sim.world.get("conversionHosts", U.convHost), "the seeded conversion host is untouched");
  });
});
