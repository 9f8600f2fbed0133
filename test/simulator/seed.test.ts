import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { SEED_UUIDS as U } from "../../simulator";
import { Harness } from "./helpers";

const seed = {
  tables: {
    zones: [
      {
        uuid: "aa11aa11aa114aa1aa11aa11aa11aa11",
        name: "edge-zone",
        state: "Enabled",
        createDate: "May 10, 2022 5:24:03 AM",
      },
    ],
    vms: [
      {
        uuid: "bb22bb22bb224bb2bb22bb22bb22bb22",
        name: "esx-only",
        hypervisorType: "ESX",
        state: "Running",
        cpuNum: 1,
        memorySize: 1024 ** 3,
        allVolumes: [{ uuid: "cc33cc33cc334cc3cc33cc33cc33cc33", size: 10 * 1024 ** 3, deviceId: 0, type: "Root" }],
        createDate: 1652160243000,
      },
    ],
  },
};

describe("simulator seeds", () => {
  it("replaces the default world with a seed object, keeping the admin account", async () => {
    const h = await Harness.start({ seed });
    try {
      await h.login();
      const zones = await h.query("/v1/zones");
      assert.deepEqual(
        zones.map((z) => z.name),
        ["edge-zone"],
      );
      assert.match(zones[0].createDate, /^May 10, 2022 \d{1,2}:24:03 (AM|PM)$/);
      assert.deepEqual(
        (await h.query("/v1/vm-instances")).map((v) => v.name),
        ["esx-only"],
      );
      assert.deepEqual(await h.query("/v1/backup-storage"), []);
      assert.deepEqual(await h.query(`/v1/hosts/${U.host1}`), []);
    } finally {
      await h.stop();
    }
  });

  it("loads a seed file, and resetWorld() goes back to it", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "zstack-sim-seed-")), "seed.json");
    fs.writeFileSync(file, JSON.stringify(seed));
    const h = await Harness.start({ seed: file });
    try {
      await h.login();
      h.sim.world.delete("zones", "aa11aa11aa114aa1aa11aa11aa11aa11");
      assert.deepEqual(await h.query("/v1/zones"), []);
      h.sim.resetWorld();
      await h.login();
      assert.equal((await h.query("/v1/zones")).length, 1);
    } finally {
      await h.stop();
    }
  });

  it("rejects a seed without tables", async () => {
    await assert.rejects(Harness.start({ seed: { zones: [] } }), /needs a "tables" object/);
  });
});
