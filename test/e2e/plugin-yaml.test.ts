// End to end on the real Pulumi engine: the YAML wave example (examples/yaml-wave) through the provider plugin
// `pulumi-resource-zstack` (the bin of the packed package, found on PATH) and the YAML language host built by
// scripts/setup-language-hosts.sh, against zstack-sim: a refused preview (bad input, nothing sent), preview, up
// (progress lines on the resource rows), `preview --expect-no-changes`, refresh, `pulumi import` of a migration
// started outside Pulumi and of an OVA package, a conversion host and a vCenter made outside it, destroy.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { SEED_CREDENTIALS, SEED_UUIDS as U, SEED_VCENTER, maxConcurrency } from "../../simulator";
import { ZStackClient, convertVmFromForeignHypervisor, exportVmOvaPackage } from "../../provider/client";
import { e2eFixture, GiB, jobsFor, longJobsLeft, MIN, releasedRecordsOf } from "./fixture";
import { findPlainText, makeTempDir, spawnPulumi } from "./harness";
import { YAML_WAVE, assertProgressOnRows, mutatingRoutes, pluginEnv, yamlProject } from "./plugin-support";

const T = {
  CH: "zstack:index:V2vConversionHost",
  V2V: "zstack:index:V2vMigration",
  OVA: "zstack:index:OvaPackage",
  VC: "zstack:index:VCenter",
  PLAN: "zstack:index:MigrationPlan",
};
const VMS = ["web-01", "web-02", "db-01"];
const PASSWORD = "plugin-yaml-S3cret!";

describe("e2e: the YAML wave through the provider plugin", function () {
  this.timeout(15 * MIN);
  const fx = e2eFixture({
    stack: "plugin-yaml",
    project: yamlProject(YAML_WAVE),
    simulator: { speed: 300, jobDurations: { v2vMs: 10 * MIN, ovaMs: 5 * MIN } },
    env: () => pluginEnv(fx.project),
    password: PASSWORD,
    logScope: "describe",
  });

  it("bad input fails preview naming the resource and the field; nothing is sent", async () => {
    await fx.h.setConfig({ "yaml-wave:conversionStoragePath": "relative/cache" });
    fx.sim.stats.reset();
    try {
      await assert.rejects(fx.h.stack.preview(fx.opts()), (e: Error) => {
        assert.match(e.message, /conversionHost/);
        assert.match(e.message, /storagePath/);
        return true;
      });
    } finally {
      await fx.h.stack.removeConfig("yaml-wave:conversionStoragePath");
    }
    assert.deepStrictEqual(mutatingRoutes(fx.sim.stats.byRoute), [], "only queries and logins were sent");
    assert.strictEqual(fx.sim.world.list("longJobs").length, 0);
    assert.ok(!fx.sim.world.list("conversionHosts").some((h) => h.name === "yaml-wave-conversion-host"));
  });

  it("preview plans the wave: a conversion host, the plan and its three migrations, the OVA; nothing is sent", async () => {
    const res = await fx.h.stack.preview(fx.opts());
    assert.strictEqual(res.changeSummary.create, 7, JSON.stringify(res.changeSummary));
    assert.strictEqual(fx.sim.world.list("longJobs").length, 0);
  });

  it("up (as users run it: a preview, then the update) migrates each VM once, at most two at a time, with progress lines on the resource rows", async () => {
    // the CLI's own `pulumi up --yes`, not the Automation API's (which skips the preview): the engine starts the
    // plugin for the preview and again for the update, and calls its Cancel at the end of each
    const eventLog = path.join(makeTempDir("plugin-yaml-events"), "events.jsonl");
    const run = await spawnPulumi(
      fx.h,
      fx.project.dir,
      ["up", "--yes", "--stack", "plugin-yaml", "--event-log", eventLog],
      fx.onOutput,
      { PULUMI_DEBUG_COMMANDS: "true" }, // what shows `--event-log` (the Automation API's own way to follow a run)
    );
    const exit = await run.exited;
    await run.killTree();
    assert.strictEqual(exit.code, 0, `pulumi up failed:\n${run.output().slice(-4000)}`);
    const events = fs
      .readFileSync(eventLog, "utf8")
      .split("\n")
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as EngineEvent);
    assert.ok(
      events.some((e) => e.summaryEvent),
      "the event log has the run's summary",
    );
    for (const vm of VMS) assert.strictEqual(jobsFor(fx.sim, vm).length, 1, `${vm}: one long job`);
    const outputs = await fx.h.outputs();
    const peak = maxConcurrency(fx.sim.longJobTimeline(), { conversionHostUuid: outputs.conversionHostUuid });
    assert.strictEqual(peak.max, 2, `highest concurrency ${peak.max} (maxInFlight 2)`);
    assert.match(outputs.report, /3 VMs \(3 Succeeded\)/);
    assert.deepStrictEqual(Object.keys(outputs.vmUuids).sort(), [...VMS].sort());
    assert.match(outputs.ovaUrl, /\.ova$/);

    const migrations = await fx.h.resources(T.V2V);
    assert.deepStrictEqual(
      migrations.map((r) => r.outputs.state),
      ["Succeeded", "Succeeded", "Succeeded"],
    );
    assert.ok(
      migrations.every((r) => r.parent && r.parent.includes(`${T.PLAN}::wave`)),
      "children of the plan",
    );
    // the third migration queued behind the two in flight, and said so on its own row
    assertProgressOnRows(
      events,
      VMS.map((vm) => `wave-${vm}`),
    );
  });

  it("preview --expect-no-changes, refresh and up --refresh find nothing to change; no secret in plain text in the state", async () => {
    await fx.h.stack.preview({ ...fx.opts(), expectNoChanges: true });
    const refresh = await fx.h.stack.refresh(fx.opts());
    assert.strictEqual(refresh.summary.result, "succeeded");
    assert.deepStrictEqual(
      Object.keys(refresh.summary.resourceChanges ?? {}).filter((k) => k !== "same"),
      [],
      JSON.stringify(refresh.summary.resourceChanges),
    );
    await fx.h.stack.preview({ ...fx.opts(), expectNoChanges: true });
    // `pulumi up --refresh` as users run it: a refresh and an update in one run of the plugin, after a preview
    fx.sim.stats.reset();
    const run = await spawnPulumi(
      fx.h,
      fx.project.dir,
      ["up", "--refresh", "--yes", "--expect-no-changes", "--stack", "plugin-yaml"],
      fx.onOutput,
    );
    const exit = await run.exited;
    await run.killTree();
    assert.strictEqual(exit.code, 0, `pulumi up --refresh failed:\n${run.output().slice(-4000)}`);
    assert.deepStrictEqual(mutatingRoutes(fx.sim.stats.byRoute), [], "up --refresh changed something in ZStack");
    assert.deepStrictEqual(findPlainText(await fx.h.backendFiles(), { password: PASSWORD }), []);
  });

  it("a second migration of a migrated VM fails preview through the plugin (the re-migration guard); nothing is sent", async () => {
    const file = path.join(fx.project.dir, "Pulumi.yaml");
    const again = `resources:
  again:
    type: ${T.V2V}
    properties:
      name: web-01-again
      url: vmware://${U.vmwareWeb01}
      conversionHostUuid: \${conversionHost.uuid}
      primaryStorageUuid: \${primaryStorageUuid}
      l3NetworkUuids:
        - \${l3NetworkUuid}
`;
    fs.writeFileSync(file, YAML_WAVE.replace(/^resources:\n/m, again));
    fx.sim.stats.reset();
    try {
      await assert.rejects(fx.h.stack.preview(fx.opts()), (e: Error) => {
        assert.match(
          e.message,
          /V2vMigration again \("web-01-again"\): the source vmware:\/\/[0-9a-f]{32} was already migrated/,
        );
        assert.match(e.message, /property url/);
        assert.match(e.message, /allowRemigration: true/);
        return true;
      });
    } finally {
      fs.writeFileSync(file, YAML_WAVE);
    }
    assert.deepStrictEqual(mutatingRoutes(fx.sim.stats.byRoute), [], "only queries and logins were sent");
    assert.strictEqual(jobsFor(fx.sim, "web-01-again").length, 0);
  });

  it("pulumi import adopts a migration started outside Pulumi (its request's parameters become the inputs)", async () => {
    const c = new ZStackClient({
      endpoint: fx.sim.url,
      auth: { kind: "account", accountName: SEED_CREDENTIALS.accountName, password: PASSWORD },
    });
    const job = await convertVmFromForeignHypervisor(c, {
      params: {
        url: `vmware://${U.vmwareApp01}`,
        name: "app-01",
        conversionHostUuid: U.convHost,
        primaryStorageUuid: U.primaryStorage,
        l3NetworkUuids: [U.l3Private],
        cpuNum: 2,
        memorySize: 4 * GiB,
      },
    });
    fx.sim.advance(30 * MIN);
    const run = await spawnPulumi(
      fx.h,
      fx.project.dir,
      ["import", T.V2V, "app-01", job.uuid!, "--yes", "--protect=false", "--stack", "plugin-yaml"],
      fx.onOutput,
    );
    const exit = await run.exited;
    await run.killTree();
    assert.strictEqual(exit.code, 0, "pulumi import failed");
    assert.doesNotMatch(run.output(), /failed to validate/, run.output());
    const imported = (await fx.h.resources(T.V2V)).find((r) => r.urn.endsWith("::app-01"));
    assert.ok(imported, "the migration is in the stack");
    assert.strictEqual(imported.id, job.uuid);
    assert.strictEqual(imported.outputs.state, "Succeeded");
    assert.strictEqual(imported.inputs.name, "app-01");
    assert.strictEqual(imported.inputs.url, `vmware://${U.vmwareApp01}`);
    assert.strictEqual(imported.inputs.adoptUuid, job.uuid, "the stack adopted the job");
    assert.strictEqual(jobsFor(fx.sim, "app-01").length, 1, "adopted, not submitted again");
  });

  it("pulumi import adopts an OVA package, a conversion host and a vCenter made outside Pulumi, changing nothing in ZStack", async () => {
    const c = new ZStackClient({
      endpoint: fx.sim.url,
      auth: { kind: "account", accountName: SEED_CREDENTIALS.accountName, password: PASSWORD },
    });
    const pkg = await exportVmOvaPackage(c, {
      params: { vmUuid: U.vmStopped2, backupStorageUuid: U.bsImageStore, name: "legacy-web-1-export" },
    });
    assert.strictEqual(pkg.state, "Exported");
    fx.sim.stats.reset();
    for (const [type, name, id] of [
      [T.OVA, "legacy-web-1-export", pkg.uuid!],
      // the seeded conversion host on kvm-host-2, added to ZStack before any stack (and Disabled there)
      [T.CH, "v2v-conversion-host-2", U.convHostDisabled],
      // the seeded vCenter registration: ZStack never shows its password, and adopting needs none
      [T.VC, "vcenter-1", U.vcenter],
    ]) {
      const run = await spawnPulumi(
        fx.h,
        fx.project.dir,
        ["import", type, name, id, "--yes", "--protect=false", "--stack", "plugin-yaml"],
        fx.onOutput,
      );
      const exit = await run.exited;
      await run.killTree();
      assert.strictEqual(exit.code, 0, `pulumi import ${type} failed`);
      // the inputs read back pass the resource's own check (the engine warns when they do not)
      assert.doesNotMatch(run.output(), /failed to validate/, run.output());
    }
    assert.deepStrictEqual(mutatingRoutes(fx.sim.stats.byRoute), [], "import only reads");
    const ova = (await fx.h.resources(T.OVA)).find((r) => r.urn.endsWith("::legacy-web-1-export"));
    assert.ok(ova, "the package is in the stack");
    assert.strictEqual(ova.id, pkg.uuid);
    assert.strictEqual(ova.outputs.exportUrl, pkg.exportUrl);
    assert.strictEqual(ova.outputs.md5Sum, pkg.md5Sum);
    assert.strictEqual(ova.inputs.vmUuid, U.vmStopped2);
    assert.strictEqual(ova.inputs.backupStorageUuid, U.bsImageStore);
    assert.strictEqual(ova.inputs.adoptUuid, pkg.uuid);
    const ch = (await fx.h.resources(T.CH)).find((r) => r.urn.endsWith("::v2v-conversion-host-2"));
    assert.ok(ch, "the conversion host is in the stack");
    assert.strictEqual(ch.id, U.convHostDisabled);
    assert.strictEqual(ch.outputs.state, "Disabled");
    assert.strictEqual(ch.inputs.hostUuid, U.host2);
    assert.strictEqual(ch.inputs.storagePath, "/zstack/v2v-cache");
    assert.strictEqual(ch.inputs.adoptUuid, U.convHostDisabled);
    const vc = (await fx.h.resources(T.VC)).find((r) => r.urn.endsWith("::vcenter-1"));
    assert.ok(vc, "the vCenter is in the stack");
    assert.strictEqual(vc.id, U.vcenter);
    assert.strictEqual(vc.inputs.domainName, SEED_VCENTER.domainName);
    assert.strictEqual(vc.inputs.adoptUuid, U.vcenter);
    assert.strictEqual(vc.inputs.password, undefined, "no password is made up");
  });

  it("destroy removes the package and the conversion host, keeps the migrated VMs and releases their long-job records", async () => {
    const vmUuids = Object.values((await fx.h.outputs()).vmUuids as Record<string, string>);
    const kept = (await fx.h.resources(T.V2V)).map((r) => r.outputs.vmUuid);
    const res = await fx.h.stack.destroy(fx.opts());
    assert.strictEqual(res.summary.result, "succeeded");
    assert.deepStrictEqual(await fx.h.resources(T.V2V), []);
    // the evidence that each source was migrated stays in ZStack with its VM (never twice, even after removal)
    assert.deepStrictEqual(longJobsLeft(fx.sim), releasedRecordsOf(kept));
    assert.ok(!fx.sim.world.list("conversionHosts").some((h) => h.name === "yaml-wave-conversion-host"));
    // what the stack imported is the stack's own now: destroy deletes it too
    assert.ok(!fx.sim.world.get("conversionHosts", U.convHostDisabled), "the imported conversion host is left");
    assert.ok(!fx.sim.world.get("vcenters", U.vcenter), "the imported vCenter is left");
    assert.ok(
      !fx.sim.world.list("imagePackages").some((p) => p.vmUuid === U.vmStopped2),
      "the imported package is left",
    );
    for (const uuid of vmUuids) assert.ok(fx.sim.world.get("vms", uuid), `migrated VM ${uuid} deleted`);
  });
});
