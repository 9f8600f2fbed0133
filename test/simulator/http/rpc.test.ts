// The RPC API (`POST /zstack/api`, simulator/http/rpc.ts) over real HTTP, beside the REST API: the
// same handlers, sessions, validation, faults and api-job store, answered as RESTApiController does.
import assert from "node:assert/strict";
import { SEED_CREDENTIALS as C, SEED_UUIDS as U } from "../../../simulator";
import { Harness, HOUR, SHA512_PASSWORD, v2vParams, type RawResponse } from "../helpers";

const ID = "org.zstack.header.identity";
const V2V = "org.zstack.v2v.APIConvertVmFromForeignHypervisorMsg";
const JAVA_DATE = /^[A-Z][a-z]{2} \d{1,2}, \d{4},? \d{1,2}:\d{2}:\d{2}\s[AP]M$/;

describe("simulator RPC API (/zstack/api)", () => {
  let h: Harness;
  beforeEach(async () => (h = await Harness.start()));
  afterEach(() => h.stop());

  /** POSTs one message to /zstack/api/ with the session inside it. */
  const send = (msgClass: string, fields: Record<string, unknown>, session: string | null = h.session) =>
    h.call("POST", "/api/", {
      body: { [msgClass]: session === null ? fields : { ...fields, session: { uuid: session } } },
    });
  /** The reply or event inside a Done answer: [class, body]. */
  const reply = (r: RawResponse): [string, any] => {
    assert.equal(r.status, 200, r.text);
    const answer = r.json();
    assert.equal(answer.state, "Done", r.text);
    return Object.entries(JSON.parse(answer.result))[0] as [string, any];
  };
  const login = async () => {
    const [cls, body] = reply(
      await send(`${ID}.APILogInByAccountMsg`, { accountName: C.accountName, password: SHA512_PASSWORD }, null),
    );
    assert.equal(cls, `${ID}.APILogInReply`);
    h.session = body.inventory.uuid;
    return body;
  };
  const result = (uuid: string, method = "GET") => h.call(method, `/api/result/${uuid}`);
  const query = async (msgClass: string, fields: Record<string, unknown>) => reply(await send(msgClass, fields))[1];

  it("logs in with the SHA-512 password; a sync reply is Done at once, without a uuid", async () => {
    const r = await h.call("PUT", "/api", {
      body: { [`${ID}.APILogInByAccountMsg`]: { accountName: C.accountName, password: SHA512_PASSWORD } },
    });
    const answer = r.json();
    assert.deepEqual(Object.keys(answer).sort(), ["createdDate", "finishedDate", "result", "state"]);
    assert.match(answer.createdDate, JAVA_DATE);
    const [cls, body] = reply(r);
    assert.equal(cls, `${ID}.APILogInReply`);
    assert.equal(body.success, true);
    assert.equal(body.inventory.accountUuid, U.adminAccount);
    assert.ok(h.sim.world.get("sessions", body.inventory.uuid), "a session of the REST API's kind");
    const [, wrong] = reply(await send(`${ID}.APILogInByAccountMsg`, { accountName: "admin", password: "x" }, null));
    assert.equal(wrong.success, false);
    assert.equal(wrong.error.code, "ID.1000");
  });

  it("queries with conditions, ZStack's operators, sort, fields, count, limit and start", async () => {
    await login();
    const VM = "org.zstack.header.vm.APIQueryVmInstanceMsg";
    const esx = await query(VM, { conditions: [{ name: "hypervisorType", op: "=", value: "ESX" }] });
    assert.ok(esx.inventories.length > 1 && esx.inventories.every((v: any) => v.hypervisorType === "ESX"));
    const [cls] = reply(await send(VM, { conditions: [] }));
    assert.equal(cls, "org.zstack.header.vm.APIQueryVmInstanceReply");
    const web = await query(VM, {
      conditions: [
        { name: "name", op: "like", value: "vmware-web-%" },
        { name: "state", op: "in", value: "Running,Stopped" },
        { name: "description", op: "is not null" },
      ],
      sortBy: "name",
      sortDirection: "desc",
      fields: ["uuid", "name"],
      replyWithCount: true,
      limit: 1,
      start: 0,
    });
    assert.equal(web.total, 2);
    assert.deepEqual(web.inventories, [{ uuid: U.vmwareWeb02, name: "vmware-web-02" }]);
    const counted = await query(VM, { conditions: [{ name: "allVolumes.size", op: ">", value: "0" }], count: "true" });
    assert.equal(counted.inventories, undefined);
    assert.ok(counted.total > 0);
    const none = await query("org.zstack.header.zone.APIQueryZoneMsg", {
      conditions: [{ name: "name", op: "not in", value: "ZONE-1" }],
    });
    assert.deepEqual(none.inventories, []);
    // the query facade's errors come back in the reply
    const missing = await query(VM, {});
    assert.equal(missing.error.code, "SYS.1007");
    assert.equal(missing.error.details, `field[conditions] of message[${VM}] is mandatory, can not be null`);
    const badOp = await query(VM, { conditions: [{ name: "name", op: "~=", value: "x" }] });
    assert.equal(badOp.error.code, "SYS.1000");
    assert.equal(badOp.error.details, "unknown QueryOp type[~=]");
    const badField = await query(VM, { conditions: [{ name: "nope", op: "=", value: "x" }] });
    assert.equal(badField.error.code, "SYS.1007");
    assert.match(
      badField.error.details,
      /no such field on inventory class\[org\.zstack\.header\.vm\.VmInstanceInventory\]/,
    );
  });

  it("answers an async API Processing, then its event on /zstack/api/result/{uuid}, from the REST API's api-job store", async () => {
    await login();
    const r = await send(V2V, { ...v2vParams(), conversionHostUuid: U.convHost, systemTags: ["a::b"] });
    assert.equal(r.status, 200);
    const answer = r.json();
    assert.equal(answer.state, "Processing");
    assert.match(answer.uuid, /^[0-9a-f]{32}$/);
    assert.equal(answer.result, undefined);
    for (const method of ["GET", "PUT"]) {
      const [cls, event] = reply(await result(answer.uuid, method));
      assert.equal(cls, "org.zstack.v2v.APIConvertVmFromForeignHypervisorEvent");
      assert.equal(event.success, true);
      assert.equal(event.inventory.state, "Running");
      assert.equal(event.inventory.apiId, answer.uuid);
    }
    // the same api-job through REST
    const rest = await h.call("GET", `/v1/api-jobs/${answer.uuid}`);
    assert.equal(rest.status, 200);
    assert.equal(rest.json().inventory.uuid, h.sim.world.list("longJobs")[0].uuid);
    // tags come from inside the message: the converted VM carries them
    h.sim.advance(HOUR);
    const [job] = h.sim.world.list("longJobs");
    assert.equal(job.state, "Succeeded");
    assert.deepEqual(h.sim.world.tags.get(String(job.targetResourceUuid))?.system, ["a::b"]);
  });

  it("keeps an export Processing until it ends, under the message's own id", async () => {
    await login();
    const id = "0123456789abcdef0123456789abcdef";
    const r = await send("org.zstack.ovf.api.APIExportVmOvaPackageMsg", {
      vmUuid: U.vmStopped,
      backupStorageUuid: U.bsImageStore,
      id,
    });
    assert.equal(r.json().uuid, id);
    const pending = (await result(id)).json();
    assert.equal(pending.state, "Processing");
    assert.match(pending.finishedDate, JAVA_DATE);
    h.sim.advance(HOUR);
    const [cls, event] = reply(await result(id));
    assert.equal(cls, "org.zstack.ovf.api.APIExportVmOvaPackageEvent");
    assert.equal(event.inventory.state, "Exported");
    // an id that an api result already has is refused
    const again = await send("org.zstack.ovf.api.APIExportVmOvaPackageMsg", { vmUuid: U.vmStopped2, id });
    assert.equal(again.status, 500);
  });

  it("reports validation errors with ZStack's codes and the message class", async () => {
    await login();
    const r = await send(V2V, { ...v2vParams(), name: undefined });
    const [, event] = reply(await result(r.json().uuid));
    assert.equal(event.success, false);
    assert.equal(event.error.code, "SYS.1007");
    assert.equal(event.error.details, `field[name] of message[${V2V}] is mandatory, can not be null`);
  });

  for (const code of ["ID.1001", "ORG_ZSTACK_IDENTITY_10020"] as const) {
    it(`fails a message with an expired session (${code}), sync at once and async on the result`, async () => {
      h.sim.faults.setSessionErrorCode(code);
      await login();
      h.sim.faults.expireAllSessions();
      const [, sync] = reply(await send("org.zstack.header.zone.APIQueryZoneMsg", { conditions: [] }));
      assert.equal(sync.success, false);
      assert.equal(sync.error.code, code);
      assert.equal(sync.error.details, "Session expired");
      const r = await send(V2V, v2vParams());
      assert.equal(r.json().state, "Processing");
      const [, event] = reply(await result(r.json().uuid));
      assert.equal(event.error.code, code);
      assert.equal(h.sim.world.list("longJobs").length, 0);
      const [, noSession] = reply(await send("org.zstack.header.zone.APIQueryZoneMsg", { conditions: [] }, null));
      assert.equal(noSession.error.details, "session uuid is null");
    });
  }

  it("answers what it cannot decode as RESTApiController does", async () => {
    await login();
    const unknown = await send("org.zstack.header.image.APIQueryImageMsg", { conditions: [] });
    assert.equal(unknown.status, 200);
    assert.equal(unknown.text, "Unable to deserialize class org.zstack.header.image.APIQueryImageMsg");
    const bad = await h.call("POST", "/api", { rawBody: "{not json" });
    assert.equal(bad.status, 200);
    assert.match(bad.text, /MalformedJsonException/);
    const count = await send("org.zstack.header.zone.APIQueryZoneMsg", { conditions: [], count: 1 });
    assert.equal(count.status, 200);
    assert.match(
      count.text,
      /Expected a boolean but was NUMBER at path \$\.org\.zstack\.header\.zone\.APIQueryZoneMsg\.count/,
    );
    const cpu = await send(V2V, v2vParams({ cpuNum: "two" }));
    assert.match(cpu.text, /Expected an int but was two/);
    assert.equal((await h.call("POST", "/api", { rawBody: "" })).status, 500);
    const get = await h.call("GET", "/api");
    assert.equal(get.status, 405);
    assert.equal(get.headers.allow, "POST, PUT");
    const post = await h.call("POST", "/api/result/0123456789abcdef0123456789abcdef");
    assert.equal(post.status, 405);
    assert.equal(post.headers.allow, "GET, PUT");
    const gone = await result("0123456789abcdef0123456789abcdef");
    assert.equal(gone.status, 404);
    assert.equal(gone.text, "No api result[uuid:0123456789abcdef0123456789abcdef] found");
  });

  it("counts its routes and takes the REST API's faults", async () => {
    await login();
    h.sim.stats.reset();
    await send("org.zstack.header.zone.APIQueryZoneMsg", { conditions: [] });
    await result("0123456789abcdef0123456789abcdef");
    assert.deepEqual(h.sim.stats.byRoute, { "POST /api": 1, "GET /api/result/{uuid}": 1 });
    h.sim.faults.setProxyErrorRate(1);
    const proxied = await send("org.zstack.header.zone.APIQueryZoneMsg", { conditions: [] });
    assert.ok([502, 503, 504].includes(proxied.status));
  });
});
