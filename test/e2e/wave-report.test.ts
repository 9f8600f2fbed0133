// End to end on the real Pulumi engine: a MigrationPlan's `up` with a failed migration (a simulator
// fault) is SIGKILLed midway; then `npx zstack-migration report --stack …` (the installed package's bin, reading the
// state through `pulumi stack export`) and `--file` (an export file) show every VM of the wave: the
// failed one with ZStack's reason, the others succeeded or interrupted, none missing.
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { SEED_UUIDS as U } from "../../simulator";
import { e2eFixture, fixtureProgram, GiB, MIN } from "./fixture";
import { getPulumiCli, waitFor } from "./harness";

const REASON = "virt-v2v: failed to copy disk sda: connection to ESXi lost";

/** The stack's checkpoint files in a file backend. */
function checkpointText(backendDir: string, stack: string): string {
  const dir = path.join(backendDir, ".pulumi", "stacks");
  let out = "";
  const walk = (d: string) => {
    for (const e of fs.existsSync(d) ? fs.readdirSync(d, { withFileTypes: true }) : []) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === `${stack}.json`) out += fs.readFileSync(p, "utf8");
    }
  };
  walk(dir);
  return out;
}

describe("e2e: the report of a wave whose up failed and was killed", function () {
  this.timeout(15 * MIN);
  const vms = Array.from({ length: 6 }, (_, i) => `rep-${String(i + 1).padStart(2, "0")}`);
  const plan = {
    name: "wave9",
    maxInFlight: 2,
    order: "asListed",
    defaults: { conversionHostUuid: U.convHost, primaryStorageUuid: U.primaryStorage, l3NetworkUuids: [U.l3Private] },
    vms: vms.map((source) => ({ source })),
  };
  const fx = e2eFixture({
    stack: "report",
    project: fixtureProgram("plan-program"),
    simulator: { speed: 300, jobDurations: { v2vMs: 60 * MIN } },
    config: { "e2e:plan": plan },
  });
  before(() => fx.sim.addVmwareVms({ count: 6, prefix: "rep", diskBytes: 20 * GiB }));

  it("every VM with its state, the failed one with ZStack's reason, from the stack and from an export file", async () => {
    // the first conversion fails early; the wave goes on; the up is killed while some still run or queue
    fx.sim.faults.failNextJob("v2v", { atFraction: 0.05, details: REASON });
    const run = await fx.spawnUp();
    try {
      const failedRecorded = () => /"state":\s*"Failed"/.test(checkpointText(fx.h.backendDir, "report"));
      assert.ok(await waitFor(failedRecorded, 240_000), "the failed migration was never recorded");
      process.kill(run.child.pid!, "SIGKILL");
      await run.exited;
    } finally {
      await run.killTree();
    }
    const jobs = fx.sim.world.list("longJobs").length;
    assert.ok(jobs < 6, `all ${jobs} jobs were submitted before the kill`);

    // what docs/operations.md tells a user after a killed up (a SIGKILL can leave an empty .attrs file)
    await fx.h.unlockAfterKill();
    const cli = await getPulumiCli();
    const env = { ...process.env, ...fx.h.envVars, PATH: `${cli.binDir}${path.delimiter}${fx.h.envVars.PATH}` };
    // the installed package's bin, as npm links it (the fixture installs the tarball without npm)
    const pkgDir = fx.project.packageDir!;
    const bin = path.join(
      pkgDir,
      JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8")).bin["zstack-migration"],
    );
    const report = (args: string[]) =>
      execFileSync(process.execPath, [bin, "report", ...args], {
        cwd: fx.project.dir,
        encoding: "utf8",
        env,
      });
    const fromStack = report(["--stack", "report"]);
    const rows = fromStack.split("\n").filter((l) => /^\| rep-\d\d \|/.test(l));
    assert.strictEqual(rows.length, 6, fromStack);
    const failed = rows.filter((r) => r.includes("| Failed |"));
    assert.strictEqual(failed.length, 1, fromStack);
    assert.ok(failed[0].includes(REASON), failed[0]);
    for (const r of rows) assert.match(r, /\| (Succeeded|Failed|Interrupted) \|/, r);
    assert.ok(
      rows.some((r) => r.includes("| Interrupted |")),
      `nothing was still queued or running at the kill:\n${fromStack}`,
    );
    assert.match(fromStack, /^\*\*MigrationPlan wave9\*\*: 6 VMs/m);

    // the same from a `pulumi stack export` file
    const file = path.join(fx.project.dir, "export.json");
    fs.writeFileSync(file, JSON.stringify({ version: 3, deployment: await fx.h.exportDeployment() }));
    assert.strictEqual(report(["--file", file]), fromStack);
  });
});
