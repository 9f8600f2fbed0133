// The report of any wave from a stack's state (sdk/wave-report.ts, the `zstack-migration report` command):
// one table per plan, the migrations outside any plan in their own, the creates a killed run left
// pending as Interrupted rows, ZStack's reasons of failed jobs, the conversion host of a pool's migration.
import * as assert from "assert";
import { INTERRUPTED_NOTE, waveReport } from "../../sdk/wave-report";
import { main } from "../../sdk/cli";

const V2V = "pulumi-nodejs:dynamic/zstack:V2vMigration";
const PLAN_URN = "urn:pulumi:prod::p::zstack:index:MigrationPlan::wave1";
const urn = (name: string, parent = true) =>
  parent
    ? `urn:pulumi:prod::p::zstack:index:MigrationPlan$${V2V}::wave1-${name}`
    : `urn:pulumi:prod::p::${V2V}::${name}`;

const exported = {
  deployment: {
    resources: [
      { urn: PLAN_URN, type: "zstack:index:MigrationPlan" },
      {
        urn: urn("web-01"),
        type: V2V,
        parent: PLAN_URN,
        outputs: { name: "web-01", sourceVmName: "vmware-web-01", state: "Succeeded", vmUuid: "v1", executeTime: 600 },
      },
      {
        urn: urn("db-01"),
        type: V2V,
        parent: PLAN_URN,
        outputs: {
          name: "db-01",
          url: "vmware://0123456789abcdef0123456789abcdef",
          state: "Failed",
          executeTime: 30,
          jobResult: JSON.stringify({ detail: "virt-v2v: guest OS not supported" }),
        },
      },
      {
        urn: urn("solo", false),
        type: V2V,
        outputs: {
          name: "solo",
          sourceVmName: "s",
          state: "Running",
          conversionHostUuids: ["h1", "h2"],
          convertedOnHostUuid: "h2",
        },
      },
    ],
    pending_operations: [
      {
        type: "creating",
        resource: { urn: urn("app-01"), type: V2V, parent: PLAN_URN, inputs: { name: "app-01", sourceVmName: "a" } },
      },
    ],
  },
};

describe("sdk: the report of any wave, from a stack's state", () => {
  it("one table per plan and one outside: succeeded, failed with ZStack's reason, running, interrupted", () => {
    const r = waveReport(exported);
    assert.match(r, /^\*\*MigrationPlan wave1\*\*: 3 VMs \(1 Succeeded, 1 Failed, 1 Interrupted\)$/m);
    assert.match(r, /^\| web-01 \| vmware-web-01 \| Succeeded \| v1 \| 10m00s \| {2}\|$/m);
    assert.match(
      r,
      /^\| db-01 \| 0123456789abcdef0123456789abcdef \| Failed \| {2}\| 30s \| virt-v2v: guest OS not supported \|$/m,
    );
    assert.ok(r.includes(`| app-01 | a | Interrupted |  |  | ${INTERRUPTED_NOTE} |`), r);
    // outside a plan; a migration of a pool shows the host it ran on
    assert.match(r, /^\*\*MigrationPlan \(migrations outside a plan\)\*\*: 1 VM \(1 Running\)$/m);
    assert.match(r, /^\| VM \| Source \| State \| Migrated VM \| Conversion host \| Duration \| Error \|$/m);
    assert.match(r, /^\| solo \| s \| Running \| {2}\| h2 \| {2}\| {2}\|$/m);
  });

  it("a state without migrations says so; the command refuses bad arguments", () => {
    assert.strictEqual(waveReport({ deployment: { resources: [] } }), "No V2vMigration in this stack's state.\n");
    let said = "";
    const run = (argv: string[]) =>
      main(
        argv,
        () => assert.fail("printed a report"),
        (s) => void (said += s),
      );
    assert.strictEqual(run(["report", "--bogus"]), 2);
    assert.strictEqual(run(["remove"]), 2);
    assert.strictEqual(run(["report", "--file", "/nonexistent/export.json"]), 1);
    assert.match(said, /unknown argument "--bogus"/);
    assert.match(said, /unknown command "remove"/);
    assert.match(said, /ENOENT/);
  });
});
