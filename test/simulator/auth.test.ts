import assert from "node:assert/strict";
import { accessKeySignature, formatAkDate, SEED_CREDENTIALS as C, SEED_UUIDS as U } from "../../simulator";
import { expectError, Harness, MINUTE, SHA512_PASSWORD, v2vParams } from "./helpers";

const ID_MSG = "org.zstack.header.identity";

describe("simulator authentication", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.start();
  });
  afterEach(() => h.stop());

  describe("session login", () => {
    it("logs in with the SHA-512 hex of the password and returns a SessionInventory", async () => {
      const r = await h.call("PUT", "/v1/accounts/login", {
        body: { logInByAccount: { accountName: "admin", password: SHA512_PASSWORD } },
      });
      assert.equal(r.status, 200);
      const inv = r.json().inventory;
      assert.match(inv.uuid, /^[0-9a-f]{32}$/);
      assert.equal(inv.accountUuid, U.adminAccount);
      assert.equal(inv.userUuid, U.adminAccount);
      assert.equal(inv.noSessionEvaluation, false);
      assert.equal(Date.parse(inv.expiredDate) - Date.parse(inv.createDate), 7200 * 1000);
    });

    it("rejects a wrong password (or a plaintext one) with 503 ID.1000", async () => {
      for (const password of ["password", "0".repeat(128)]) {
        const r = await h.call("PUT", "/v1/accounts/login", {
          body: { logInByAccount: { accountName: "admin", password } },
        });
        expectError(r, 503, "ID.1000", "wrong account name or password");
        assert.equal(r.json().error.description, "Unable to authenticate a user");
      }
      const user = await h.call("PUT", "/v1/accounts/users/login", {
        body: { logInByUser: { accountName: "admin", userName: "bob", password: SHA512_PASSWORD } },
      });
      expectError(user, 503, "ID.1000", "wrong account or username or password");
    });

    it("validates mandatory login fields with SYS.1007", async () => {
      const r = await h.call("PUT", "/v1/accounts/login", { body: { logInByAccount: { password: SHA512_PASSWORD } } });
      expectError(
        r,
        503,
        "SYS.1007",
        `field[accountName] of message[${ID_MSG}.APILogInByAccountMsg] is mandatory, can not be null`,
      );
    });

    it("validates, renews and logs out sessions", async () => {
      const sid = await h.login();
      assert.deepEqual((await h.call("GET", `/v1/accounts/sessions/${sid}/valid`)).json(), { valid: true });
      h.sim.advance(60 * MINUTE);
      const renew = await h.async("PUT", `/v1/accounts/sessions/${sid}/renew`, { renewSession: { duration: 600 } });
      assert.equal(renew.status, 200);
      const inv = renew.json().inventory;
      assert.equal(Date.parse(inv.expiredDate), Math.floor(h.sim.now() / 1000) * 1000 + 600_000);
      const badRenew = await h.async("PUT", `/v1/accounts/sessions/${sid}/renew`, { renewSession: { duration: 10 } });
      expectError(badRenew, 503, "SYS.1007", "field[duration] must be in range of [60, 31536000]");
      const out = await h.call("DELETE", `/v1/accounts/sessions/${sid}`);
      assert.equal(out.status, 200);
      assert.equal(out.text, "{}");
      assert.deepEqual((await h.call("GET", `/v1/accounts/sessions/${sid}/valid`)).json(), { valid: false });
    });

    it("expires sessions after the configured timeout", async () => {
      const short = await Harness.start({ sessionTimeoutSeconds: 60 });
      try {
        const sid = await short.login();
        short.sim.advance(60_000);
        assert.equal((await short.get("/v1/zones")).status, 200);
        short.sim.advance(1);
        expectError(await short.get("/v1/zones"), 503, "ID.1001", "Session expired");
        assert.deepEqual((await short.call("GET", `/v1/accounts/sessions/${sid}/valid`)).json(), { valid: false });
      } finally {
        await short.stop();
      }
    });

    it("caps concurrent sessions at 500 per account (ID.1006)", async () => {
      for (let i = 0; i < 500; i++) await h.login();
      const r = await h.call("PUT", "/v1/accounts/login", {
        body: { logInByAccount: { accountName: "admin", password: SHA512_PASSWORD } },
      });
      expectError(r, 503, "ID.1006", "Login sessions hit limit of max allowed concurrent login sessions");
      assert.equal(r.json().error.description, "Max number of active sessions exceeded");
    });
  });

  describe("missing or bad credentials", () => {
    it("answers 400 plain text without an Authorization header, sync and async alike", async () => {
      for (const [m, p] of [
        ["GET", "/v1/zones"],
        ["POST", "/v1/v2vs"],
        ["GET", "/v1/task-progresses/x"],
      ] as const) {
        const r = await h.call(m, p, { body: m === "POST" ? { params: {} } : undefined });
        assert.equal(r.status, 400);
        assert.equal(r.text, "missing header 'Authorization'");
      }
    });

    it("answers 400 for an unknown Authorization scheme", async () => {
      const r = await h.call("GET", "/v1/zones", { headers: { Authorization: "Bearer abc" } });
      assert.equal(r.status, 400);
      assert.equal(r.text, "Authorization type must be 'OAuth'");
    });

    it("fails a sync API with 503 ID.1001 for an unknown session", async () => {
      const r = await h.call("GET", "/v1/zones", {
        headers: { Authorization: "OAuth 0123456789abcdef0123456789abcdef" },
      });
      expectError(r, 503, "ID.1001", "Session expired");
      assert.equal(
        r.json().error.description,
        "The session is invalid, either wrong session id or the session has been expired",
      );
      const empty = await h.call("GET", "/v1/zones", { headers: { Authorization: "OAuth" } });
      expectError(empty, 503, "ID.1001", "session uuid is null");
    });

    it("accepts an async API with a bad session (202) and fails it on the poll (503 ID.1001)", async () => {
      h.session = "0123456789abcdef0123456789abcdef";
      const { jobPath } = await h.submit("POST", "/v1/v2vs", { params: {} });
      expectError(await h.call("GET", jobPath), 503, "ID.1001", "Session expired");
    });

    it("expires every session at once through the fault knob", async () => {
      await h.login();
      h.sim.faults.expireAllSessions();
      expectError(await h.get("/v1/zones"), 503, "ID.1001", "Session expired");
    });

    it("reports an invalid session as a newer node does (ORG_ZSTACK_IDENTITY_10020) when the fault asks", async () => {
      h.sim.faults.setSessionErrorCode("ORG_ZSTACK_IDENTITY_10020");
      await h.login();
      h.sim.faults.expireAllSessions();
      // sync, async (on the poll), and RenewSession of the expired session all answer in the newer form
      const sync = await h.get("/v1/zones");
      expectError(sync, 503, "ORG_ZSTACK_IDENTITY_10020", "Session expired");
      assert.equal(
        sync.json().error.description,
        "The session is invalid, either wrong session id or the session has been expired",
      );
      const { jobPath } = await h.submit("POST", "/v1/v2vs", { params: {} });
      expectError(await h.call("GET", jobPath), 503, "ORG_ZSTACK_IDENTITY_10020", "Session expired");
      const stale = h.session;
      await h.login();
      const renew = await h.async("PUT", `/v1/accounts/sessions/${stale}/renew`, { renewSession: {} });
      expectError(renew, 503, "ORG_ZSTACK_IDENTITY_10020", "Session expired");
      // clear() goes back to ID.1001
      h.sim.faults.clear();
      h.session = stale;
      expectError(await h.get("/v1/zones"), 503, "ID.1001", "Session expired");
      assert.throws(
        () => h.sim.faults.setSessionErrorCode("ID.9999" as "ID.1001"),
        /must be one of ID.1001, ORG_ZSTACK/,
      );
    });
  });

  describe("access keys", () => {
    it("reproduces the access-key test vector of docs/zstack-wire.md §4.3", () => {
      assert.equal(
        accessKeySignature(C.accessKeySecret, "GET", "Fri, 06 Aug 2021 17:58:34 PRC", "/v1/vm-instances"),
        "hPToRHeHdV49D4u20G8OlE0yJho=",
      );
    });

    it("authenticates that test vector's exact request when the simulated clock reads its local time", async () => {
      const at = new Date(2021, 7, 6, 17, 58, 34).getTime();
      const vec = await Harness.start({ startTime: at });
      try {
        const r = await vec.call("GET", "/v1/vm-instances", {
          headers: {
            Date: "Fri, 06 Aug 2021 17:58:34 PRC",
            Authorization: `ZStack ${C.accessKeyId}:hPToRHeHdV49D4u20G8OlE0yJho=`,
          },
        });
        assert.equal(r.status, 200, r.text);
        assert.ok(r.json().inventories.length > 0);
      } finally {
        await vec.stop();
      }
    });

    function signed(
      method: string,
      uri: string,
      date = formatAkDate(h.sim.now(), "CST"),
      secret: string = C.accessKeySecret,
      id: string = C.accessKeyId,
    ) {
      return { Date: date, Authorization: `ZStack ${id}:${accessKeySignature(secret, method, date, uri)}` };
    }

    it("signs the decoded path without the context or query string, for sync and async APIs", async () => {
      const q = await h.call("GET", "/v1/zones?q=name=ZONE-1", { headers: signed("GET", "/v1/zones") });
      assert.equal(q.status, 200, q.text);
      const submit = await h.call("POST", "/v1/ovf/ova-packages", {
        body: { params: { vmUuid: U.vmStopped, backupStorageUuid: U.bsImageStore } },
        headers: signed("POST", "/v1/ovf/ova-packages"),
      });
      assert.equal(submit.status, 202);
      const pkgs = await h.call("GET", "/v1/image-packages", { headers: signed("GET", "/v1/image-packages") });
      assert.equal(pkgs.json().inventories[0].state, "Exporting");
    });

    it("gives the access-key session noSessionEvaluation and the key's uuid in jobData", async () => {
      const uri = "/v1/v2vs";
      const r = await h.call("POST", uri, {
        body: { params: v2vParams({ url: `vmware://${U.vmwareWeb02}`, name: "ak" }) },
        headers: signed("POST", uri),
      });
      const job = await h.call("GET", r.json().location.replace(/^http:\/\/[^/]+\/zstack/, ""));
      assert.equal(JSON.parse(job.json().inventory.jobData).session.uuid, U.accessKey);
    });

    it("answers the plain-text 400/403 errors of docs/zstack-wire.md §4.3", async () => {
      const uri = "/v1/zones";
      const auth = { Authorization: `ZStack ${C.accessKeyId}:abc` };
      const cases: Array<[Record<string, string>, number, string]> = [
        [auth, 400, "'Date' must be incuded in request header"],
        [
          { ...auth, Date: "2021-08-06T17:58:34Z" },
          400,
          "'Date' format error, correct format is 'EEE, dd MMM yyyy HH:mm:ss z'",
        ],
        [
          { ...auth, Date: formatAkDate(h.sim.now(), "+0800") },
          400,
          "'Date' format error, correct format is 'EEE, dd MMM yyyy HH:mm:ss z'",
        ],
        [{ ...auth, Date: "Fri, 06 Aug 2021 17:58:34 GMT" }, 403, "requestTimeTooSkewed"],
        [
          { Date: formatAkDate(h.sim.now()), Authorization: `ZStack ${C.accessKeyId}` },
          400,
          "accessKey format is 'ZStack AccessKeyId:Signature'",
        ],
        [
          { Date: formatAkDate(h.sim.now()), Authorization: "ZStack a:b:c" },
          400,
          "accessKey format is 'ZStack AccessKeyId:Signature'",
        ],
        [{ Date: formatAkDate(h.sim.now()), Authorization: "ZStack :sig" }, 400, "Invalid authKey format"],
        [
          signed("GET", uri, undefined, C.accessKeySecret, "NoSuchKey123"),
          403,
          "access key id: NoSuchKey123 does not existed or disabled",
        ],
        [signed("GET", uri, undefined, "wrong-secret-0123456789"), 403, "wrong accessKey signature"],
        [signed("GET", "/v1/clusters"), 403, "wrong accessKey signature"],
      ];
      for (const [headers, status, text] of cases) {
        const r = await h.call("GET", uri, { headers });
        assert.equal(r.status, status, `${JSON.stringify(headers)} -> ${r.text}`);
        assert.equal(r.text, text);
      }
    });

    it("accepts the zone tokens java accepts and a lower-case date, within ±15 min", async () => {
      const uri = "/v1/zones";
      for (const zone of ["GMT", "UTC", "PRC", "CST", "Asia/Shanghai", "GMT+08:00"]) {
        const r = await h.call("GET", uri, { headers: signed("GET", uri, formatAkDate(h.sim.now(), zone)) });
        assert.equal(r.status, 200, `${zone}: ${r.text}`);
      }
      const lower = formatAkDate(h.sim.now(), "gmt").toLowerCase();
      assert.equal((await h.call("GET", uri, { headers: signed("GET", uri, lower) })).status, 200);
      const skewed = formatAkDate(h.sim.now() - 14 * MINUTE);
      assert.equal((await h.call("GET", uri, { headers: signed("GET", uri, skewed) })).status, 200);
    });

    it("accepts a Date exactly ±15 min from the simulated clock and refuses one second more", async () => {
      // years away from the real clock, so the real-wall-clock fallback (assumptions.ts) cannot apply
      const start = new Date(2012, 2, 14, 9, 30, 0).getTime();
      assert.ok(Math.abs(Date.now() - start) > 365 * 24 * 60 * MINUTE);
      const old = await Harness.start({ startTime: start });
      try {
        const uri = "/v1/zones";
        const at = (offsetMs: number) => {
          const date = formatAkDate(start + offsetMs, "CST");
          return {
            Date: date,
            Authorization: `ZStack ${C.accessKeyId}:${accessKeySignature(C.accessKeySecret, "GET", date, uri)}`,
          };
        };
        for (const offset of [0, 15 * MINUTE, -15 * MINUTE]) {
          const r = await old.call("GET", uri, { headers: at(offset) });
          assert.equal(r.status, 200, `${offset / MINUTE} min: ${r.text}`);
        }
        for (const offset of [15 * MINUTE + 1000, -15 * MINUTE - 1000]) {
          const r = await old.call("GET", uri, { headers: at(offset) });
          assert.equal(r.status, 403, `${offset} ms: ${r.text}`);
          assert.equal(r.text, "requestTimeTooSkewed");
        }
        // the window follows the simulated clock
        old.sim.advance(20 * MINUTE);
        assert.equal((await old.call("GET", uri, { headers: at(5 * MINUTE) })).status, 200);
        assert.equal((await old.call("GET", uri, { headers: at(5 * MINUTE - 1000) })).status, 403);
      } finally {
        await old.stop();
      }
    });

    it("enforces CreateAccessKey's lengths: AccessKeyID 10-20, AccessKeySecret 10-40 characters", async () => {
      await h.login();
      const MSG = "org.zstack.accessKey.APICreateAccessKeyMsg";
      const create = (extra: Record<string, unknown>) =>
        h.async("POST", "/v1/accesskeys", {
          params: { accountUuid: U.adminAccount, userUuid: U.adminAccount, ...extra },
        });
      const tooShort = (field: string, min: number, actual: number) =>
        `field[${field}] of message[${MSG}] less than the min length of string. expected was >= ${min}, actual was ${actual}`;
      const tooLong = (field: string, max: number, actual: number) =>
        `field[${field}] of message[${MSG}] exceeds max length of string. expected was <= ${max}, actual was ${actual}`;
      const refused: Array<[Record<string, unknown>, string]> = [
        [{ AccessKeyID: "123456789" }, tooShort("AccessKeyID", 10, 9)],
        [{ AccessKeyID: "1".repeat(21) }, tooLong("AccessKeyID", 20, 21)],
        [{ AccessKeySecret: "s".repeat(9) }, tooShort("AccessKeySecret", 10, 9)],
        [{ AccessKeySecret: "s".repeat(41) }, tooLong("AccessKeySecret", 40, 41)],
      ];
      for (const [params, details] of refused) expectError(await create(params), 503, "SYS.1007", details);
      const shortest = await create({ AccessKeyID: "A".repeat(10), AccessKeySecret: "s".repeat(10) });
      assert.equal(shortest.status, 200, shortest.text);
      const longest = await create({ AccessKeyID: "B".repeat(20), AccessKeySecret: "s".repeat(40) });
      assert.equal(longest.status, 200, longest.text);
      const generated = (await create({})).json().inventory;
      assert.match(generated.AccessKeyID, /^[A-Za-z0-9]{20}$/);
      assert.match(generated.AccessKeySecret, /^[A-Za-z0-9]{40}$/);
    });

    it("rejects a disabled key and creates new keys through CreateAccessKey", async () => {
      await h.login();
      const created = await h.async("POST", "/v1/accesskeys", {
        params: {
          accountUuid: U.adminAccount,
          userUuid: U.adminAccount,
          AccessKeyID: "NewKeyId0001",
          AccessKeySecret: "NewSecret-0123456789",
        },
      });
      assert.equal(created.status, 200, created.text);
      const inv = created.json().inventory;
      assert.equal(inv.AccessKeyID, "NewKeyId0001");
      assert.equal(inv.state, "Enabled");
      const uri = "/v1/hosts";
      assert.equal(
        (await h.call("GET", uri, { headers: signed("GET", uri, undefined, "NewSecret-0123456789", "NewKeyId0001") }))
          .status,
        200,
      );
      h.sim.world.update("accessKeys", inv.uuid, { state: "Disabled" });
      const r = await h.call("GET", uri, {
        headers: signed("GET", uri, undefined, "NewSecret-0123456789", "NewKeyId0001"),
      });
      assert.equal(r.status, 403);
      assert.equal(r.text, "access key id: NewKeyId0001 does not existed or disabled");
      const keys = await h.query("/v1/accesskeys?q=AccessKeyID=NewKeyId0001");
      assert.equal(keys.length, 1);
      const dup = await h.async("POST", "/v1/accesskeys", {
        params: { accountUuid: U.adminAccount, userUuid: U.adminAccount, AccessKeyID: "NewKeyId0001" },
      });
      expectError(dup, 503, "SYS.1007", "AccessKeyID[NewKeyId0001] already exists");
      const deleted = await h.async("DELETE", `/v1/accesskeys/${inv.uuid}`);
      assert.equal(deleted.status, 200);
      assert.deepEqual(await h.query(`/v1/accesskeys/${inv.uuid}`), []);
    });
  });
});
