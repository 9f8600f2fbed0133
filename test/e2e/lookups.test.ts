// End to end on the real Pulumi engine: a TypeScript program that declares its migrations from
// lookups (sources by name pattern, conversion host, storage and network by name), installed from
// the `npm pack` tarball, through preview, up, a no-change preview, a failing lookup failing the
// preview with its message, and destroy. The lookups run in the program's process.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { SEED_UUIDS as U } from "../../simulator";
import { e2eFixture, MIN, sha512Hex, V2V } from "./fixture";
import { findPlainText } from "./harness";

const PASSWORD = "e2e-L00kup-pa55word-3b8d07";

const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import {
  V2vMigration, getL3Network, getPrimaryStorage, getV2vConversionHost, getVmInstance, getVmInstanceOutput, getVmInstances, getZoneOutput,
} from "pulumi-zstack-migration";

const cfg = new pulumi.Config("e2e");

export = async () => {
  const host = await getV2vConversionHost({ name: "v2v-conversion-host-1" });
  const storage = await getPrimaryStorage({ name: "PS-Local" });
  const network = await getL3Network({ filters: { category: "Private" } });
  const sources = await getVmInstances({ filters: { hypervisorType: "ESX" }, conditions: [cfg.require("sources")] });
  // a singular lookup whose arguments come from the stack config, to make it fail on purpose
  const vmLookup = cfg.getObject<{ name?: string; conditions?: string[] }>("vmLookup");
  if (vmLookup) await getVmInstance(vmLookup);

  const migrations: Record<string, pulumi.Output<string>> = {};
  for (const vm of sources) {
    const name = vm.name!.replace(/^vmware-/, "");
    const m = new V2vMigration(name, {
      url: \`vmware://\${vm.uuid}\`,
      name,
      cpuNum: vm.cpuNum!,
      memorySize: vm.memorySize!,
      conversionHostUuid: host.uuid!,
      primaryStorageUuid: storage.uuid!,
      l3NetworkUuids: [network.uuid!],
    });
    migrations[name] = m.vmUuid;
  }
  const db = getVmInstanceOutput({ name: cfg.require("outputLookup"), filters: { hypervisorType: pulumi.output("ESX") } });
  return {
    zone: getZoneOutput().name,
    db: { uuid: db.uuid, cpuNum: db.cpuNum, memorySize: db.memorySize },
    sources: sources.map((v) => v.name),
    conversionHostUuid: host.uuid,
    migrations,
  };
};
`;

describe("e2e: lookups in a program on the real Pulumi engine", function () {
  this.timeout(10 * MIN);
  const fx = e2eFixture({
    stack: "lookups",
    project: { program: PROGRAM, language: "ts" },
    simulator: { speed: 300, jobDurations: { v2vMs: 10 * MIN, ovaMs: 5 * MIN } },
    password: PASSWORD,
    config: { "e2e:sources": "name~=vmware-web-%", "e2e:outputLookup": "vmware-db-01" },
    // the last test checks the engine output of all of them
    logScope: "describe",
  });
  const stat = (pattern: RegExp): number =>
    Object.entries(fx.sim.stats.byRoute).reduce((n, [route, c]) => (pattern.test(route) ? n + c : n), 0);
  const logins = () => stat(/^PUT \/v1\/accounts\/login$/);
  const vmQueries = () => stat(/^GET \/v1\/vm-instances$/);
  const conversions = () => stat(/^POST \/v1\/v2vs$/);

  it("preview runs the lookups (in the program's process) and plans one migration per VM found", async () => {
    const [queriesBefore, loginsBefore] = [vmQueries(), logins()];
    const res = await fx.h.stack.preview(fx.opts());
    assert.strictEqual(res.changeSummary.create, 3); // the stack + web-01 + web-02
    assert.ok(vmQueries() - queriesBefore >= 2, "the VM lookups queried ZStack during preview");
    // one login for the program's six lookups, one for the provider process's checks
    assert.ok(logins() - loginsBefore <= 2, `${logins() - loginsBefore} logins during preview`);
    assert.strictEqual(conversions(), 0, "preview started no conversion");
  });

  it("up migrates the VMs the lookups found, and exports the lookups' values", async () => {
    const loginsBefore = logins();
    const res = await fx.h.stack.up(fx.opts());
    assert.strictEqual(res.summary.result, "succeeded");
    assert.strictEqual(res.summary.resourceChanges?.create, 3);
    assert.ok(logins() - loginsBefore <= 2, `${logins() - loginsBefore} logins during up`);
    const out = await fx.h.outputs();
    assert.strictEqual(out.zone, "ZONE-1");
    assert.deepStrictEqual(out.db, { uuid: U.vmwareDb01, cpuNum: 8, memorySize: 32 * 1024 ** 3 });
    assert.deepStrictEqual([...out.sources].sort(), ["vmware-web-01", "vmware-web-02"]);
    assert.strictEqual(out.conversionHostUuid, U.convHost);
    const migrations = await fx.h.resources(V2V);
    assert.deepStrictEqual(
      migrations.map((r) => r.outputs.url).sort(),
      [`vmware://${U.vmwareWeb01}`, `vmware://${U.vmwareWeb02}`].sort(),
    );
    for (const r of migrations) {
      assert.strictEqual(r.outputs.conversionHostUuid, U.convHost);
      assert.strictEqual(r.outputs.primaryStorageUuid, U.primaryStorage);
      assert.deepStrictEqual(r.outputs.l3NetworkUuids, [U.l3Private]);
      assert.strictEqual(r.outputs.cpuNum, 2);
      assert.ok(fx.sim.world.get("vms", r.outputs.vmUuid), "the migrated VM exists");
    }
  });

  it("preview right after up expects no changes", async () => {
    const res = await fx.h.stack.preview({ ...fx.opts(), expectNoChanges: true });
    assert.deepStrictEqual(Object.keys(res.changeSummary), ["same"]);
  });

  it("a lookup that matches nothing fails the preview with its message", async () => {
    await fx.h.setConfig({ "e2e:vmLookup": { name: "vmware-web-99" } });
    const before = fx.log.length;
    await assert.rejects(fx.h.stack.preview(fx.opts()), /getVmInstance: no VmInstance matches name=vmware-web-99/);
    assert.match(fx.log.slice(before), /getVmInstance: no VmInstance matches name=vmware-web-99/);
    assert.strictEqual(conversions(), 2, "nothing was started");
    // (the several-matches text is asserted in test/sdk/lookups.test.ts: a failed preview costs the
    // engine about two minutes here, whatever fails the program)
    await fx.h.stack.removeConfig("e2e:vmLookup");
  });

  it("a wider plural lookup plans the VMs it adds", async () => {
    await fx.h.setConfig({ "e2e:sources": "name~=vmware-%" });
    const res = await fx.h.stack.preview(fx.opts());
    assert.strictEqual(res.changeSummary.create, 3); // db-01, app-01 and app-02 join web-01 and web-02
    assert.strictEqual(res.changeSummary.same, 3); // the stack, web-01, web-02
    await fx.h.setConfig({ "e2e:sources": "name~=vmware-web-%" });
  });

  it("no secret in plain text and no warning about reading secret config", async () => {
    assert.ok(!/is a secret/i.test(fx.log), "a warning about reading secret config as plain");
    assert.ok(!fx.log.includes(PASSWORD), "the password in the engine output");
    assert.ok(!fx.log.includes(sha512Hex(PASSWORD)), "the password hash in the engine output");
    assert.deepStrictEqual(findPlainText(await fx.h.backendFiles(), { password: PASSWORD }), []);
  });

  it("destroy removes the migrations", async () => {
    const res = await fx.h.stack.destroy(fx.opts());
    assert.strictEqual(res.summary.result, "succeeded");
    assert.deepStrictEqual(await fx.h.resources(V2V), []);
  });
});

describe("e2e: the README's lookups example", function () {
  this.timeout(5 * MIN);
  /** The TypeScript block of the README's "Lookups" section. */
  function readmeExample(): string {
    const readme = fs.readFileSync(path.join(__dirname, "../../README.md"), "utf8");
    const section = readme.slice(readme.indexOf("### Lookups"));
    const m = /```ts\n([\s\S]*?)```/.exec(section);
    assert.ok(m, "the Lookups section has a ts example");
    return m[1];
  }

  const fx = e2eFixture({
    stack: "readme",
    project: () => ({ program: readmeExample(), language: "ts" }),
    config: { "pzm-e2e:dbVm": "vmware-db-01" },
  });

  it("previews as the README says: one migration per vmware-web-* VM", async () => {
    const res = await fx.h.stack.preview(fx.opts());
    assert.strictEqual(res.changeSummary.create, 3, fx.log.slice(-5000)); // the stack + vmware-web-01 + vmware-web-02
    assert.match(fx.log, /vmware-web-01/);
    assert.match(fx.log, /vmware-web-02/);
  });
});
