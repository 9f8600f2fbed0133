import assert from "node:assert/strict";
import { SEED_UUIDS as U } from "../../simulator";
import { expectError, Harness, v2vParams } from "./helpers";

describe("simulator query APIs", () => {
  let h: Harness;
  before(async () => {
    h = await Harness.start();
    await h.login();
  });
  after(() => h.stop());

  const names = async (path: string) => (await h.query(path)).map((x) => x.name);

  it("answers GET /v1/<resources>/{uuid} with inventories, even when nothing matches", async () => {
    const one = await h.get(`/v1/zones/${U.zone}`);
    assert.deepEqual(Object.keys(one.json()), ["inventories"]);
    assert.equal(one.json().inventories[0].uuid, U.zone);
    const none = await h.get("/v1/zones/00000000000000000000000000000000");
    assert.equal(none.status, 200);
    assert.deepEqual(none.json(), { inventories: [] });
  });

  it("applies the other query parameters on the uuid form: it is the query with uuid=<uuid> added (docs/zstack-wire.md §3.7)", async () => {
    const path = `/v1/vm-instances/${U.vmStopped}`;
    assert.deepEqual((await h.get(`${path}?fields=uuid,name`)).json(), {
      inventories: [{ uuid: U.vmStopped, name: "legacy-db-1" }],
    });
    assert.deepEqual((await h.get(`${path}?fields=state`)).json(), { inventories: [{ state: "Stopped" }] });
    assert.deepEqual((await h.get(`${path}?count=true`)).json(), { total: 1 });
    assert.deepEqual((await h.get("/v1/vm-instances/00000000000000000000000000000000?count=true")).json(), {
      total: 0,
    });
    const withCount = (await h.get(`${path}?replyWithCount=true`)).json();
    assert.equal(withCount.total, 1);
    assert.equal(withCount.inventories[0].uuid, U.vmStopped);
    // conditions are ANDed with the uuid
    assert.deepEqual((await h.get(`${path}?q=state=Running`)).json(), { inventories: [] });
    assert.equal((await h.query(`${path}?q=state=Stopped`)).length, 1);
    assert.deepEqual((await h.get(`${path}?q=uuid=${U.vmRunning}`)).json(), { inventories: [] });
    assert.deepEqual((await h.get(`${path}?start=1`)).json(), { inventories: [] });
    assert.deepEqual((await h.get(`${path}?limit=0`)).json(), { inventories: [] });
    // and parse errors and unknown fields are reported as on the collection path
    const bad = await h.get(`/v1/zones/${U.zone}?q=name=nope&limit=x`);
    assert.equal(bad.status, 400);
    assert.equal(bad.text, "Invalid query parameter. 'limit' must be an integer");
    expectError(
      await h.get(`/v1/zones/${U.zone}?q=noSuchField=1`),
      503,
      "SYS.1007",
      "condition name[noSuchField] is invalid, no such field on inventory class[org.zstack.header.zone.ZoneInventory]",
    );
  });

  it("serves every seeded resource type", async () => {
    const expect: Array<[string, string]> = [
      ["/v1/zones", U.zone],
      ["/v1/clusters", U.cluster],
      ["/v1/hosts", U.host2],
      ["/v1/primary-storage", U.primaryStorage],
      ["/v1/backup-storage", U.bsSftp],
      ["/v1/l3-networks", U.l3Public],
      ["/v1/v2v-conversion-hosts", U.convHostDisabled],
      ["/v1/vm-instances", U.vmwareApp02],
      ["/v1/accesskeys", U.accessKey],
    ];
    for (const [path, uuid] of expect) {
      const all = await h.query(path);
      assert.ok(
        all.some((x) => x.uuid === uuid),
        path,
      );
      assert.equal((await h.query(`${path}/${uuid}`)).length, 1, `${path}/{uuid}`);
    }
    const [bs] = await h.query(`/v1/backup-storage/${U.bsImageStore}`);
    assert.equal(bs.type, "ImageStoreBackupStorage");
    const [disabled] = await h.query(`/v1/v2v-conversion-hosts/${U.convHostDisabled}`);
    assert.equal(disabled.state, "Disabled");
  });

  it("supports every operator", async () => {
    assert.deepEqual(await names("/v1/vm-instances?q=name=legacy-db-1"), ["legacy-db-1"]);
    assert.equal((await names("/v1/vm-instances?q=hypervisorType!=ESX")).length, 4);
    assert.deepEqual(await names("/v1/vm-instances?q=cpuNum>=8"), ["vmware-db-01"]);
    assert.deepEqual((await names("/v1/vm-instances?q=cpuNum<=2&q=hypervisorType=KVM")).sort(), [
      "legacy-app-1",
      "legacy-web-1",
    ]);
    assert.deepEqual(await names("/v1/vm-instances?q=cpuNum>4"), ["vmware-db-01"]);
    assert.equal((await names("/v1/vm-instances?q=cpuNum<4")).length, 4);
    assert.deepEqual((await names(`/v1/vm-instances?q=uuid?=${U.vmStopped},${U.vmRunning}`)).sort(), [
      "app-server-1",
      "legacy-db-1",
    ]);
    assert.equal((await names(`/v1/vm-instances?q=uuid!?=${U.vmStopped},${U.vmRunning}`)).length, 7);
    assert.deepEqual(await names("/v1/vm-instances?q=name~=vmware-web%25&q=name!~=%25-02"), ["vmware-web-01"]);
    assert.deepEqual(await names("/v1/vm-instances?q=name~=legacy-___-1"), ["legacy-web-1", "legacy-app-1"]);
    assert.equal((await names("/v1/vm-instances?q=hostUuid is null")).length, 8);
    assert.deepEqual(await names("/v1/vm-instances?q=hostUuid not null"), ["app-server-1"]);
    assert.deepEqual(await names("/v1/l3-networks?q=system=false&q=category=Public"), ["L3-Public"]);
  });

  it("queries through nested lists and expanded joins", async () => {
    const [vm] = await h.query(`/v1/vm-instances/${U.vmStopped}`);
    const ip = vm.vmNics[0].ip;
    assert.deepEqual(await names(`/v1/vm-instances?q=vmNics.ip=${ip}`), ["legacy-db-1"]);
    assert.deepEqual(await names(`/v1/vm-instances?q=allVolumes.type=Data`), ["legacy-db-1", "vmware-db-01"]);
    await h.async("POST", "/v1/ovf/ova-packages", {
      params: { vmUuid: U.vmStopped, backupStorageUuid: U.bsImageStore },
    });
    assert.equal((await h.query("/v1/image-packages?q=vmInstance.name=legacy-db-1")).length, 1);
    assert.equal((await h.query("/v1/image-packages?q=backupStorage.type=SftpBackupStorage")).length, 0);
  });

  it("counts, pages, sorts and projects", async () => {
    assert.deepEqual((await h.get("/v1/vm-instances?count=true&q=hypervisorType=ESX")).json(), { total: 5 });
    const withCount = (await h.get("/v1/vm-instances?replyWithCount=true&limit=2&start=1")).json();
    assert.equal(withCount.total, 9);
    assert.equal(withCount.inventories.length, 2);
    const all = await names("/v1/vm-instances");
    assert.deepEqual(
      withCount.inventories.map((x: { name: string }) => x.name),
      all.slice(1, 3),
    );
    const asc = await names("/v1/vm-instances?sort=%2Bname");
    assert.deepEqual(asc, [...all].sort());
    const desc = await names("/v1/vm-instances?sort=-name");
    assert.deepEqual(desc, [...all].sort().reverse());
    const plusAsSpace = await names("/v1/vm-instances?sort=+memorySize&q=hypervisorType=ESX");
    assert.equal(plusAsSpace[plusAsSpace.length - 1], "vmware-db-01");
    const fields = await h.query("/v1/vm-instances?fields=uuid,state&limit=1");
    assert.deepEqual(Object.keys(fields[0]).sort(), ["state", "uuid"]);
    assert.equal((await h.query("/v1/vm-instances?limit=0")).length, 0);
  });

  it("answers malformed parameters with RestServer's plain-text 400s", async () => {
    const cases: Array<[string, string]> = [
      [
        "/v1/zones?q=name",
        "Invalid query parameter. The 'name' in the parameter[q] doesn't contain any query operator. Valid query operators are [!=, >=, <=, !?=, !~=, ~=, ?=, =, >, <, is null, not null]",
      ],
      ["/v1/zones?q=name=", "Invalid query parameter. The 'name=' in parameter[q] is not a key-value pair split by ="],
      [
        "/v1/zones?q=uuid!?=",
        "Invalid query parameter. The 'uuid!?=' in parameter[q] is not a key-value pair split by not in",
      ],
      ["/v1/zones?limit=ten", "Invalid query parameter. 'limit' must be an integer"],
      ["/v1/zones?start=1.5", "Invalid query parameter. 'start' must be an integer"],
      ["/v1/zones?fields=,", "Invalid query parameter. 'fields' contains zero field"],
    ];
    for (const [path, text] of cases) {
      const r = await h.get(path);
      assert.equal(r.status, 400, path);
      assert.equal(r.text, text);
    }
  });

  it("fails conditions on fields the inventory does not have (SYS.1007)", async () => {
    expectError(
      await h.get("/v1/zones?q=colour=red"),
      503,
      "SYS.1007",
      "condition name[colour] is invalid, no such field on inventory class[org.zstack.header.zone.ZoneInventory]",
    );
  });

  it("matches system tags with __systemTag__", async () => {
    const r = await h.async("POST", "/v1/v2vs", {
      params: v2vParams({ url: `vmware://${U.vmwareApp01}`, name: "tagged", strategy: "JustConvert" }),
      systemTags: ["migrated::from::vmware"],
    });
    assert.equal(r.status, 200);
    h.sim.advance(3600_000);
    assert.deepEqual(await names("/v1/vm-instances?q=__systemTag__=migrated::from::vmware"), ["tagged"]);
    assert.deepEqual(await names("/v1/vm-instances?q=__systemTag__~=migrated::%25"), ["tagged"]);
  });
});
