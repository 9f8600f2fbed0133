// End to end on the real Pulumi engine: one stack of V2vMigrations and an OvaPackage, installed
// from the `npm pack` tarball, taken through the whole lifecycle against the simulator. The steps
// run in order and share the stack, as a user's successive `pulumi` runs do.
import * as assert from "assert";
import { createHash } from "crypto";
import { SEED_UUIDS as U, ZStackSimulator } from "../../simulator";
import {
  e2eFixture,
  fixtureProgram,
  GiB,
  jobsFor,
  longJobsLeft,
  MIN,
  OVA,
  promisedOutputs,
  releasedRecordsOf,
  sha512Hex,
  V2V,
} from "./fixture";
import { describeProcesses, findPlainText, isSecretValue, waitFor } from "./harness";

// Credentials that appear nowhere else, so a plain-text hit in the state is unambiguous.
const PASSWORD = "e2e-Adm1n-pa55word-7f3c91";
const SSH_KEY =
  "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAE2E-MARKER-9d2f41c0\n-----END OPENSSH PRIVATE KEY-----";

interface MigrationSpec {
  name: string;
  args: Record<string, unknown>;
  sshKey?: boolean;
  aliases?: string[];
}
interface Spec {
  migrations: MigrationSpec[];
  ovas: Array<{ name: string; args: Record<string, unknown> }>;
}

function migration(name: string, source: string, extra: Record<string, unknown> = {}): MigrationSpec {
  return {
    name,
    args: {
      url: `vmware://${source}`,
      name,
      description: `${name} migrated by the e2e suite`,
      cpuNum: 2,
      memorySize: 2 * GiB,
      conversionHostUuid: U.convHost,
      primaryStorageUuid: U.primaryStorage,
      l3NetworkUuids: [U.l3Private],
      platform: "Linux",
      longJobName: `v2v ${name}`,
      longJobDescription: `e2e migration of ${name}`,
      ...extra,
    },
  };
}

function vmsNamed(sim: ZStackSimulator, name: string): any[] {
  return sim.world.list("vms").filter((v) => v.name === name && v.hypervisorType === "KVM");
}

describe("e2e: V2vMigration and OvaPackage on the real Pulumi engine", function () {
  this.timeout(10 * MIN);
  const spec: Spec = {
    migrations: [
      migration("web-01", U.vmwareWeb01),
      migration("web-02", U.vmwareWeb02, { deleteMigratedVm: true }),
      migration("db-01", U.vmwareDb01, { cpuNum: 4, memorySize: 8 * GiB }),
    ],
    ovas: [
      {
        name: "template",
        args: { vmUuid: U.vmStopped, backupStorageUuid: U.bsImageStore, name: "template", description: "e2e template" },
      },
    ],
  };
  // sshPrivKey is given to one migration, from secret stack config
  spec.migrations[0].sshKey = true;

  const fx = e2eFixture({
    stack: "lifecycle",
    project: fixtureProgram("spec-program"),
    // 300x: a 10-minute simulated conversion takes 2 s of real time.
    simulator: { speed: 300, jobDurations: { v2vMs: 10 * MIN, ovaMs: 5 * MIN } },
    password: PASSWORD,
    config: { "e2e:sshPrivKey": { value: SSH_KEY, secret: true }, "e2e:spec": spec },
  });
  const setSpec = () => fx.h.setConfig({ "e2e:spec": spec });

  it("up migrates the VMs and exports the OVA, with every promised output", async () => {
    const res = await fx.h.stack.up(fx.opts());
    assert.strictEqual(res.summary.result, "succeeded");
    assert.strictEqual(res.summary.resourceChanges?.create, 5); // the stack + 3 migrations + 1 package
    const out = await fx.h.outputs();
    for (const m of spec.migrations) {
      const o = out.migrations[m.name];
      for (const k of promisedOutputs("V2vMigration", m.args))
        assert.notStrictEqual(o[k], undefined, `V2vMigration ${m.name}: output ${k} missing`);
      assert.strictEqual(o.state, "Succeeded");
      assert.strictEqual(o.jobName, "APIConvertVmFromForeignHypervisorMsg");
      assert.strictEqual(o.longJobName, `v2v ${m.name}`);
      const vm = fx.sim.world.get("vms", o.vmUuid);
      assert.ok(vm, `migrated VM ${o.vmUuid} exists in ZStack`);
      assert.strictEqual(vm.name, m.name);
      assert.strictEqual(vm.state, "Running");
      // jobData is ZStack's copy of the API message: it must not carry the session or the key
      assert.ok(!String(o.jobData).includes(SSH_KEY.split("\n")[1]), "jobData carries the private key");
    }
    const ova = out.ovas.template;
    for (const k of promisedOutputs("OvaPackage", spec.ovas[0].args))
      assert.notStrictEqual(ova[k], undefined, `OvaPackage: output ${k} missing`);
    assert.strictEqual(ova.state, "Exported");
    assert.strictEqual(ova.format, "ova");
    // the package can be downloaded and verified from the outputs alone
    const body = Buffer.from(await (await fetch(ova.exportUrl)).arrayBuffer());
    assert.strictEqual(body.length, ova.size);
    assert.strictEqual(createHash("md5").update(body).digest("hex"), ova.md5Sum);
  });

  it("preview right after up expects no changes", async () => {
    const res = await fx.h.stack.preview({ ...fx.opts(), expectNoChanges: true });
    assert.deepStrictEqual(Object.keys(res.changeSummary), ["same"]);
  });

  it("refresh right after up expects no changes", async () => {
    const res = await fx.h.stack.refresh({ ...fx.opts(), expectNoChanges: true });
    assert.deepStrictEqual(Object.keys(res.summary.resourceChanges ?? {}), ["same"]);
  });

  it("refresh sees out-of-band changes and drops what was deleted in ZStack; up restores them", async () => {
    const [pkg] = await fx.h.resources(OVA);
    fx.sim.world.update("imagePackages", pkg.id, { description: "changed by hand" });
    const web02 = (await fx.h.resources(V2V)).find((r) => r.outputs.name === "web-02");
    assert.ok(fx.sim.world.delete("longJobs", web02.id));

    const res = await fx.h.stack.refresh(fx.opts());
    assert.strictEqual(res.summary.resourceChanges?.update, 1);
    assert.strictEqual(res.summary.resourceChanges?.delete, 1);
    const after = await fx.h.resources();
    assert.strictEqual(after.find((r) => r.type === OVA).outputs.description, "changed by hand");
    assert.ok(!after.some((r) => r.type === V2V && r.outputs.name === "web-02"), "the deleted long job left the stack");

    const up = await fx.h.stack.up(fx.opts());
    assert.strictEqual(up.summary.resourceChanges?.create, 1); // web-02 migrated again
    assert.strictEqual(up.summary.resourceChanges?.update, 1); // the description put back
    assert.strictEqual(fx.sim.world.get("imagePackages", pkg.id)!.description, "e2e template");
  });

  it("a conversion input change replaces; long-job and package names update in place", async () => {
    const before = await fx.h.resources();
    const web01Before = before.find((r) => r.type === V2V && r.outputs.name === "web-01");
    const pkgBefore = before.find((r) => r.type === OVA);
    spec.migrations[0].args.cpuNum = 4; // conversion parameter: a new migration
    spec.migrations[0].args.allowRemigration = true; // web-01 Succeeded: the re-migration guard wants the opt-in
    spec.migrations[1].args.longJobName = "v2v web-02 (renamed)"; // UpdateLongJob
    spec.ovas[0].args.name = "template-v2"; // UpdateImagePackage
    await setSpec();

    const preview = await fx.h.stack.preview(fx.opts());
    assert.strictEqual(preview.changeSummary.replace, 1);
    assert.strictEqual(preview.changeSummary.update, 2);

    const res = await fx.h.stack.up(fx.opts());
    assert.strictEqual(res.summary.resourceChanges?.replace, 1);
    assert.strictEqual(res.summary.resourceChanges?.update, 2);

    const after = await fx.h.resources();
    const web01 = after.find((r) => r.type === V2V && r.outputs.name === "web-01");
    assert.strictEqual(web01.outputs.cpuNum, 4);
    assert.notStrictEqual(web01.outputs.vmUuid, web01Before.outputs.vmUuid, "a new VM was migrated");
    assert.ok(
      fx.sim.world.get("vms", web01Before.outputs.vmUuid),
      "the replaced migration's VM is kept (default delete semantics)",
    );
    assert.strictEqual(jobsFor(fx.sim, "web-01").length, 1, "the old long-job record was deleted");
    const web02 = after.find((r) => r.type === V2V && r.outputs.name === "web-02");
    assert.strictEqual(fx.sim.world.get("longJobs", web02.id)!.name, "v2v web-02 (renamed)");
    const pkg = after.find((r) => r.type === OVA);
    assert.strictEqual(pkg.id, pkgBefore.id, "the package was updated in place, not re-exported");
    assert.strictEqual(fx.sim.world.get("imagePackages", pkg.id)!.name, "template-v2");

    await fx.h.stack.preview({ ...fx.opts(), expectNoChanges: true });
  });

  it("a migration that fails is recorded in the stack with ZStack's reason, and the next up fixes it", async () => {
    spec.migrations.push(migration("app-01", U.vmwareApp01));
    await setSpec();
    fx.sim.faults.failNextJob("v2v", { details: "virt-v2v: failed to copy disk sda: connection to ESXi lost" });
    await assert.rejects(fx.h.stack.up(fx.opts()), (err: Error) => {
      assert.match(err.message, /failed to copy disk sda/);
      return true;
    });
    const failed = (await fx.h.resources(V2V)).find((r) => r.outputs.name === "app-01");
    assert.ok(failed, "the failed migration is recorded in the stack, not orphaned");
    assert.strictEqual(failed.outputs.state, "Failed");
    assert.strictEqual(fx.sim.world.get("longJobs", failed.id)!.state, "Failed");
    assert.match(
      String(failed.outputs.__provider),
      /require\("pulumi-zstack-migration\//,
      "the recorded failure can load its provider",
    );

    // refresh works on the recorded failure (it loads the provider from the recorded outputs)
    const refresh = await fx.h.stack.refresh(fx.opts());
    assert.strictEqual(refresh.summary.result, "succeeded");
    assert.strictEqual((await fx.h.resources(V2V)).find((r) => r.outputs.name === "app-01")?.outputs.state, "Failed");

    const res = await fx.h.stack.up(fx.opts());
    assert.strictEqual(res.summary.result, "succeeded");
    const fixed = (await fx.h.resources(V2V)).find((r) => r.outputs.name === "app-01");
    assert.strictEqual(fixed.outputs.state, "Succeeded");
    assert.strictEqual(jobsFor(fx.sim, "app-01").length, 1, "no second job was submitted for app-01");
    assert.strictEqual(vmsNamed(fx.sim, "app-01").length, 1);
  });

  it("a failed migration taken out of the program is deleted from ZStack", async () => {
    // a source no other migration of this stack has converted (a second migration of app-01 would be refused)
    spec.migrations.push(migration("retired-01", U.vmwareApp02));
    await setSpec();
    fx.sim.faults.failNextJob("v2v", { details: "virt-v2v: guest OS not supported" });
    await assert.rejects(fx.h.stack.up(fx.opts()), /guest OS not supported/);
    const failed = (await fx.h.resources(V2V)).find((r) => r.outputs.name === "retired-01");
    assert.ok(failed && fx.sim.world.get("longJobs", failed.id), "the failure is recorded");

    spec.migrations.pop();
    await setSpec();
    const res = await fx.h.stack.up(fx.opts());
    assert.strictEqual(res.summary.result, "succeeded");
    assert.strictEqual(res.summary.resourceChanges?.delete, 1);
    assert.strictEqual(fx.sim.world.get("longJobs", failed.id), undefined, "the failed job's record was deleted");
    assert.strictEqual(jobsFor(fx.sim, "retired-01").length, 0);
  });

  it("renaming a resource (with an alias) keeps its migration: no replacement, no new job", async () => {
    const db = spec.migrations.find((m) => m.name === "db-01")!;
    const before = (await fx.h.resources(V2V)).find((r) => r.outputs.name === "db-01");
    const submitted = fx.sim.stats.byRoute["POST /v1/v2vs"] ?? 0;
    db.name = "db-primary"; // the resource name; the VM's name (args.name) stays db-01
    db.aliases = ["db-01"];
    await setSpec();
    const preview = await fx.h.stack.preview(fx.opts());
    for (const k of ["create", "replace", "delete", "update"])
      assert.strictEqual((preview.changeSummary as any)[k], undefined, JSON.stringify(preview.changeSummary));
    const res = await fx.h.stack.up(fx.opts());
    assert.strictEqual(res.summary.result, "succeeded");
    const after = (await fx.h.resources(V2V)).find((r) => r.outputs.name === "db-01");
    assert.match(after.urn, /::db-primary$/);
    assert.strictEqual(after.id, before.id, "the long job changed");
    assert.strictEqual(after.outputs.resourceUuid, before.outputs.resourceUuid);
    assert.strictEqual(fx.sim.stats.byRoute["POST /v1/v2vs"] ?? 0, submitted, "a conversion was submitted again");
    assert.strictEqual(vmsNamed(fx.sim, "db-01").length, 1);
    await fx.h.stack.preview({ ...fx.opts(), expectNoChanges: true });
  });

  it("an up killed mid-create is re-run and adopts the running job instead of submitting again", async () => {
    spec.migrations.push(migration("app-02", U.vmwareApp02, { platform: "Windows" }));
    await setSpec();
    fx.sim.setJobDurations({ v2vMs: 4 * 60 * MIN }); // 4 h simulated = 48 s real: certainly still running
    const run = await fx.spawnUp();
    try {
      // wait for the job to exist in ZStack (a condition, polled on the simulator itself)
      assert.ok(await waitFor(() => jobsFor(fx.sim, "app-02").length > 0, 120_000), "the job was never submitted");
      process.kill(run.child.pid!, "SIGKILL"); // the CLI alone, as a CI runner kills a job
      await run.exited;
      // its provider process notices and ends on its own
      const gone = await waitFor(() => run.providerProcesses().length === 0, 10_000);
      assert.ok(gone, `provider processes survive the engine: ${describeProcesses(run.providerProcesses())}`);
    } finally {
      await run.killTree(); // whatever else of the run is left (language host, program)
    }
    const [job] = jobsFor(fx.sim, "app-02");
    assert.strictEqual(job.state, "Running");
    fx.sim.setJobDurations({ v2vMs: 10 * MIN });
    fx.sim.advance(4 * 60 * MIN); // the interrupted conversion finishes while nobody watches

    // What a user does after a killed run: release the stale lock, then run up again.
    await fx.h.unlockAfterKill();

    const res = await fx.h.stack.up(fx.opts());
    assert.strictEqual(res.summary.result, "succeeded");
    const jobs = jobsFor(fx.sim, "app-02");
    assert.strictEqual(jobs.length, 1, "the re-run adopted the job: no duplicate submission");
    const r = (await fx.h.resources(V2V)).find((x) => x.outputs.name === "app-02");
    assert.strictEqual(r.id, job.uuid);
    assert.strictEqual(r.outputs.state, "Succeeded");
    assert.strictEqual(vmsNamed(fx.sim, "app-02").length, 1);
  });

  it("the state holds no plain-text secret, sshPrivKey is encrypted and __provider is a small require", async () => {
    const sessions = fx.sim.world.list("sessions").map((s) => s.uuid);
    assert.ok(sessions.length > 0, "the providers logged in");
    const needles: Record<string, string> = {
      password: PASSWORD,
      passwordHash: sha512Hex(PASSWORD),
      sshPrivKey: SSH_KEY.split("\n")[1],
    };
    sessions.forEach((s, i) => (needles[`session${i}`] = s));
    const hits = findPlainText(await fx.h.backendText(), needles);
    assert.deepStrictEqual(hits, [], `plain-text secrets at rest: ${JSON.stringify(hits)}`);

    const resources = await fx.h.resources();
    const withKey = resources.find((r) => r.type === V2V && r.outputs.name === "web-01");
    assert.ok(isSecretValue(withKey.outputs.sshPrivKey), "sshPrivKey output is a secret");
    assert.ok(isSecretValue(withKey.inputs.sshPrivKey), "sshPrivKey input is a secret");
    for (const r of resources.filter((x) => x.type === V2V || x.type === OVA)) {
      const p = r.outputs.__provider;
      assert.strictEqual(typeof p, "string");
      assert.ok(p.length < 1024, `__provider is ${p.length} bytes`);
      assert.match(
        p,
        /require\("pulumi-zstack-migration\/dist\/provider\/providers\/(v2v-migration|ova-package)(\.js)?"\)/,
      );
    }
  });

  it("destroy leaves nothing behind in ZStack except the VMs the delete semantics keep", async () => {
    const migrated = (await fx.h.resources(V2V)).map((r) => ({ name: r.outputs.name, vmUuid: r.outputs.vmUuid }));
    const res = await fx.h.stack.destroy(fx.opts());
    assert.strictEqual(res.summary.result, "succeeded");
    // ZStack keeps the evidence that a source was migrated while its VM exists: a released record each
    const kept = migrated.filter((m) => m.name !== "web-02").map((m) => m.vmUuid);
    assert.deepStrictEqual(longJobsLeft(fx.sim), releasedRecordsOf(kept), "no other long job left");
    assert.deepStrictEqual(fx.sim.world.list("imagePackages"), [], "no image package left");
    for (const m of migrated) {
      const vm = fx.sim.world.get("vms", m.vmUuid);
      if (m.name === "web-02") assert.strictEqual(vm, undefined, "deleteMigratedVm: the VM was destroyed and expunged");
      else assert.ok(vm && vm.state !== "Destroyed", `${m.name}: the migrated VM is kept`);
    }
    assert.deepStrictEqual(await fx.h.resources(), []);
  });
});
