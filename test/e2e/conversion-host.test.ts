// End to end on the real Pulumi engine: a V2vConversionHost, installed from the `npm pack` tarball,
// through up, update in place, replace, refresh after an out-of-band delete, and destroy, against
// the simulator. The steps run in order and share the stack.
import * as assert from "assert";
import { SEED_UUIDS as U } from "../../simulator";
import { CH, e2eFixture, MIN, outputNames, promisedOutputs, sha512Hex } from "./fixture";
import { findPlainText } from "./harness";

const PASSWORD = "e2e-ch-pa55word-41b7d2";

// the program: one V2vConversionHost whose args are the stack config `e2e:ch`; it exports every property
const PROGRAM = `"use strict";
const pulumi = require("@pulumi/pulumi");
const { V2vConversionHost } = require("pulumi-zstack-migration");
const args = new pulumi.Config("e2e").requireObject("ch");
const ch = new V2vConversionHost("v2v-host", args);
exports.ch = Object.fromEntries(${JSON.stringify(outputNames("V2vConversionHost"))}.map((k) => [k, ch[k]]));
`;

describe("e2e: V2vConversionHost on the real Pulumi engine", function () {
  this.timeout(10 * MIN);
  const args: Record<string, unknown> = {
    name: "v2v-host-3",
    description: "e2e",
    hostUuid: U.host3,
    storagePath: "/zstack/v2v-cache",
    type: "VMWARE",
  };
  const fx = e2eFixture({ stack: "ch", project: { program: PROGRAM }, password: PASSWORD, config: { "e2e:ch": args } });
  const setArgs = () => fx.h.setConfig({ "e2e:ch": args });

  it("preview reports a host that cannot be a conversion host", async () => {
    await fx.h.setConfig({ "e2e:ch": { ...args, hostUuid: U.esxHost } });
    await assert.rejects(fx.h.stack.preview(fx.opts()), /is not a KVM host \(hypervisorType: ESX\)/);
    await setArgs();
  });

  it("up adds the conversion host, with every output", async () => {
    const res = await fx.h.stack.up(fx.opts());
    assert.strictEqual(res.summary.resourceChanges?.create, 2); // the stack + the conversion host
    const { ch } = await fx.h.outputs();
    for (const k of promisedOutputs("V2vConversionHost", args))
      assert.notStrictEqual(ch[k], undefined, `output ${k} missing`);
    assert.strictEqual(ch.state, "Enabled");
    assert.strictEqual(ch.hostUuid, U.host3);
    assert.strictEqual(fx.sim.world.get("conversionHosts", ch.uuid)!.name, "v2v-host-3");
    assert.match(fx.log, /V2vConversionHost v2v-host \("v2v-host-3"\): adding host/);
    assert.deepStrictEqual(findPlainText(await fx.h.backendFiles(), { password: PASSWORD }), []);
    const again = await fx.h.stack.preview({ ...fx.opts(), expectNoChanges: true });
    assert.deepStrictEqual(Object.keys(again.changeSummary), ["same"]);
  });

  it("updates name, storagePath and state in place", async () => {
    const { ch: before } = await fx.h.outputs();
    Object.assign(args, { name: "v2v-host-3b", storagePath: "/data/v2v", state: "Disabled" });
    await setArgs();
    const res = await fx.h.stack.up(fx.opts());
    assert.strictEqual(res.summary.resourceChanges?.update, 1);
    const { ch } = await fx.h.outputs();
    assert.strictEqual(ch.uuid, before.uuid);
    const row = fx.sim.world.get("conversionHosts", ch.uuid)!;
    assert.deepStrictEqual([row.name, row.storagePath, row.state], ["v2v-host-3b", "/data/v2v", "Disabled"]);
  });

  it("refresh sees a name and state changed in ZStack (drift); up puts the program's back", async () => {
    const { ch } = await fx.h.outputs();
    fx.sim.world.update("conversionHosts", ch.uuid, { name: "renamed-in-ui", state: "Enabled" });
    const res = await fx.h.stack.refresh(fx.opts());
    assert.strictEqual(res.summary.resourceChanges?.update, 1);
    const [recorded] = await fx.h.resources(CH);
    assert.strictEqual(recorded.outputs.name, "renamed-in-ui");
    const up = await fx.h.stack.up(fx.opts());
    assert.strictEqual(up.summary.resourceChanges?.update, 1);
    const row = fx.sim.world.get("conversionHosts", ch.uuid)!;
    assert.deepStrictEqual([row.name, row.state], ["v2v-host-3b", "Disabled"]);
  });

  it("replaces on a new hostUuid (the old one deleted first)", async () => {
    const { ch: before } = await fx.h.outputs();
    fx.sim.world.delete("conversionHosts", U.convHostDisabled); // free kvm-host-2
    args.hostUuid = U.host2;
    await setArgs();
    const res = await fx.h.stack.up(fx.opts());
    assert.strictEqual(res.summary.resourceChanges?.replace, 1);
    const { ch } = await fx.h.outputs();
    assert.strictEqual(ch.hostUuid, U.host2);
    assert.strictEqual(ch.uuid, before.uuid, "the derived resourceUuid is reused by the new one");
    assert.strictEqual(
      fx.sim.world.list("conversionHosts").filter((r) => r.hostUuid === U.host3).length,
      0,
      "the old one was deleted",
    );
    assert.strictEqual(fx.sim.world.get("conversionHosts", ch.uuid)!.hostUuid, U.host2);
  });

  it("refresh drops a conversion host deleted in ZStack; up adds it again", async () => {
    const { ch } = await fx.h.outputs();
    assert.ok(fx.sim.world.delete("conversionHosts", ch.uuid));
    const res = await fx.h.stack.refresh(fx.opts());
    assert.strictEqual(res.summary.resourceChanges?.delete, 1);
    assert.strictEqual((await fx.h.resources(CH)).length, 0);
    const up = await fx.h.stack.up(fx.opts());
    assert.strictEqual(up.summary.resourceChanges?.create, 1);
    assert.ok(fx.sim.world.get("conversionHosts", ch.uuid));
  });

  it("an up interrupted after the add (the stack does not record it) adopts the conversion host instead of adding twice", async () => {
    const { ch } = await fx.h.outputs();
    const row = { ...fx.sim.world.get("conversionHosts", ch.uuid)! };
    const [res] = await fx.h.resources(CH);
    // forget it in the stack only, as a killed up leaves it: ZStack has it, the stack does not
    const deployment = await fx.h.stack.exportStack();
    deployment.deployment.resources = deployment.deployment.resources.filter((r: { urn: string }) => r.urn !== res.urn);
    await fx.h.stack.importStack(deployment);
    assert.strictEqual((await fx.h.resources(CH)).length, 0);
    assert.ok(fx.sim.world.get("conversionHosts", ch.uuid), "still in ZStack");
    const posts = () =>
      Object.entries(fx.sim.stats.byRoute)
        .filter(([r]) => /^POST .*v2v-conversion-hosts/.test(r))
        .reduce((n, [, c]) => n + c, 0);
    const before = posts();
    assert.ok(before >= 1, "the AddV2VConversionHost calls are counted");
    const up = await fx.h.stack.up(fx.opts());
    assert.strictEqual(up.summary.resourceChanges?.create, 1);
    assert.strictEqual(posts(), before, "AddV2VConversionHost was called again");
    assert.match(fx.log, new RegExp(`conversion host ${ch.uuid} already exists \\(Disabled\\); adopting it`));
    assert.strictEqual((await fx.h.outputs()).ch.uuid, row.uuid);
  });

  it("adoptUuid takes over an existing conversion host (a replacement: ours is deleted first)", async () => {
    const { ch: ours } = await fx.h.outputs();
    await fx.h.setConfig({ "e2e:ch": { adoptUuid: U.convHost, description: "adopted by pulumi" } });
    const res = await fx.h.stack.up(fx.opts());
    assert.strictEqual(res.summary.resourceChanges?.replace, 1);
    const { ch } = await fx.h.outputs();
    assert.strictEqual(ch.uuid, U.convHost);
    assert.strictEqual(ch.hostUuid, U.host1);
    assert.strictEqual(fx.sim.world.get("conversionHosts", U.convHost)!.description, "adopted by pulumi");
    assert.strictEqual(fx.sim.world.get("conversionHosts", ours.uuid), undefined);
  });

  it("destroy is refused with ZStack's reason while a migration uses the conversion host", async () => {
    // a conversion submitted by someone else, over ZStack's API
    const call = async (method: string, p: string, body: unknown, session?: string) => {
      const r = await fetch(`${fx.sim.url}/zstack${p}`, {
        method,
        headers: { "Content-Type": "application/json", ...(session ? { Authorization: `OAuth ${session}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: r.status, json: (await r.json().catch(() => ({}))) as any };
    };
    const login = await call("PUT", "/v1/accounts/login", {
      logInByAccount: { accountName: "admin", password: sha512Hex(PASSWORD) },
    });
    const session = login.json.inventory.uuid;
    const submit = await call(
      "POST",
      "/v1/v2vs",
      {
        params: {
          url: `vmware://${U.vmwareWeb01}`,
          name: "web-01",
          cpuNum: 1,
          memorySize: 1024 ** 3,
          conversionHostUuid: U.convHost,
          primaryStorageUuid: U.primaryStorage,
          l3NetworkUuids: [U.l3Private],
        },
      },
      session,
    );
    assert.strictEqual(submit.status, 202);
    const job = fx.sim.world.list("longJobs").find((j) => j.state === "Running");
    assert.ok(job, "the conversion runs");
    await assert.rejects(
      fx.h.stack.destroy(fx.opts()),
      new RegExp(
        `ZStack refused to delete conversion host ${U.convHost} \\(SYS.1007\\): cannot delete the v2v conversion host\\[uuid:${U.convHost}\\], it is used by the running v2v long job`,
      ),
    );
    assert.ok(fx.sim.world.get("conversionHosts", U.convHost), "still there");
    assert.strictEqual((await fx.h.resources(CH)).length, 1, "still in the stack");
    fx.sim.world.update("longJobs", job.uuid, { state: "Canceled" }); // the migration ends
  });

  it("destroy deletes it (the adopted one too)", async () => {
    const { ch } = await fx.h.outputs();
    const res = await fx.h.stack.destroy(fx.opts());
    assert.strictEqual(res.summary.result, "succeeded");
    assert.strictEqual(fx.sim.world.get("conversionHosts", ch.uuid), undefined);
    assert.strictEqual((await fx.h.resources(CH)).length, 0);
  });
});
