// V2vMigration by source name (sourceVmName) and the source defaults (cpuNum, memorySize), through
// the provider's check/diff/create/read/update/delete against the simulator over real HTTP.
import * as assert from "assert";
import { SEED_UUIDS as U } from "../../../simulator";
import { V2vMigrationProvider } from "../../../provider/hosts/dynamic/providers";
import { V2vMigrationInputs } from "../../../provider/v2v-migration/inputs";
import { isReleased } from "../../../provider/v2v-migration/earlier-migrations";
import { Sim, accountConfig, newSim, rejection, routeCount, v2vHarness, virtualClock } from "../helpers";

const GiB = 1024 ** 3;

/** A migration of the VMware VM `vmware-db-01` (8 vCPUs, 32 GiB in the default world) by name. */
function byName(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sourceVmName: "vmware-db-01",
    name: "db-01",
    conversionHostUuid: U.convHost,
    primaryStorageUuid: U.primaryStorage,
    l3NetworkUuids: [U.l3Private],
    resourceUuid: "2c2d3e4f5a6b4c7d8e9f0a1b2c3d4e5f",
    ...over,
  };
}

function esxRow(uuid: string, name: string, hypervisorType = "ESX"): { uuid: string } & Record<string, unknown> {
  return {
    uuid,
    name,
    hypervisorType,
    state: "Running",
    cpuNum: 1,
    memorySize: GiB,
    type: "UserVm",
    allVolumes: [],
    vmNics: [],
  };
}

describe("V2vMigration provider: sourceVmName (check against ZStack)", () => {
  let sim: Sim;
  let provider: V2vMigrationProvider;
  before(async () => (sim = await newSim()));
  // a provider per test: one provider process is one run, whose checks share what ZStack answered
  beforeEach(async () => ({ provider } = await v2vHarness(sim)));
  after(async () => sim.stop());

  it("resolves the name into the checked inputs: url, and cpuNum/memorySize from the source VM", async () => {
    const r = await provider.check({}, byName());
    assert.deepStrictEqual(r.failures, []);
    assert.strictEqual(r.inputs.url, `vmware://${U.vmwareDb01}`);
    assert.strictEqual(r.inputs.cpuNum, 8);
    assert.strictEqual(r.inputs.memorySize, 32 * GiB);
    assert.strictEqual(r.inputs.sourceVmName, "vmware-db-01");
  });

  it("keeps cpuNum and memorySize the program sets", async () => {
    const r = await provider.check({}, byName({ cpuNum: 4, memorySize: 16 * GiB }));
    assert.deepStrictEqual(r.failures, []);
    assert.strictEqual(r.inputs.cpuNum, 4);
    assert.strictEqual(r.inputs.memorySize, 16 * GiB);
  });

  it("a vmware:// url without cpuNum or memorySize takes them from the source VM too", async () => {
    const r = await provider.check(
      {},
      byName({ sourceVmName: undefined, url: `vmware://${U.vmwareApp01}`, memorySize: 6 * GiB }),
    );
    assert.deepStrictEqual(r.failures, []);
    assert.strictEqual(r.inputs.cpuNum, 4);
    assert.strictEqual(r.inputs.memorySize, 6 * GiB);
  });

  it("fails when no VMware VM has the name (a KVM VM of that name does not count), saying what it looked for", async () => {
    for (const name of ["no-such-vm", "app-server-1"]) {
      const r = await provider.check({}, byName({ sourceVmName: name }));
      assert.deepStrictEqual(
        r.failures.map((f) => f.property),
        ["sourceVmName"],
      );
      assert.match(
        r.failures[0].reason,
        new RegExp(`no VmInstance with name="${name}" and hypervisorType=ESX exists in ZStack`),
      );
      assert.strictEqual(r.inputs.url, undefined);
    }
  });

  it("suggests the VMware VM names close to a misspelled one", async () => {
    const r = await provider.check({}, byName({ sourceVmName: "vmware-web-1" }));
    assert.deepStrictEqual(
      r.failures.map((f) => f.property),
      ["sourceVmName"],
    );
    assert.match(r.failures[0].reason, /exists in ZStack; did you mean "vmware-web-01"\?$/);
    const far = await provider.check({}, byName({ sourceVmName: "no-such-vm" }));
    assert.doesNotMatch(far.failures[0].reason, /did you mean/);
  });

  it("fails when several VMware VMs have the name, listing each candidate's uuid and name", async () => {
    const twin = "7777777777774777a777777777777777";
    sim.world.insert("vms", esxRow(twin, "vmware-db-01"));
    try {
      const r = await provider.check({}, byName());
      assert.deepStrictEqual(
        r.failures.map((f) => f.property),
        ["sourceVmName"],
      );
      const reason = r.failures[0].reason;
      assert.match(reason, /2 VMs match VmInstance with name="vmware-db-01" and hypervisorType=ESX/);
      assert.ok(
        reason.includes(`${U.vmwareDb01} ("vmware-db-01")`) && reason.includes(`${twin} ("vmware-db-01")`),
        reason,
      );
      assert.match(reason, /give url: "vmware:\/\/<uuid>"/);
    } finally {
      sim.world.delete("vms", twin);
    }
  });

  it("a name query sends the name as given (query conditions, no wildcard)", async () => {
    sim.world.insert("vms", esxRow("8888888888884888a888888888888888", "vmware-db-01-clone"));
    try {
      const r = await provider.check({}, byName());
      assert.deepStrictEqual(r.failures, []);
      assert.strictEqual(r.inputs.url, `vmware://${U.vmwareDb01}`);
    } finally {
      sim.world.delete("vms", "8888888888884888a888888888888888");
    }
  });

  it("a recorded migration does not resolve its name again (the source may be gone): the recorded url, CPU and memory are kept", async () => {
    const first = await provider.check({}, byName());
    sim.stats.reset();
    const again = await provider.check(first.inputs, byName({ longJobName: "renamed" }));
    assert.deepStrictEqual(again.failures, []);
    assert.strictEqual(again.inputs.url, first.inputs.url);
    assert.strictEqual(again.inputs.cpuNum, 8);
    assert.strictEqual(again.inputs.memorySize, 32 * GiB);
    assert.strictEqual(routeCount(sim, /vm-instances/), 0, JSON.stringify(sim.stats.byRoute));
  });

  it("without validation (zstack:validateReferences=false) nothing is resolved in check: create does it", async () => {
    const p = new V2vMigrationProvider({ clock: virtualClock(sim), log: () => undefined });
    await p.configure({ config: accountConfig(sim, { "zstack:validateReferences": "false" }) });
    const r = await p.check({}, byName({ sourceVmName: "no-such-vm" }));
    assert.deepStrictEqual(r.failures, []);
    assert.strictEqual(r.inputs.url, undefined);
    const e = await rejection(() => p.create(r.inputs as unknown as V2vMigrationInputs));
    assert.match(e.message, /no VmInstance with name="no-such-vm" and hypervisorType=ESX/);
    assert.strictEqual(routeCount(sim, /^POST \/v1\/v2vs$/), 0);
  });
});

describe("V2vMigration provider: diff of a migration by name", () => {
  const provider = new V2vMigrationProvider();
  const recorded = {
    ...byName(),
    url: `vmware://${U.vmwareDb01}`,
    cpuNum: 8,
    memorySize: 32 * GiB,
    uuid: "u",
    state: "Succeeded",
  };

  it("the program's name-only inputs against the recorded url, CPU and memory: no change", async () => {
    assert.deepStrictEqual(await provider.diff("u", recorded, byName()), { changes: false, replaces: [] });
    assert.deepStrictEqual(
      await provider.diff("u", recorded, { ...byName(), url: recorded.url, cpuNum: 8, memorySize: 32 * GiB }),
      {
        changes: false,
        replaces: [],
      },
    );
  });

  it("another name, or a set cpuNum/memorySize that differs, replaces (with allowRemigration: the job Succeeded)", async () => {
    const optIn = { allowRemigration: true };
    assert.deepStrictEqual(
      (await provider.diff("u", recorded, byName({ sourceVmName: "vmware-web-01", ...optIn }))).replaces,
      ["sourceVmName"],
    );
    assert.deepStrictEqual((await provider.diff("u", recorded, byName({ cpuNum: 4, ...optIn }))).replaces, ["cpuNum"]);
    assert.deepStrictEqual((await provider.diff("u", recorded, byName({ memorySize: GiB, ...optIn }))).replaces, [
      "memorySize",
    ]);
    assert.deepStrictEqual(
      (await provider.diff("u", recorded, byName({ sourceVmName: "x", url: `vmware://${U.vmwareWeb01}`, ...optIn })))
        .replaces,
      ["url"],
    );
    // without it, the re-migration guard refuses: another source VM's name would migrate it again
    await assert.rejects(provider.diff("u", recorded, byName({ sourceVmName: "vmware-web-01" })), {
      name: "RemigrationError",
      message: /was already migrated.*\n.*The change to sourceVmName/,
    });
  });

  it("a name that check resolved to the recorded url (the VM was renamed), or the same url given instead, is recorded in place", async () => {
    assert.deepStrictEqual(
      await provider.diff("u", recorded, { ...byName({ sourceVmName: "db-01-renamed" }), url: recorded.url }),
      {
        changes: true,
        replaces: [],
      },
    );
    assert.deepStrictEqual(
      await provider.diff("u", recorded, { ...byName({ sourceVmName: undefined }), url: recorded.url }),
      {
        changes: true,
        replaces: [],
      },
    );
  });
});

describe("V2vMigration provider: lifecycle of a migration by name", () => {
  let sim: Sim;
  beforeEach(async () => (sim = await newSim({ jobDurations: { v2vMs: 30 * 60_000 } })));
  afterEach(async () => sim.stop());

  it("create migrates the named VM with its CPU and memory, and records url, cpuNum, memorySize", async () => {
    const { provider } = await v2vHarness(sim);
    const { inputs: checked } = await provider.check({}, byName());
    const { outs } = await provider.create(checked as unknown as V2vMigrationInputs);
    assert.strictEqual(outs.state, "Succeeded");
    assert.strictEqual(outs.url, `vmware://${U.vmwareDb01}`);
    assert.strictEqual(outs.sourceVmName, "vmware-db-01");
    assert.strictEqual(outs.cpuNum, 8);
    assert.strictEqual(outs.memorySize, 32 * GiB);
    const data = JSON.parse(outs.jobData!);
    assert.strictEqual(data.url, `vmware://${U.vmwareDb01}`);
    assert.strictEqual(data.cpuNum, 8);
    assert.strictEqual(data.memorySize, 32 * GiB);
    assert.ok(!("sourceVmName" in data), "sourceVmName is the provider's own, never sent");
    const vm = sim.world.get("vms", outs.vmUuid!)!;
    assert.strictEqual(vm.cpuNum, 8);
    assert.strictEqual(vm.memorySize, 32 * GiB);
  });

  it("create resolves the name itself when check could not (ZStack unreachable during preview)", async () => {
    const { provider } = await v2vHarness(sim);
    const { outs } = await provider.create(byName() as unknown as V2vMigrationInputs);
    assert.strictEqual(outs.url, `vmware://${U.vmwareDb01}`);
    assert.strictEqual(outs.cpuNum, 8);
    assert.strictEqual(outs.memorySize, 32 * GiB);
  });

  it("create refuses an ambiguous name before submitting anything", async () => {
    const { provider } = await v2vHarness(sim);
    sim.world.insert("vms", esxRow("7777777777774777a777777777777777", "vmware-db-01"));
    const e = await rejection(() => provider.create(byName() as unknown as V2vMigrationInputs));
    assert.match(e.message, /2 VMs match VmInstance with name="vmware-db-01"/);
    assert.strictEqual(routeCount(sim, /^POST \/v1\/v2vs$/), 0);
  });

  it("after the source VM is deleted: refresh, check + diff (preview), an in-place update and delete all work and change nothing", async () => {
    const { provider } = await v2vHarness(sim);
    const first = await provider.check({}, byName());
    const { id, outs } = await provider.create(first.inputs as unknown as V2vMigrationInputs);
    sim.world.delete("vms", U.vmwareDb01);
    sim.stats.reset();

    const read = await provider.read(id, outs);
    assert.strictEqual(read.id, id);
    assert.deepStrictEqual(read.props, outs);

    // preview: the program still names the source; the recorded inputs keep what it resolved to
    const checked = await provider.check(first.inputs, byName());
    assert.deepStrictEqual(checked.failures, []);
    assert.deepStrictEqual(await provider.diff(id, read.props as unknown as Record<string, unknown>, checked.inputs), {
      changes: false,
      replaces: [],
    });

    // an in-place change (the long job's name) updates without touching the source
    const renamed = await provider.check(checked.inputs, byName({ longJobName: "db-01 wave 2" }));
    assert.deepStrictEqual(renamed.failures, []);
    const d = await provider.diff(id, read.props as unknown as Record<string, unknown>, renamed.inputs);
    assert.deepStrictEqual(d, { changes: true, replaces: [] });
    const { outs: updated } = await provider.update(id, read.props, renamed.inputs as unknown as V2vMigrationInputs);
    assert.strictEqual(updated.longJobName, "db-01 wave 2");
    assert.strictEqual(updated.url, `vmware://${U.vmwareDb01}`);
    assert.strictEqual(updated.cpuNum, 8);
    assert.strictEqual(updated.memorySize, 32 * GiB);
    // an update from inputs that never held the resolution (check skipped) keeps the recorded ones
    const { outs: again } = await provider.update(
      id,
      updated,
      byName({ longJobName: "db-01 wave 2" }) as unknown as V2vMigrationInputs,
    );
    assert.strictEqual(again.url, `vmware://${U.vmwareDb01}`);
    assert.strictEqual(again.cpuNum, 8);

    await provider.delete(id, again);
    assert.ok(isReleased(sim.world.get("longJobs", id)!), "the record of a migration whose VM is kept is released");
    assert.ok(sim.world.get("vms", outs.vmUuid!), "the migrated VM is kept");
    assert.strictEqual(
      routeCount(sim, /vm-instances/),
      0,
      `the source was looked up: ${JSON.stringify(sim.stats.byRoute)}`,
    );
  });
});

describe("V2vMigration provider: a management node that answers ConvertVmFromForeignHypervisor synchronously", () => {
  let sim: Sim;
  afterEach(async () => sim.stop());

  it("create takes the 200 answer as the submitted long job, and waits for it as usual", async () => {
    // (the in-flight slot's lease, a CreateTag, is answered synchronously too: no api-job is polled at all)
    sim = await newSim({
      synchronousApis: ["ConvertVmFromForeignHypervisor", "CreateTag", "DeleteTag"],
      jobDurations: { v2vMs: 30 * 60_000 },
    });
    const { provider } = await v2vHarness(sim);
    const { inputs: checked } = await provider.check({}, byName());
    const { id, outs } = await provider.create(checked as unknown as V2vMigrationInputs);
    assert.strictEqual(id, "2c2d3e4f5a6b4c7d8e9f0a1b2c3d4e5f");
    assert.strictEqual(outs.state, "Succeeded");
    assert.ok(outs.vmUuid && sim.world.get("vms", outs.vmUuid));
    assert.strictEqual(routeCount(sim, /^POST \/v1\/v2vs$/), 1);
    assert.strictEqual(routeCount(sim, /api-jobs/), 0);
  });
});
