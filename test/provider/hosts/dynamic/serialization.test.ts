// Closure serialization by value, as it happens when the package is used from this repository (an
// installed package is serialized by reference instead; test/e2e covers that): the providers must
// serialize without capturing credentials or live objects, deserialize, and work against ZStack.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { SEED_CREDENTIALS as C, SEED_UUIDS as U, startSimulator } from "../../../../simulator";
import { clearSessionCache } from "../../../../provider/client";
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the provider modules use `export =`; imported as the SDK imports them
import v2vProvider = require("../../../../provider/providers/v2v-migration");
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the provider modules use `export =`; imported as the SDK imports them
import ovaProvider = require("../../../../provider/providers/ova-package");
// eslint-disable-next-line @typescript-eslint/no-require-imports -- as above
import conversionHostProvider = require("../../../../provider/providers/v2v-conversion-host");
import { config } from "../../helpers";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const requireFromString = require("require-from-string") as (code: string) => {
  handler(): Record<string, (...a: unknown[]) => Promise<unknown>>;
};

describe("providers: serialized by value and run from the serialized text", function () {
  this.timeout(60_000);
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  // real time, sped up: a 1-minute job takes one real second
  before(async () => {
    clearSessionCache();
    sim = await startSimulator({ port: 0, speed: 60, jobDurations: { v2vMs: 60_000, ovaMs: 60_000 }, quiet: true });
  });
  after(async () => sim.stop());

  const cfg = () =>
    config({ "zstack:endpoint": sim.url, "zstack:accountName": C.accountName, "zstack:password": "Sup3r-Secret-Pw" });

  for (const [name, provider] of [
    ["V2vMigration", v2vProvider],
    ["OvaPackage", ovaProvider],
    ["V2vConversionHost", conversionHostProvider],
  ] as const) {
    it(`${name}: serializes without secrets even after configure(), and the copy works`, async () => {
      await provider.configure({ config: cfg() }); // the live object knows a password now
      const s = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
      assert.strictEqual(s.containsSecrets, false);
      assert.ok(!s.text.includes("Sup3r-Secret-Pw"), "the password was captured");
      const copy = requireFromString(s.text).handler();
      await copy.configure({
        config: config({
          "zstack:endpoint": sim.url,
          "zstack:accountName": C.accountName,
          "zstack:password": C.password,
        }),
      });
      if (name === "V2vMigration") {
        const checked = (await copy.check(
          {},
          {
            url: `vmware://${U.vmwareApp01}`,
            name: "app-01",
            cpuNum: 1,
            memorySize: 1024 ** 3,
            primaryStorageUuid: U.primaryStorage,
            l3NetworkUuids: [U.l3Private],
            conversionHostUuid: U.convHost,
          },
        )) as { inputs: Record<string, unknown>; failures: unknown[] };
        assert.deepStrictEqual(checked.failures, []);
        const created = (await copy.create(checked.inputs)) as { id: string; outs: Record<string, unknown> };
        assert.strictEqual(created.outs.state, "Succeeded");
        assert.deepStrictEqual(await copy.diff(created.id, created.outs, checked.inputs), {
          changes: false,
          replaces: [],
        });
        await copy.delete(created.id, created.outs);
        assert.deepStrictEqual(await copy.read(created.id, created.outs), { id: undefined });
      } else if (name === "V2vConversionHost") {
        const checked = (await copy.check(
          {},
          { name: "ch3", hostUuid: U.host3, storagePath: "/cache", type: "KVM", state: "Disabled" },
        )) as {
          inputs: Record<string, unknown>;
          failures: unknown[];
        };
        assert.deepStrictEqual(checked.failures, []);
        const created = (await copy.create(checked.inputs)) as { id: string; outs: Record<string, unknown> };
        assert.strictEqual(created.outs.state, "Disabled");
        assert.deepStrictEqual(await copy.diff(created.id, created.outs, checked.inputs), {
          changes: false,
          replaces: [],
        });
        await copy.delete(created.id, created.outs);
        assert.deepStrictEqual(await copy.read(created.id, created.outs), { id: undefined });
      } else {
        const checked = (await copy.check({}, { vmUuid: U.vmStopped3, backupStorageUuid: U.bsImageStore })) as {
          inputs: Record<string, unknown>;
          failures: unknown[];
        };
        assert.deepStrictEqual(checked.failures, []);
        const created = (await copy.create(checked.inputs)) as { id: string; outs: Record<string, unknown> };
        assert.strictEqual(created.outs.state, "Exported");
        await copy.delete(created.id, created.outs);
        assert.deepStrictEqual(await copy.read(created.id, created.outs), { id: undefined });
      }
    });
  }
});
