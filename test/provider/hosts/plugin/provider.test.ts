// The plugin host over the simulator (manual clock, instant waits): the resource's customTimeouts win over
// its `timeouts` input and never reach the state; a recorded failure is an initialization failure with id
// and outputs; secrets are unwrapped for the logic and wrapped in what it returns; import's inputs.
import * as assert from "assert";
import { SEED_CREDENTIALS, SEED_UUIDS as U } from "../../../../simulator";
import { ResourceInitError, ZStackPluginProvider, parseUrn } from "../../../../provider/hosts/plugin/provider";
import { PLUGIN_RESOURCES } from "../../../../provider/hosts/plugin/resources";
import { SIG_KEY, markSecrets, unwrapSecrets, withRequest } from "../../../../provider/hosts/plugin/server";
import { importedInputs } from "../../../../provider/hosts/plugin/provider";
import { cancelRun, resetRunCancellation } from "../../../../provider/core/cancellation";
import { ZStackClient } from "../../../../provider/client";
import { timeoutFrom, timeoutOf } from "../../../../provider/core/validation";
import { UNKNOWN } from "../../../../provider/core/values";
import { Sim, newSim, rejection, routeCount, virtualClock } from "../../helpers";

const HOUR = 3_600_000;
const urn = (name: string) => `urn:pulumi:dev::proj::zstack:index:V2vMigration::${name}`;
const migration = (name: string) => ({
  url: `vmware://${U.vmwareWeb01}`,
  name,
  conversionHostUuid: U.convHost,
  primaryStorageUuid: U.primaryStorage,
  l3NetworkUuids: [U.l3Private],
  cpuNum: 2,
  memorySize: 4 * 1024 ** 3,
  timeouts: { create: "24h" },
});

describe("plugin host", () => {
  let sim: Sim;
  let plugin: ZStackPluginProvider;
  beforeEach(async () => {
    resetRunCancellation();
    sim = await newSim({ jobDurations: { v2vMs: 10 * HOUR } });
    plugin = new ZStackPluginProvider({ clock: virtualClock(sim), log: () => undefined });
    plugin.configure(
      new Map([
        ["zstack:endpoint", sim.url],
        ["zstack:accountName", SEED_CREDENTIALS.accountName],
        ["zstack:password", SEED_CREDENTIALS.password],
      ]),
    );
  });
  afterEach(() => sim.stop());

  it("parses URNs, nested types included", () => {
    assert.deepStrictEqual(parseUrn("urn:pulumi:dev::p::zstack:index:MigrationPlan$zstack:index:V2vMigration::w-a"), {
      stack: "dev",
      project: "p",
      type: "zstack:index:V2vMigration",
      name: "w-a",
    });
  });

  it("customTimeouts.create wins over timeouts.create: the 10-hour job is recorded at 1 hour, timeouts kept as given", async () => {
    const checked = await withRequest({ urn: urn("short"), timeoutSeconds: 0 }, () =>
      plugin.check(urn("short"), {}, migration("short")),
    );
    assert.deepStrictEqual(checked.failures, []);
    const e = await withRequest({ urn: urn("short"), timeoutSeconds: 3600 }, () =>
      plugin.create(urn("short"), checked.inputs as Record<string, unknown>),
    ).then(
      () => assert.fail("created"),
      (err: unknown) => err,
    );
    assert.ok(e instanceof ResourceInitError, String(e));
    assert.match(e.message, /at the create timeout \(3600s, from customTimeouts\.create\)/);
    assert.strictEqual(e.id, (checked.inputs as { resourceUuid: string }).resourceUuid);
    assert.strictEqual(e.properties.state, "Running");
    assert.deepStrictEqual(e.properties.timeouts, { create: "24h" });
  });

  it("without customTimeouts the timeouts input applies (the job ends within 24h)", async () => {
    const checked = await withRequest({ urn: urn("long"), timeoutSeconds: 0 }, () =>
      plugin.check(urn("long"), {}, migration("long")),
    );
    const r = await withRequest({ urn: urn("long"), timeoutSeconds: 0 }, () =>
      plugin.create(urn("long"), checked.inputs as Record<string, unknown>),
    );
    assert.strictEqual(r.outs?.state, "Succeeded");
    assert.deepStrictEqual(r.outs?.timeouts, { create: "24h" });
  });

  it("a timeout from customTimeouts is the plugin's own: its duration is the wait's, and a program cannot write one", async () => {
    const fromCustom = timeoutFrom("10s", "customTimeouts.create");
    assert.deepStrictEqual(timeoutOf({ create: fromCustom }, "create", { create: "6h" }), {
      text: "10s, from customTimeouts.create",
      ms: 10_000,
    });
    const checked = await withRequest({ urn: urn("x"), timeoutSeconds: 0 }, () =>
      plugin.check(urn("x"), {}, { ...migration("x"), timeouts: { create: fromCustom } }),
    );
    assert.deepStrictEqual(
      (checked.failures ?? []).map((f) => f.property),
      ["timeouts"],
    );
  });

  it("CheckConfig: the provider's inputs checked as the stack config is, naming the variable; credentials marked secret", () => {
    const ok = plugin.checkConfig({
      endpoint: "http://mn:8080",
      accountName: "admin",
      password: "pw",
      version: "0.1.0",
    });
    assert.deepStrictEqual(ok.failures, []);
    assert.deepStrictEqual(ok.inputs.password, { [SIG_KEY]: "1b47061264138c4ac30d75fd1eb44270", value: "pw" });
    assert.strictEqual(ok.inputs.accountName, "admin");
    assert.strictEqual(ok.inputs.version, "0.1.0");
    const bad = plugin.checkConfig({ endpoint: "ftp://mn", password: "pw" });
    assert.deepStrictEqual(
      bad.failures.map((f) => f.property),
      ["endpoint"],
    );
    assert.match(bad.failures[0].reason, /zstack:endpoint must use http or https, not ftp:/);
    assert.deepStrictEqual(
      plugin.checkConfig({ maxConcurrentMigrations: 0 }).failures.map((f) => f.property),
      ["maxConcurrentMigrations"],
    );
    // a preview's unknown value: nothing checked, nothing wrapped
    const later = plugin.checkConfig({ endpoint: UNKNOWN, password: UNKNOWN });
    assert.deepStrictEqual(later, { inputs: { endpoint: UNKNOWN, password: UNKNOWN }, failures: [] });
  });

  it("Ctrl-C ends a delete's wait (a package still Exporting): the delete fails at once and deletes nothing", async () => {
    let sleeps = 0;
    // the engine's Cancel arrives while the delete waits for the export to end (at its second poll)
    const clock = virtualClock(sim, { beforeSleep: () => void (++sleeps === 2 && cancelRun()) });
    const p = new ZStackPluginProvider({ clock, log: () => undefined });
    p.configure(
      new Map([
        ["zstack:endpoint", sim.url],
        ["zstack:accountName", SEED_CREDENTIALS.accountName],
        ["zstack:password", SEED_CREDENTIALS.password],
      ]),
    );
    const c = new ZStackClient({
      endpoint: sim.url,
      auth: { kind: "account", accountName: SEED_CREDENTIALS.accountName, password: SEED_CREDENTIALS.password },
    });
    await c.submit(
      "ExportVmOvaPackage",
      { params: { vmUuid: U.vmStopped2, backupStorageUuid: U.bsImageStore } },
      await c.sessionId(),
    );
    const pkg = sim.world.list("imagePackages").find((x) => x.vmUuid === U.vmStopped2)!;
    assert.strictEqual(pkg.state, "Exporting");
    const ovaUrn = "urn:pulumi:dev::proj::zstack:index:OvaPackage::export";
    const e = await rejection(() =>
      withRequest({ urn: ovaUrn, timeoutSeconds: 0 }, () =>
        p.delete(String(pkg.uuid), ovaUrn, { vmUuid: U.vmStopped2, backupStorageUuid: U.bsImageStore }),
      ),
    );
    assert.match(e.message, /cancelled \(Ctrl-C\) while deleting .*the next pulumi destroy deletes it/);
    assert.strictEqual(sleeps, 2, "the delete was waiting when the Cancel came");
    assert.strictEqual(sim.world.get("imagePackages", String(pkg.uuid))?.state, "Exporting", "the package is left");
    assert.strictEqual(routeCount(sim, /^DELETE /), 0, "nothing deleted");
  });

  it("secrets: unwrapped for the logic, the table's secrets wrapped on the way out", () => {
    const wrapped = markSecrets({ sshPrivKey: "KEY", name: "x" }, ["sshPrivKey"]);
    assert.deepStrictEqual(wrapped.sshPrivKey, { [SIG_KEY]: "1b47061264138c4ac30d75fd1eb44270", value: "KEY" });
    assert.strictEqual(wrapped.name, "x");
    assert.deepStrictEqual(unwrapSecrets({ a: [wrapped.sshPrivKey], b: wrapped }), {
      a: ["KEY"],
      b: { sshPrivKey: "KEY", name: "x" },
    });
  });

  it("import: the inputs are the outputs' and the recorded request's parameters, never a secret, and adopt the object", () => {
    const spec = PLUGIN_RESOURCES.find((r) => r.name === "V2vMigration")!;
    const inputs = importedInputs(spec, "j1", {
      uuid: "j1",
      state: "Succeeded",
      name: "web-01",
      jobData: JSON.stringify({ url: "vmware://x", primaryStorageUuid: "ps", sshPrivKey: "*****", session: "s" }),
    });
    assert.deepStrictEqual(inputs, { name: "web-01", url: "vmware://x", primaryStorageUuid: "ps", adoptUuid: "j1" });
    for (const other of PLUGIN_RESOURCES) {
      assert.strictEqual(importedInputs(other, "u1", { uuid: "u1" }).adoptUuid, "u1", `${other.name} adopts`);
    }
  });
});
