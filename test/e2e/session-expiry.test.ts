// End to end on the real Pulumi engine: a wave of two migrations outlives its ZStack session, and the
// simulator reports the expiry as newer management nodes do (ORG_ZSTACK_IDENTITY_10020, not ID.1001).
// The provider logs in again and the wave succeeds (docs/zstack-wire.md §4.2).
import * as assert from "assert";
import { SEED_UUIDS as U } from "../../simulator";
import { e2eFixture, MIN, V2V } from "./fixture";

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
  const fx = e2eFixture({
    stack: "session-expiry",
    project: { program: PROGRAM },
    simulator: { speed: 300, sessionTimeoutSeconds: SESSION_SECONDS, jobDurations: { v2vMs: V2V_MS } },
    config: { "e2e:seed": { convHost: U.convHost, primaryStorage: U.primaryStorage, l3Private: U.l3Private } },
  });
  const logins = () => fx.sim.stats.byRoute["PUT /v1/accounts/login"] ?? 0;

  before(() => fx.sim.faults.setSessionErrorCode("ORG_ZSTACK_IDENTITY_10020"));

  it("up converts both VMs, logging in again when ZStack reports the session expired", async () => {
    const before = logins();
    const res = await fx.h.stack.up(fx.opts());
    assert.strictEqual(res.summary.result, "succeeded");
    const migrations = await fx.h.resources(V2V);
    assert.deepStrictEqual(migrations.map((m) => m.outputs.state).sort(), ["Succeeded", "Succeeded"]);
    for (const m of migrations) assert.ok(fx.sim.world.get("vms", m.outputs.vmUuid), "the converted VM exists");
    // one login per process is the rule; more happened only because a session expired mid-wave
    assert.ok(logins() - before >= 2, `${logins() - before} logins during up`);
    assert.strictEqual(fx.sim.world.list("longJobs").length, 2, "no conversion was submitted twice");
  });

  it("destroy is clean", async () => {
    const res = await fx.h.stack.destroy(fx.opts());
    assert.strictEqual(res.summary.result, "succeeded");
    assert.deepStrictEqual(await fx.h.resources(), []);
  });
});
