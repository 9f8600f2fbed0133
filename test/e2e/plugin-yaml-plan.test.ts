// End to end on the real Pulumi engine: a MigrationPlan in Pulumi YAML through the provider plugin's `construct`.
// One bad field in one entry fails `preview` with one clear error naming the entry's migration (`<plan>-<entry>`,
// the plan's child) and the field, as the dynamic MigrationPlan's do (the same check runs on the child), or naming
// the plan and both entries for a duplicate name (thrown by `construct`); nothing is sent to ZStack but queries
// and logins, and no stack trace is printed. A secret in the plan's defaults and in an entry (an SSH key from
// secret config) stays a secret in each child's state: never in plain text in the backend or the output.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { SEED_UUIDS as U } from "../../simulator";
import { e2eFixture, jobsFor, MIN } from "./fixture";
import { findPlainText } from "./harness";
import { PLUGIN_V2V, mutatingRoutes, pluginEnv, yamlProject } from "./plugin-support";

const SSH_KEY = "-----BEGIN OPENSSH PRIVATE KEY----- plugin-yaml-plan-S3cret";

/** A plan of two entries, web-01 and the one given (a YAML flow mapping), and more `defaults` lines if given. */
function program(secondEntry: string, moreDefaults = ""): string {
  return `name: plan-errors
runtime: yaml
config:
  sshKey:
    type: string
    secret: true
resources:
  wave:
    type: zstack:index:MigrationPlan
    properties:
      maxInFlight: 2
      defaults:
        conversionHostUuid: ${U.convHost}
        primaryStorageUuid: ${U.primaryStorage}
        l3NetworkUuids: [${U.l3Private}]${moreDefaults}
      vms:
        - {source: vmware-web-01, name: web-01}
        - ${secondEntry}
`;
}

/** A JavaScript stack trace's line in the engine's output. */
const STACK_TRACE = /^\s+at .+:\d+:\d+\)?$/m;

describe("e2e: a YAML MigrationPlan through the plugin: a bad field in one entry, a secret in the entries", function () {
  this.timeout(10 * MIN);
  const fx = e2eFixture({
    stack: "plugin-plan",
    project: yamlProject(program("{source: vmware-db-01, name: db-01}")),
    simulator: { speed: 300, jobDurations: { v2vMs: 5 * MIN } },
    config: { "plan-errors:sshKey": { value: SSH_KEY, secret: true } },
    env: () => pluginEnv(fx.project),
    logStderr: true,
    logScope: "describe",
  });

  /** Previews with `secondEntry`; returns the engine's output and error (it must fail). */
  async function failingPreview(secondEntry: string): Promise<string> {
    fs.writeFileSync(path.join(fx.project.dir, "Pulumi.yaml"), program(secondEntry));
    fx.sim.stats.reset();
    let failure = "";
    await assert.rejects(fx.h.stack.preview(fx.opts()), (e: Error) => {
      failure = e.message;
      return true;
    });
    assert.deepStrictEqual(mutatingRoutes(fx.sim.stats.byRoute), [], "only queries and logins were sent");
    assert.deepStrictEqual(fx.sim.world.list("longJobs"), []);
    assert.doesNotMatch(failure, STACK_TRACE);
    return failure;
  }

  it("the plan previews (the baseline the failures below differ from by one field)", async () => {
    const res = await fx.h.stack.preview(fx.opts());
    assert.deepStrictEqual(res.changeSummary, { create: 4 }); // the stack, the plan, its two migrations
  });

  it("cpuNum 0 in an entry: the entry's migration and cpuNum are named", async () => {
    const out = await failingPreview("{source: vmware-db-01, name: db-01, cpuNum: 0}");
    assert.match(
      out,
      /zstack:index:V2vMigration resource 'wave-db-01': property cpuNum value \{0\} has a problem: .*cpuNum.* must be in range of \[1, 1024\]/,
    );
  });

  it("an unknown source VM: the entry's migration and sourceVmName are named, with what ZStack lacks", async () => {
    const out = await failingPreview("{source: vmware-nope}");
    assert.match(
      out,
      /zstack:index:V2vMigration resource 'wave-vmware-nope': property sourceVmName value \{vmware-nope\} has a problem: sourceVmName: no VmInstance with name="vmware-nope" and hypervisorType=ESX exists in ZStack/,
    );
  });

  it("a conversion host that does not exist, or is no uuid, in one entry: conversionHostUuid is named", async () => {
    const missing = "0123456789abcdef0123456789abcdef";
    const out = await failingPreview(`{source: vmware-db-01, name: db-01, conversionHostUuid: ${missing}}`);
    assert.match(
      out,
      new RegExp(
        `zstack:index:V2vMigration resource 'wave-db-01': property conversionHostUuid value \\{${missing}\\} has a problem: .*${missing}.* not found`,
      ),
    );
    const notUuid = await failingPreview("{source: vmware-db-01, name: db-01, conversionHostUuid: host-3}");
    assert.match(
      notUuid,
      /zstack:index:V2vMigration resource 'wave-db-01': property conversionHostUuid value \{host-3\} has a problem: conversionHostUuid must be a ZStack UUID: 32 hexadecimal characters without dashes, got "host-3"/,
    );
  });

  it("a duplicate entry name: the plan and both entries are named (construct refuses the plan)", async () => {
    const out = await failingPreview("{source: vmware-db-01, name: web-01}");
    assert.match(
      out,
      /zstack:index:MigrationPlan resource 'wave' has a problem: MigrationPlan "wave": vms\[0\] and vms\[1\] both have the name "web-01"/,
    );
  });

  it("a secret in the defaults and in an entry stays a secret in each child's state", async () => {
    fs.writeFileSync(
      path.join(fx.project.dir, "Pulumi.yaml"),
      program('{source: vmware-db-01, name: db-01, sshPrivKey: "${sshKey}"}', "\n        sshPrivKey: ${sshKey}"),
    );
    const res = await fx.h.stack.up(fx.opts());
    assert.strictEqual(res.summary.result, "succeeded");
    for (const vm of ["web-01", "db-01"]) assert.strictEqual(jobsFor(fx.sim, vm).length, 1, `${vm}: one long job`);
    // each child got the key (a secret): found in the state only when secrets are shown
    const shown = findPlainText(await fx.h.exportDeployment({ showSecrets: true }), { SSH_KEY });
    assert.strictEqual((await fx.h.resources(PLUGIN_V2V)).length, 2);
    const inInputs = shown.filter((hit) => /\.inputs\.sshPrivKey\b/.test(hit.path));
    assert.strictEqual(inInputs.length, 2, `the key in both children's inputs: ${JSON.stringify(shown)}`);
    assert.deepStrictEqual(findPlainText(await fx.h.exportDeployment(), { SSH_KEY }), []);
    assert.deepStrictEqual(findPlainText(await fx.h.backendFiles(), { SSH_KEY }), []);
    assert.ok(!fx.log.includes(SSH_KEY), "the key is in the engine's output");
  });
});
