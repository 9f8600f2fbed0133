// A conversion-host pool (conversionHostUuids) against the simulator over real HTTP, on a virtual clock:
// check names the field (exclusive with conversionHostUuid, every host exists and is Enabled, the capacity
// preflight per host); a wave through a pool of two keeps both busy, neither over its limit, and records
// where each ran; a changed pool of a Succeeded migration changes nothing.
import * as assert from "assert";
import { maxConcurrencyByHost, SEED_UUIDS as U } from "../../../simulator";
import { V2vMigrationInputs } from "../../../provider/v2v-migration/inputs";
import { Sim, newSim, v2vHarness } from "../helpers";

const GiB = 1024 ** 3;
const MIN = 60_000;
const HOST2 = "4b7e2d9a1c3f4e5a8b6d0c2e4f6a8b0d";

/** A second Enabled conversion host, on KVM host 3. */
function addSecondHost(sim: Sim): void {
  const first = sim.world.get("conversionHosts", U.convHost)!;
  sim.world.insert("conversionHosts", { ...first, uuid: HOST2, name: "v2v-conversion-host-2", hostUuid: U.host3 });
}

const key = (n: number) => `${String(n).padStart(8, "0")}bbbb4bbb8bbb${"b".repeat(12)}`;

describe("conversion-host pool", () => {
  let sim: Sim;
  let sources: string[];
  beforeEach(async () => {
    sim = await newSim({ jobDurations: { v2vMs: 20 * MIN } });
    addSecondHost(sim);
    sources = sim.addVmwareVms({ count: 6, prefix: "pool", diskBytes: 10 * GiB }).map((v) => v.uuid);
  });
  afterEach(async () => sim.stop());

  const migration = (i: number, over: Partial<V2vMigrationInputs> = {}): V2vMigrationInputs => ({
    url: `vmware://${sources[i]}`,
    name: `pool-vm-${i}`,
    conversionHostUuids: [U.convHost, HOST2],
    primaryStorageUuid: U.primaryStorage,
    l3NetworkUuids: [U.l3Private],
    resourceUuid: key(i),
    maxInFlight: 2,
    ...over,
  });

  it("check: not with conversionHostUuid; each host of the pool exists and is Enabled; no host twice", async () => {
    const { provider } = await v2vHarness(sim);
    const fields = async (m: V2vMigrationInputs) =>
      (await provider.check({}, m as never)).failures.map((f) => `${f.property}: ${f.reason}`);
    assert.deepStrictEqual(await fields(migration(0, { conversionHostUuid: U.convHost })), [
      "conversionHostUuids: set either conversionHostUuid (one conversion host) or conversionHostUuids (a pool), not both",
    ]);
    const missing = "0123456789ab4def8123456789abcdef";
    const notFound = await fields(migration(0, { conversionHostUuids: [U.convHost, missing] }));
    assert.deepStrictEqual(notFound, [
      `conversionHostUuids: invalid field[conversionHostUuids], resource[uuid:${missing}, type:V2VConversionHostVO] not found`,
    ]);
    const disabled = await fields(migration(0, { conversionHostUuids: [U.convHostDisabled, HOST2] }));
    assert.strictEqual(disabled.length, 1, disabled.join("\n"));
    assert.match(
      disabled[0],
      new RegExp(`^conversionHostUuids: V2V conversion host\\[uuid:${U.convHostDisabled}\\] is Disabled`),
    );
    assert.deepStrictEqual(await fields(migration(0, { conversionHostUuids: [HOST2, HOST2] })), [
      `conversionHostUuids: conversion host ${HOST2} is in the pool twice`,
    ]);
    assert.deepStrictEqual(await fields(migration(0, { conversionHostUuids: [] })), [
      "conversionHostUuids: field[conversionHostUuids] must be a nonempty list",
    ]);
  });

  it("the capacity preflight covers every host of the pool", async () => {
    sim.world.update("conversionHosts", HOST2, { availableSize: 15 * GiB });
    const { provider } = await v2vHarness(sim);
    const r1 = await provider.check({}, migration(0) as never);
    assert.deepStrictEqual(r1.failures, []);
    const r2 = await provider.check({}, migration(1) as never);
    assert.deepStrictEqual(
      r2.failures.map((f) => f.property),
      ["conversionHostUuids"],
    );
    assert.match(
      r2.failures[0].reason,
      /v2v-conversion-host-2 \[uuid:4b7e2d9a1c3f4e5a8b6d0c2e4f6a8b0d\]: the 2 largest migrations this run may convert on it at once \(maxInFlight 2\) need 20\.00 GiB/,
    );
  });

  it("six migrations through a pool of two, 2 at once per host: both hosts busy, neither over 2, each records where it ran", async () => {
    const { provider } = await v2vHarness(sim);
    const results = await Promise.all(sources.map((_, i) => provider.create(migration(i))));
    const byHost = maxConcurrencyByHost(sim.longJobTimeline());
    assert.strictEqual(byHost[U.convHost]?.max, 2, JSON.stringify(byHost));
    assert.strictEqual(byHost[HOST2]?.max, 2, JSON.stringify(byHost));
    for (const r of results) {
      assert.strictEqual(r.outs.state, "Succeeded");
      const job = sim.world.get("longJobs", r.id)!;
      const host = JSON.parse(String(job.jobData)).conversionHostUuid;
      assert.ok([U.convHost, HOST2].includes(host), host);
      assert.strictEqual(r.outs.convertedOnHostUuid, host);
    }
    assert.strictEqual(new Set(results.map((r) => r.outs.convertedOnHostUuid)).size, 2);
  });

  it("a changed pool (or a pool instead of the host) of a Succeeded migration changes nothing: it never migrates again", async () => {
    const { provider } = await v2vHarness(sim);
    const { id, outs } = await provider.create(migration(0));
    for (const change of [
      { conversionHostUuids: [HOST2] },
      { conversionHostUuids: [U.convHost, HOST2, U.convHostDisabled] },
    ]) {
      const d = await provider.diff(id, outs as never, { ...migration(0), ...change });
      assert.deepStrictEqual(d, { changes: false, replaces: [] }, JSON.stringify(change));
    }
    const single = await provider.create(
      migration(1, { conversionHostUuids: undefined, conversionHostUuid: U.convHost }),
    );
    const d = await provider.diff(single.id, single.outs as never, migration(1) as never);
    assert.deepStrictEqual(d, { changes: false, replaces: [] });
  });
});
