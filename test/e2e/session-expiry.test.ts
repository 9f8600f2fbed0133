// End to end on the real Pulumi engine: a wave of two migrations outlives its ZStack session, and the
// simulator reports the expiry as newer management nodes do (ORG_ZSTACK_IDENTITY_10020, not ID.1001).
// The provider logs in again and the wave succeeds (docs/zstack-wire.md §4.2).
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startSimulator, SEED_UUIDS as U, ZStackSimulator } from "../../simulator";
import { createConsumerProject, ConsumerProject, E2EStack, withStack } from "./harness";

const MIN = 60_000;
const V2V = "pulumi-nodejs:dynamic/zstack:V2vMigration";
// a session lives 10 simulated minutes, a conversion takes 30: each job outlives the session it began with
const SESSION_SECONDS = 10 * 60;
const V2V_MS = 30 * MIN;

const PROGRAM = `"use strict";
const pulumi = require("@pulumi/pulumi");
const { V2vMigration } = require("pulumi-zstack-migration");

const seed = new pulumi.Config("e2e").requireObject("seed");
const vmUuids = {};
for (const source of ["vmware-web-01", "vmware-web-02"]) {
  const name = source.replace(/^vmware-/, "");
  const m = new V2vMigration(name, {
    sourceVmName: source,
    name,
    conversionHostUuid: seed.convHost,
    primaryStorageUuid: seed.primaryStorage,
    l3NetworkUuids: [seed.l3Private],
  });
  vmUuids[name] = m.vmUuid;
}
module.exports = { vmUuids };
`;

describe("e2e: a wave survives a session expiry reported in the newer form (ORG_ZSTACK_IDENTITY_10020)", function () {
  this.timeout(10 * MIN);
  let sim: ZStackSimulator;
  let project: ConsumerProject;
  let h: E2EStack;
  let log = "";
  const opts = () => ({ onOutput: (s: string) => (log += s) });
  const logins = () => sim.stats.byRoute["PUT /v1/accounts/login"] ?? 0;

  before(async function () {
    sim = await startSimulator({
      port: 0,
      speed: 300,
      sessionTimeoutSeconds: SESSION_SECONDS,
      jobDurations: { v2vMs: V2V_MS },
      quiet: true,
    });
    sim.faults.setSessionErrorCode("ORG_ZSTACK_IDENTITY_10020");
    project = await createConsumerProject(fs.mkdtempSync(path.join(os.tmpdir(), "pzm-session-expiry-")), {
      program: PROGRAM,
    });
    h = await withStack(project.dir, "session-expiry", {
      "zstack:endpoint": sim.url,
      "zstack:accountName": "admin",
      "zstack:password": { value: "password", secret: true },
      "e2e:seed": { convHost: U.convHost, primaryStorage: U.primaryStorage, l3Private: U.l3Private },
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

  it("up converts both VMs, logging in again when ZStack reports the session expired", async () => {
    const before = logins();
    const res = await h.stack.up(opts());
    assert.strictEqual(res.summary.result, "succeeded");
    const migrations = await h.resources(V2V);
    assert.deepStrictEqual(migrations.map((m) => m.outputs.state).sort(), ["Succeeded", "Succeeded"]);
    for (const m of migrations) assert.ok(sim.world.get("vms", m.outputs.vmUuid), "the converted VM exists");
    // one login per process is the rule; more happened only because a session expired mid-wave
    assert.ok(logins() - before >= 2, `${logins() - before} logins during up`);
    assert.strictEqual(sim.world.list("longJobs").length, 2, "no conversion was submitted twice");
  });

  it("destroy is clean", async () => {
    const res = await h.stack.destroy(opts());
    assert.strictEqual(res.summary.result, "succeeded");
    assert.deepStrictEqual(await h.resources(), []);
  });
});
