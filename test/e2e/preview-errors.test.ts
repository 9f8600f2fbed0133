// End to end on the real Pulumi engine: what a new user sees when a program's lookups cannot answer.
// A misspelled name, a wrong password, a closed port and a missing endpoint each fail `preview` with
// one clear message (a pulumi.RunError: printed once, no stack trace, no inspected error object),
// naming the endpoint where it matters, and nothing is sent to ZStack but the lookups' own requests.
// The limits are checked on the simulator's side (requests, logins); preview wall times are in
// `npm run bench` (docs/benchmarks.md), never asserted here.
import * as assert from "assert";
import { SEED_UUIDS as U } from "../../simulator";
import { e2eFixture, MIN } from "./fixture";
import { closedPort } from "../support/ports";

const PASSWORD = "e2e-Pr3view-err0rs-pa55word";

const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { V2vMigration, getHost, getL3NetworkOutput, getPrimaryStorageOutput, getVmInstance } from "pulumi-zstack-migration";

const cfg = new pulumi.Config("e2e");

export = async () => {
  if (cfg.getBoolean("noLookups")) {
    // uuids only: nothing runs in the program that could notice a wrong endpoint; the provider's check must
    new V2vMigration("web-01", {
      url: "vmware://" + cfg.require("sourceUuid"),
      name: "web-01",
      cpuNum: 2,
      memorySize: 4 * 1024 ** 3,
      primaryStorageUuid: cfg.require("primaryStorageUuid"),
      l3NetworkUuids: [cfg.require("l3NetworkUuid")],
    });
    return {};
  }
  // two lookups at once: a failure they share (a wrong password, a closed port) is one error
  const [source, host] = await Promise.all([
    getVmInstance({ name: cfg.require("source"), filters: { hypervisorType: "ESX" } }),
    getHost({ name: "kvm-host-3" }),
  ]);
  const m = new V2vMigration("web-01", {
    url: \`vmware://\${source.uuid}\`,
    name: "web-01",
    primaryStorageUuid: getPrimaryStorageOutput({ name: "PS-Local" }).uuid,
    l3NetworkUuids: [getL3NetworkOutput({ name: "L3-Private" }).uuid],
    hostUuid: host.uuid,
  });
  return { vmUuid: m.vmUuid };
};
`;

/** Lines of a JavaScript stack trace, or of an inspected error object, in the engine's output. */
const NOISE = /^\s+at .+\(.+:\d+:\d+\)$|\[Circular \*\d\]|<ref \*\d>|causeChain:|error serializing property/m;

/** How often the engine's Diagnostics (where each error of the run is listed) hold `needle`. */
function occurrences(out: string, needle: string): number {
  const diagnostics = out.slice(out.indexOf("Diagnostics:"));
  return diagnostics.split(needle).length - 1;
}

describe("e2e: a program's lookups that cannot answer fail preview with one clear message", function () {
  this.timeout(10 * MIN);
  const fx = e2eFixture({
    stack: "preview-errors",
    project: { program: PROGRAM, language: "ts" },
    password: PASSWORD,
    config: { "e2e:source": "vmware-web-01" },
  });
  const stat = (pattern: RegExp): number =>
    Object.entries(fx.sim.stats.byRoute).reduce((n, [route, c]) => (pattern.test(route) ? n + c : n), 0);
  const requests = () => stat(/./);
  const logins = () => stat(/^PUT \/v1\/accounts\/login$/);
  /** With `change` set, runs a preview that must fail; returns what the engine printed during it. */
  async function failingPreview(change: () => Promise<void>, undo: () => Promise<void>): Promise<string> {
    let out = "";
    await change();
    try {
      await assert.rejects(fx.h.stack.preview({ onOutput: (s: string) => (out += s) }));
    } finally {
      fx.log += out;
      await undo();
    }
    return out;
  }

  it("the program previews (the baseline the failures below differ from by one setting)", async () => {
    const res = await fx.h.stack.preview(fx.opts());
    assert.strictEqual(res.changeSummary.create, 2); // the stack + web-01
  });

  it("a misspelled source: the lookup's message once, no stack trace, nothing but lookups sent", async () => {
    const before = stat(/^(POST|PUT|DELETE) /) - logins();
    const out = await failingPreview(
      () => fx.h.setConfig({ "e2e:source": "vmware-web-1" }),
      () => fx.h.setConfig({ "e2e:source": "vmware-web-01" }),
    );
    const message = "getVmInstance: no VmInstance matches name=vmware-web-1";
    assert.strictEqual(occurrences(out, message), 1, out);
    assert.doesNotMatch(out, NOISE);
    assert.strictEqual(stat(/^(POST|PUT|DELETE) /) - logins(), before, "only queries and logins were sent");
  });

  it("a wrong password: ZStack's refusal once (not once per lookup), no stack trace", async () => {
    const out = await failingPreview(
      () => fx.h.setConfig({ "zstack:password": { value: "not-the-password", secret: true } }),
      () => fx.h.setConfig({ "zstack:password": { value: PASSWORD, secret: true } }),
    );
    assert.strictEqual(occurrences(out, 'ZStack refused the login of account "admin"'), 1, out);
    assert.doesNotMatch(out, NOISE);
    assert.ok(!out.includes("not-the-password"), "the password is not printed");
  });

  it("a closed port: the endpoint named once, after a few attempts (not a minute of retries)", async () => {
    const port = await closedPort();
    const requestsBefore = requests();
    const out = await failingPreview(
      () => fx.h.setConfig({ "zstack:endpoint": `http://127.0.0.1:${port}` }),
      () => fx.h.setConfig({ "zstack:endpoint": fx.sim.url }),
    );
    const message = `cannot reach ZStack at http://127.0.0.1:${port}/zstack after 3 attempt(s)`;
    assert.strictEqual(occurrences(out, message), 1, out);
    assert.doesNotMatch(out, NOISE);
    assert.strictEqual(requests(), requestsBefore, "nothing reached the simulator");
  });

  it("a wrong endpoint fails the preview of a program without lookups (the provider's check), naming it", async () => {
    const port = await closedPort();
    await fx.h.setConfig({
      "e2e:noLookups": "true",
      "e2e:sourceUuid": U.vmwareWeb01,
      "e2e:primaryStorageUuid": U.primaryStorage,
      "e2e:l3NetworkUuid": U.l3Private,
    });
    try {
      const res = await fx.h.stack.preview(fx.opts());
      assert.strictEqual(res.changeSummary.create, 2, "the same program previews against the right endpoint");
      const requestsBefore = requests();
      const out = await failingPreview(
        () => fx.h.setConfig({ "zstack:endpoint": `http://127.0.0.1:${port}` }),
        () => fx.h.setConfig({ "zstack:endpoint": fx.sim.url }),
      );
      assert.match(
        out,
        new RegExp(`cannot check the references against ZStack at http://127\\.0\\.0\\.1:${port}/zstack`),
      );
      assert.match(out, /zstack:validateReferences to false/);
      assert.strictEqual(requests(), requestsBefore, "nothing reached the simulator");
    } finally {
      await fx.h.stack.removeConfig("e2e:noLookups");
    }
  });

  it("no zstack:endpoint: says what to set, once", async () => {
    const out = await failingPreview(
      () => fx.h.stack.removeConfig("zstack:endpoint"),
      () => fx.h.setConfig({ "zstack:endpoint": fx.sim.url }),
    );
    assert.strictEqual(occurrences(out, "the ZStack endpoint is not configured. Set zstack:endpoint"), 1, out);
    assert.doesNotMatch(out, NOISE);
  });
});
