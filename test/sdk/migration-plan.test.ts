// MigrationPlan's wiring under pulumi.runtime.setMocks: one child V2vMigration per entry, named
// `<plan>-<entry>`, parented to the plan, with the defaults, the overrides, the source and the limit;
// its errors before anything is registered; and the report (a pure function).
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { MigrationPlan, MIGRATION_PLAN_TYPE, V2V_MIGRATION_TYPE, migrationReport, planEntryNames } from "../../sdk";

function value<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply((v) => (resolve(v), v)));
}

describe("sdk: MigrationPlan (setMocks)", function () {
  this.timeout(30000);
  const registered = new Map<string, { type: string; inputs: Record<string, any>; parent?: string }>();

  before(async () => {
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          registered.set(args.name, { type: args.type, inputs: args.inputs });
          const state: Record<string, unknown> = { ...args.inputs };
          delete state.__provider;
          if (args.type === V2V_MIGRATION_TYPE) {
            const failed = args.inputs.name === "db-01";
            Object.assign(state, {
              state: failed ? "Failed" : "Succeeded",
              vmUuid: failed ? undefined : `${args.inputs.name}-vm`,
              executeTime: 1260,
              jobResult: failed
                ? JSON.stringify({ message: "conversion failed", detail: "qemu-img: disk vdb | unreadable" })
                : undefined,
            });
          }
          return { id: `${args.name}-id`, state };
        },
        call: () => ({}),
      },
      "proj",
      "stack",
      false,
    );
  });

  it("one child per entry, named <plan>-<entry>, with defaults, overrides, the source and maxInFlight", async () => {
    const plan = new MigrationPlan("wave1", {
      maxInFlight: 3,
      defaults: {
        conversionHostUuid: "c".repeat(32),
        primaryStorageUuid: "p".repeat(32),
        l3NetworkUuids: ["l".repeat(32)],
        platform: "Linux",
      },
      vms: [
        { source: "vmware-web-01" },
        { source: "vmware-db-01", name: "db-01", cpuNum: 8, l3NetworkUuids: undefined },
        { source: "0123456789ABCDEF0123456789abcdef", name: "app-01", strategy: "JustConvert" },
      ],
    });
    assert.deepStrictEqual(Object.keys(plan.migrations), ["vmware-web-01", "db-01", "app-01"]);
    const report = await value(plan.report);
    const web = registered.get("wave1-vmware-web-01")!;
    assert.strictEqual(web.type, V2V_MIGRATION_TYPE);
    assert.strictEqual(web.inputs.sourceVmName, "vmware-web-01");
    assert.strictEqual(web.inputs.name, "vmware-web-01");
    assert.strictEqual(web.inputs.maxInFlight, 3);
    assert.strictEqual(web.inputs.platform, "Linux");
    assert.strictEqual(web.inputs.pulumiResourceName, "wave1-vmware-web-01");
    const db = registered.get("wave1-db-01")!;
    assert.strictEqual(db.inputs.cpuNum, 8);
    assert.deepStrictEqual(db.inputs.l3NetworkUuids, ["l".repeat(32)], "an undefined override keeps the default");
    const app = registered.get("wave1-app-01")!;
    assert.strictEqual(app.inputs.url, "vmware://0123456789abcdef0123456789abcdef");
    assert.strictEqual(app.inputs.sourceVmName, undefined);
    assert.strictEqual(app.inputs.strategy, "JustConvert");
    assert.strictEqual(registered.get("wave1")!.type, MIGRATION_PLAN_TYPE);

    assert.deepStrictEqual(await value(plan.states), {
      "vmware-web-01": "Succeeded",
      "db-01": "Failed",
      "app-01": "Succeeded",
    });
    assert.deepStrictEqual(await value(plan.vmUuids), {
      "vmware-web-01": "vmware-web-01-vm",
      "db-01": undefined,
      "app-01": "app-01-vm",
    });
    assert.match(report, /^\*\*MigrationPlan wave1\*\*: 3 VMs \(2 Succeeded, 1 Failed\)$/m);
    assert.match(
      report,
      /^\| app-01 \| 0123456789ABCDEF0123456789abcdef \| Succeeded \| app-01-vm \| 21m00s \| {2}\|$/m,
    );
    // ZStack's reason, on one line, its pipe escaped
    assert.match(
      report,
      /^\| db-01 \| vmware-db-01 \| Failed \| {2}\| 21m00s \| qemu-img: disk vdb \\\| unreadable; conversion failed \|$/m,
    );
  });

  it("a duplicate entry name, an empty source or a bad maxInFlight fails before anything is registered", () => {
    const before = registered.size;
    assert.throws(
      () => new MigrationPlan("w", { vms: [{ source: "a" }, { source: "b", name: "a" }] }),
      /MigrationPlan "w": vms\[0\] and vms\[1\] both have the name "a"; entry names \(name, default: source\) must be unique/,
    );
    assert.throws(
      () => new MigrationPlan("w2", { vms: [{ source: "" }] }),
      /vms\[0\]\.source must be the VMware VM's name or uuid in ZStack/,
    );
    assert.throws(() => new MigrationPlan("w3", { vms: [] }), /vms must be a non-empty list/);
    assert.throws(
      () => new MigrationPlan("w4", { vms: [{ source: "a" }], maxInFlight: 0 }),
      /maxInFlight must be a whole number of conversions per conversion host, 1 to 1000, got 0/,
    );
    assert.deepStrictEqual(planEntryNames("p", [{ source: "x" }, { source: "y", name: "z" }]), ["x", "z"]);
    // the components themselves register (their constructor ran super()), but no child did
    assert.ok(
      [...registered.keys()].slice(before).every((n) => !n.includes("-")),
      [...registered.keys()].slice(before).join(", "),
    );
  });

  it("order: largestFirst (the default) leaves the priority to the provider; asListed sets it from the entries' order; a bad order fails", async () => {
    await value(new MigrationPlan("ord1", { vms: [{ source: "a" }, { source: "b" }] }).states);
    assert.strictEqual(registered.get("ord1-a")!.inputs.queuePriority, undefined);
    await value(
      new MigrationPlan("ord2", { order: "asListed", vms: [{ source: "a" }, { source: "b" }, { source: "c" }] }).states,
    );
    assert.deepStrictEqual(
      ["a", "b", "c"].map((n) => registered.get(`ord2-${n}`)!.inputs.queuePriority),
      [3, 2, 1],
    );
    assert.throws(
      () => new MigrationPlan("ord3", { order: "smallestFirst" as never, vms: [{ source: "a" }] }),
      /MigrationPlan "ord3": order must be one of "largestFirst", "asListed", got "smallestFirst"/,
    );
  });

  it("the report of a wave not yet migrated says Pending", () => {
    const r = migrationReport("w", [
      { entry: "b", source: "vm-b" },
      { entry: "a", source: "vm-a", state: "Running" },
    ]);
    assert.strictEqual(
      r,
      "**MigrationPlan w**: 2 VMs (1 Pending, 1 Running)\n\n| VM | Source | State | Migrated VM | Duration | Error |\n| --- | --- | --- | --- | --- | --- |\n| a | vm-a | Running |  |  |  |\n| b | vm-b | Pending |  |  |  |\n",
    );
  });
});
