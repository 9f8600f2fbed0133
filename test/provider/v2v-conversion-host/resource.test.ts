// The V2vConversionHost provider called directly against the simulator over real HTTP, virtual time.
import * as assert from "assert";
import { SEED_UUIDS as U } from "../../../simulator";
import { ResourceInitError } from "../../../provider/hosts/dynamic/providers";
import { UNKNOWN } from "../../../provider/core/values";
import { V2vConversionHostProvider } from "../../../provider/hosts/dynamic/providers";
import { V2vConversionHostInputs } from "../../../provider/v2v-conversion-host/inputs";
import { Sim, config, conversionHostHarness, newSim, rejection, routeCount, v2vHarness } from "../helpers";

const RU = "6b3e4f5a6b7c4d8e9f0a1b2c3d4e5f60";
const MSG = "org.zstack.v2v.APIAddV2VConversionHostMsg";
const inputs = (over: Partial<Record<keyof V2vConversionHostInputs, unknown>> = {}): V2vConversionHostInputs =>
  ({
    name: "v2v-host-3",
    description: "cache on host 3",
    hostUuid: U.host3,
    storagePath: "/zstack/v2v-cache",
    type: "VMWARE",
    state: "Enabled",
    resourceUuid: RU,
    userTags: ["team::v2v"],
    ...over,
  }) as V2vConversionHostInputs;
const asRecord = (x: unknown) => x as Record<string, unknown>;

describe("V2vConversionHost provider: check (local validation)", () => {
  const provider = new V2vConversionHostProvider({ log: () => undefined });
  before(() => provider.configure({ config: config({}) }));
  const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
    ["name missing", { name: undefined }, "name", new RegExp(`field\\[name\\] of message\\[${MSG}\\] is mandatory`)],
    ["hostUuid missing", { hostUuid: undefined }, "hostUuid", /is mandatory/],
    ["storagePath missing", { storagePath: undefined }, "storagePath", /is mandatory/],
    ["type missing", { type: undefined }, "type", /is mandatory/],
    ["bad hostUuid", { hostUuid: "host-3" }, "hostUuid", /32 hexadecimal/],
    ["relative storagePath", { storagePath: "cache" }, "storagePath", /must be an absolute path/],
    ["storagePath /", { storagePath: "/" }, "storagePath", /must not be \/ itself/],
    ["storagePath with ..", { storagePath: "/a/../b" }, "storagePath", /'\.\.'/],
    ["storagePath too long", { storagePath: `/${"p".repeat(2048)}` }, "storagePath", /expected was <= 2048/],
    ["name too long", { name: "n".repeat(256) }, "name", /expected was <= 255, actual was 256/],
    ["bad type", { type: "HYPERV" }, "type", /are \[VMWARE, KVM\], but HYPERV found/],
    ["bad state", { state: "disable" }, "state", /are \[Enabled, Disabled\], but disable found/],
    ["bad resourceUuid", { resourceUuid: "xyz" }, "resourceUuid", /is not a valid uuid/],
    ["unknown input", { totalSize: 1 }, "totalSize", /not an input of V2vConversionHost/],
  ];
  it("accepts valid inputs, fills state Enabled and keeps resourceUuid", async () => {
    const r = await provider.check({}, asRecord(inputs({ state: undefined, resourceUuid: undefined })));
    assert.deepStrictEqual(r.failures, []);
    assert.strictEqual(r.inputs.state, "Enabled");
    assert.match(String(r.inputs.resourceUuid), /^[0-9a-f]{32}$/);
    const again = await provider.check(r.inputs, asRecord(inputs({ resourceUuid: undefined })));
    assert.strictEqual(again.inputs.resourceUuid, r.inputs.resourceUuid);
  });
  it("adopting needs only adoptUuid and leaves state to ZStack", async () => {
    const r = await provider.check({}, { adoptUuid: U.convHost });
    assert.deepStrictEqual(r.failures, []);
    assert.strictEqual(r.inputs.state, undefined);
  });
  it("tolerates the preview sentinel", async () => {
    assert.deepStrictEqual(
      (await provider.check({}, asRecord(inputs({ hostUuid: UNKNOWN, name: UNKNOWN })))).failures,
      [],
    );
  });
  for (const [what, patch, property, reason] of cases) {
    it(`reports ${what} on ${property}`, async () => {
      const r = await provider.check({}, asRecord(inputs(patch)));
      assert.deepStrictEqual(
        r.failures.map((f) => f.property),
        [property],
        JSON.stringify(r.failures),
      );
      assert.match(r.failures[0].reason, reason);
    });
  }
});

describe("V2vConversionHost provider against the simulator", () => {
  let sim: Sim;
  let provider: V2vConversionHostProvider;
  let lines: string[];
  beforeEach(async () => {
    sim = await newSim();
    ({ provider, lines } = await conversionHostHarness(sim));
  });
  afterEach(async () => sim.stop());

  const create = async (over: Partial<Record<keyof V2vConversionHostInputs, unknown>> = {}) => {
    const c = await provider.check({}, asRecord(inputs(over)));
    assert.deepStrictEqual(c.failures, []);
    return provider.create(c.inputs as unknown as V2vConversionHostInputs);
  };

  it("check asks ZStack: the host exists, is KVM, is Connected, is not already a conversion host", async () => {
    const failure = async (hostUuid: string) => (await provider.check({}, asRecord(inputs({ hostUuid })))).failures;
    assert.deepStrictEqual(await failure(U.host3), []);
    const nowhere = "0123456789abcdef0123456789abcdef";
    assert.deepStrictEqual(await failure(nowhere), [
      { property: "hostUuid", reason: `invalid field[hostUuid], resource[uuid:${nowhere}, type:HostVO] not found` },
    ]);
    assert.match((await failure(U.esxHost))[0].reason, /is not a KVM host \(hypervisorType: ESX\)/);
    assert.match(
      (await failure(U.host1))[0].reason,
      new RegExp(`already the V2V conversion host\\[uuid:${U.convHost}, name:v2v-conversion-host-1\\]`),
    );
    sim.world.update("hosts", U.host3, { status: "Disconnected" });
    assert.match((await failure(U.host3))[0].reason, /is not Connected \(status: Disconnected\)/);
    const adopt = await provider.check({}, { adoptUuid: nowhere });
    assert.deepStrictEqual(
      adopt.failures.map((f) => f.property),
      ["adoptUuid"],
    );
  });

  it("creates with resourceUuid and tags, then disables when state is Disabled; every inventory field is an output", async () => {
    const { id, outs } = await create({ state: "Disabled" });
    assert.strictEqual(id, RU);
    const row = sim.world.get("conversionHosts", RU)!;
    assert.strictEqual(row.state, "Disabled");
    assert.deepStrictEqual(sim.world.tags.get(RU)?.user, ["team::v2v"]);
    assert.strictEqual(outs.state, "Disabled");
    for (const k of [
      "uuid",
      "name",
      "description",
      "hostUuid",
      "storagePath",
      "type",
      "state",
      "totalSize",
      "availableSize",
      "hostStatus",
      "hostState",
      "createDate",
      "lastOpDate",
    ]) {
      assert.ok((outs as unknown as Record<string, unknown>)[k] !== undefined, `output ${k} missing`);
    }
    assert.strictEqual(outs.hostStatus, "Connected");
    assert.ok(
      lines.some((l) => l.includes(`V2vConversionHost "v2v-host-3": adding host ${U.host3}`)),
      lines.join("\n"),
    );
    assert.ok(
      lines.some((l) => l.includes("disabling conversion host")),
      lines.join("\n"),
    );
  });

  it("updates name, description and storagePath in place, and the state; replaces on hostUuid and type", async () => {
    const { id, outs } = await create();
    const news = inputs({ name: "renamed", description: "moved", storagePath: "/data/v2v", state: "Disabled" });
    assert.deepStrictEqual(await provider.diff(id, asRecord(outs), asRecord(news)), { changes: true, replaces: [] });
    const { outs: after } = await provider.update(id, outs, news);
    assert.strictEqual(after.name, "renamed");
    assert.strictEqual(after.storagePath, "/data/v2v");
    assert.strictEqual(after.state, "Disabled");
    assert.strictEqual(sim.world.get("conversionHosts", id)!.description, "moved");
    assert.deepStrictEqual(await provider.diff(id, asRecord(after), asRecord(news)), { changes: false, replaces: [] });
    const back = await provider.update(id, after, inputs({ ...news, state: "Enabled" }));
    assert.strictEqual(back.outs.state, "Enabled");
    assert.deepStrictEqual(await provider.diff(id, asRecord(after), asRecord(inputs({ hostUuid: U.host2 }))), {
      changes: true,
      replaces: ["hostUuid"],
      deleteBeforeReplace: true,
    });
    assert.deepStrictEqual((await provider.diff(id, asRecord(after), asRecord(inputs({ type: "KVM" })))).replaces, [
      "type",
    ]);
  });

  it("an interrupted create adopts the conversion host it added instead of adding it twice", async () => {
    await create();
    const adds = routeCount(sim, /^POST .*\/v1\/v2v-conversion-hosts$/);
    assert.strictEqual(adds, 1, "the first create added it");
    const { id } = await create();
    assert.strictEqual(id, RU);
    assert.strictEqual(routeCount(sim, /^POST .*\/v1\/v2v-conversion-hosts$/), adds, "added again");
    assert.ok(
      lines.some((l) => l.includes(`conversion host ${RU} already exists (Enabled); adopting it`)),
      lines.join("\n"),
    );
  });

  it("adoptUuid takes over an existing conversion host and applies the declared fields", async () => {
    const c = await provider.check({}, { adoptUuid: U.convHostDisabled, name: "adopted", state: "Enabled" });
    assert.deepStrictEqual(c.failures, []);
    const { id, outs } = await provider.create(c.inputs as unknown as V2vConversionHostInputs);
    assert.strictEqual(id, U.convHostDisabled);
    assert.strictEqual(outs.hostUuid, U.host2);
    assert.strictEqual(outs.type, "VMWARE");
    assert.strictEqual(sim.world.get("conversionHosts", id)!.state, "Enabled");
    assert.strictEqual(sim.world.get("conversionHosts", id)!.name, "adopted");
    const wrongHost = await rejection(() =>
      provider.create({ ...(c.inputs as unknown as V2vConversionHostInputs), hostUuid: U.host1 }),
    );
    assert.match(wrongHost.message, /names the conversion host on host .* but hostUuid is/);
  });

  it("refresh reads ZStack's fields (drift), and drops a conversion host deleted in ZStack", async () => {
    const { id, outs } = await create();
    sim.world.update("conversionHosts", id, { name: "renamed-in-ui", state: "Disabled" });
    const read = await provider.read(id, outs);
    assert.strictEqual(read.props!.name, "renamed-in-ui");
    assert.strictEqual(read.props!.state, "Disabled");
    assert.strictEqual(
      (await provider.diff(id, asRecord(read.props), asRecord(inputs()))).changes,
      true,
      "drift is a change",
    );
    sim.world.delete("conversionHosts", id);
    assert.deepStrictEqual(await provider.read(id, outs), { id: undefined });
    const upd = await rejection(() => provider.update(id, outs, inputs()));
    assert.match(upd.message, /no longer exists in ZStack; run pulumi refresh/);
    await provider.delete(id, outs); // already gone: nothing to do
  });

  it("deletes; while a migration uses it, surfaces ZStack's refusal clearly", async () => {
    const { id, outs } = await create();
    const v2v = await v2vHarness(sim);
    const m = await v2v.provider.check(
      {},
      {
        url: `vmware://${U.vmwareWeb01}`,
        name: "web-01",
        cpuNum: 1,
        memorySize: 1024 ** 3,
        conversionHostUuid: id,
        primaryStorageUuid: U.primaryStorage,
        l3NetworkUuids: [U.l3Private],
        timeouts: { create: "1m" },
      },
    );
    assert.deepStrictEqual(m.failures, []);
    await v2v.provider
      .create(m.inputs as never)
      .catch((e: unknown) => assert.ok(e instanceof ResourceInitError, String(e)));
    const refused = await rejection(() => provider.delete(id, outs));
    assert.match(
      refused.message,
      new RegExp(
        `V2vConversionHost "v2v-host-3": ZStack refused to delete conversion host ${id} \\(SYS.1007\\): cannot delete the v2v conversion host\\[uuid:${id}\\], it is used by the running v2v long job`,
      ),
    );
    assert.match(refused.message, /wait for them to end/);
    assert.ok(sim.world.get("conversionHosts", id), "deleted anyway");
    sim.advance(60 * 60_000);
    await provider.delete(id, outs);
    assert.strictEqual(sim.world.get("conversionHosts", id), undefined);
  });

  it("never prints the password in errors", async () => {
    const { outs } = await create();
    const bad = await conversionHostHarness(sim, {
      config: config({ "zstack:endpoint": sim.url, "zstack:accountName": "admin", "zstack:password": "Sup3r-s3cret!" }),
    });
    const e = await rejection(() => bad.provider.read(RU, outs));
    assert.ok(!e.message.includes("Sup3r-s3cret!"), e.message);
    assert.ok(!bad.lines.join("\n").includes("Sup3r-s3cret!"));
  });
});
