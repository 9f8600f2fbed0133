// Stack config with fully qualified keys, environment fallbacks, and clear errors.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ZStackConfigError } from "../../../provider/client";
import { readConfig, requireConnection } from "../../../provider/core/config";
import { config } from "../helpers";

describe("provider config", () => {
  it("reads fully qualified zstack:* keys", () => {
    const cfg = readConfig(
      config({
        "zstack:endpoint": "https://mn.example:8443",
        "zstack:accountName": "ops",
        "zstack:password": "pw-123456",
        "zstack:insecure": "true",
        "zstack:timeZone": "Asia/Shanghai",
        "zstack:validateReferences": "false",
      }),
      {},
    );
    assert.strictEqual(cfg.endpoint, "https://mn.example:8443");
    assert.deepStrictEqual(cfg.auth, { kind: "account", accountName: "ops", password: "pw-123456" });
    assert.strictEqual(cfg.insecure, true);
    assert.strictEqual(cfg.timeZone, "Asia/Shanghai");
    assert.strictEqual(cfg.validateReferences, false);
  });

  it("defaults: verify TLS, validate references, local zone", () => {
    const cfg = readConfig(config({ "zstack:endpoint": "http://h:8080", "zstack:sessionId": "s".repeat(32) }), {});
    assert.strictEqual(cfg.insecure, false);
    assert.strictEqual(cfg.validateReferences, true);
    assert.strictEqual(cfg.timeZone, undefined);
    assert.deepStrictEqual(cfg.auth, { kind: "session", sessionId: "s".repeat(32) });
  });

  it("falls back to the environment: ZSTACK_ENDPOINT, ZSTACK_HOST + ZSTACK_PORT, account, access key, session", () => {
    assert.strictEqual(readConfig(undefined, { ZSTACK_ENDPOINT: "http://e:8080" }).endpoint, "http://e:8080");
    assert.strictEqual(
      readConfig(undefined, { ZSTACK_HOST: "10.0.0.5", ZSTACK_PORT: "9090" }).endpoint,
      "http://10.0.0.5:9090",
    );
    assert.strictEqual(readConfig(undefined, { ZSTACK_HOST: "10.0.0.5" }).endpoint, "http://10.0.0.5:8080");
    assert.deepStrictEqual(readConfig(undefined, { ZSTACK_ACCOUNT_NAME: "a", ZSTACK_ACCOUNT_PASSWORD: "p" }).auth, {
      kind: "account",
      accountName: "a",
      password: "p",
    });
    assert.deepStrictEqual(
      readConfig(undefined, { ZSTACK_ACCESS_KEY_ID: "id", ZSTACK_ACCESS_KEY_SECRET: "sec" }).auth,
      {
        kind: "accessKey",
        accessKeyId: "id",
        accessKeySecret: "sec",
      },
    );
    assert.deepStrictEqual(readConfig(undefined, { ZSTACK_SESSION_ID: "sid" }).auth, {
      kind: "session",
      sessionId: "sid",
    });
  });

  it("stack config wins over the environment", () => {
    const cfg = readConfig(
      config({ "zstack:endpoint": "http://cfg:8080", "zstack:accessKeyId": "id", "zstack:accessKeySecret": "s" }),
      {
        ZSTACK_ENDPOINT: "http://env:8080",
        ZSTACK_ACCOUNT_NAME: "a",
        ZSTACK_ACCOUNT_PASSWORD: "p",
      },
    );
    assert.strictEqual(cfg.endpoint, "http://cfg:8080");
    assert.strictEqual(cfg.auth?.kind, "accessKey");
  });

  it("no credentials, or half a set, gives one clear error naming the keys", () => {
    const none = readConfig(config({ "zstack:endpoint": "http://h" }), {});
    const e = (() => {
      try {
        requireConnection(none);
      } catch (err) {
        return err as Error;
      }
      throw new Error("no error");
    })();
    assert.ok(e instanceof ZStackConfigError);
    for (const key of [
      "zstack:accountName",
      "zstack:password",
      "zstack:accessKeyId",
      "zstack:accessKeySecret",
      "zstack:sessionId",
      "ZSTACK_ACCOUNT_NAME",
      "ZSTACK_ACCOUNT_PASSWORD",
      "ZSTACK_ACCESS_KEY_ID",
      "ZSTACK_ACCESS_KEY_SECRET",
      "ZSTACK_SESSION_ID",
    ]) {
      assert.ok(e.message.includes(key), `${key} missing from: ${e.message}`);
    }
    assert.throws(
      () => requireConnection(readConfig(config({ "zstack:endpoint": "http://h", "zstack:accessKeyId": "id" }), {})),
      /zstack:accessKeySecret \(or the environment variable ZSTACK_ACCESS_KEY_SECRET\) is not set/,
    );
    assert.throws(
      () => requireConnection(readConfig(undefined, { ZSTACK_ENDPOINT: "http://h", ZSTACK_ACCOUNT_PASSWORD: "p" })),
      /zstack:accountName \(or the environment variable ZSTACK_ACCOUNT_NAME\) is not set/,
    );
    assert.throws(
      () => requireConnection(readConfig(config({ "zstack:password": "p", "zstack:accountName": "a" }), {})),
      /zstack:endpoint .*ZSTACK_ENDPOINT/,
    );
    assert.throws(() => requireConnection(readConfig(undefined, {})), /ZStack is not configured/);
  });

  it("fills each credential key from the environment when the stack config lacks it (per key, not per set)", () => {
    const env = {
      ZSTACK_ACCOUNT_NAME: "env-acct",
      ZSTACK_ACCOUNT_PASSWORD: "env-pw-123",
      ZSTACK_ACCESS_KEY_SECRET: "env-sk-123",
      ZSTACK_SESSION_ID: "env-sid",
    };
    // the common CI setup: the account name in the stack, the password in a CI secret
    assert.deepStrictEqual(
      readConfig(config({ "zstack:accountName": "ops" }), { ZSTACK_ACCOUNT_PASSWORD: "pw-123456" }).auth,
      {
        kind: "account",
        accountName: "ops",
        password: "pw-123456",
      },
    );
    // the stack config wins key by key; the environment fills the gap
    assert.deepStrictEqual(readConfig(config({ "zstack:password": "cfg-pw" }), env).auth, {
      kind: "account",
      accountName: "env-acct",
      password: "cfg-pw",
    });
    assert.deepStrictEqual(readConfig(config({ "zstack:accessKeyId": "cfg-id" }), env).auth, {
      kind: "accessKey",
      accessKeyId: "cfg-id",
      accessKeySecret: "env-sk-123",
    });
    // a set started in the stack config beats a complete set of higher precedence in the environment
    assert.deepStrictEqual(
      readConfig(config({ "zstack:accountName": "ops", "zstack:password": "p" }), {
        ZSTACK_ACCESS_KEY_ID: "i",
        ZSTACK_ACCESS_KEY_SECRET: "s",
      }).auth,
      {
        kind: "account",
        accountName: "ops",
        password: "p",
      },
    );
    // between sets in one source: access key, then account, then session
    assert.strictEqual(readConfig(undefined, { ...env, ZSTACK_ACCESS_KEY_ID: "i" }).auth?.kind, "accessKey");
    assert.strictEqual(readConfig(undefined, env).auth, undefined);
    assert.match(
      readConfig(undefined, env).authProblem!,
      /zstack:accessKeyId \(or the environment variable ZSTACK_ACCESS_KEY_ID\) is not set/,
    );
    assert.strictEqual(
      readConfig(undefined, { ZSTACK_ACCOUNT_NAME: "a", ZSTACK_ACCOUNT_PASSWORD: "p", ZSTACK_SESSION_ID: "s" }).auth
        ?.kind,
      "account",
    );
    assert.deepStrictEqual(
      readConfig(config({ "zstack:sessionId": "cfg-sid" }), { ZSTACK_ACCOUNT_NAME: "a", ZSTACK_ACCOUNT_PASSWORD: "p" })
        .auth,
      {
        kind: "session",
        sessionId: "cfg-sid",
      },
    );
    // still incomplete after the merge: one clear error naming both the key and the variable
    const e = readConfig(config({ "zstack:accountName": "ops" }), {
      ZSTACK_ACCESS_KEY_ID: "i",
      ZSTACK_ACCESS_KEY_SECRET: "s",
    });
    assert.strictEqual(e.auth, undefined);
    assert.throws(
      () => requireConnection({ ...e, endpoint: "http://h" }),
      /zstack:password \(or the environment variable ZSTACK_ACCOUNT_PASSWORD\) is not set/,
    );
  });

  it("ZSTACK_HOST may carry a scheme, a port or both; ZSTACK_PORT only fills a missing port", () => {
    const ep = (env: Record<string, string>) => readConfig(undefined, env).endpoint;
    assert.strictEqual(ep({ ZSTACK_HOST: "https://mn.example.com:8443" }), "https://mn.example.com:8443");
    assert.strictEqual(
      ep({ ZSTACK_HOST: "https://mn.example.com:8443", ZSTACK_PORT: "9090" }),
      "https://mn.example.com:8443",
    );
    assert.strictEqual(
      ep({ ZSTACK_HOST: "https://mn.example.com", ZSTACK_PORT: "8443" }),
      "https://mn.example.com:8443",
    );
    assert.strictEqual(ep({ ZSTACK_HOST: "https://mn.example.com" }), "https://mn.example.com");
    assert.strictEqual(
      ep({ ZSTACK_HOST: "https://lb.example.com/zs", ZSTACK_PORT: "8443" }),
      "https://lb.example.com:8443/zs",
    );
    assert.strictEqual(ep({ ZSTACK_HOST: "10.0.0.5:8080" }), "http://10.0.0.5:8080");
    assert.strictEqual(ep({ ZSTACK_HOST: "10.0.0.5:8080", ZSTACK_PORT: "9090" }), "http://10.0.0.5:8080");
    assert.strictEqual(ep({ ZSTACK_HOST: "fd00::5" }), "http://[fd00::5]:8080");
    assert.strictEqual(ep({ ZSTACK_HOST: "[fd00::5]:8081" }), "http://[fd00::5]:8081");
    for (const host of ["https://mn.example.com:8443", "10.0.0.5:8080", "mn", "fd00::5"]) {
      const e = readConfig(undefined, { ZSTACK_HOST: host, ZSTACK_SESSION_ID: "sid" });
      assert.doesNotThrow(() => requireConnection(e), host);
    }
    assert.throws(
      () => readConfig(undefined, { ZSTACK_HOST: "10.0.0.5", ZSTACK_PORT: "http" }),
      /ZSTACK_PORT must be a port number/,
    );
    assert.throws(() => readConfig(undefined, { ZSTACK_HOST: "ftp://10.0.0.5" }), /http or https/);
    assert.strictEqual(ep({ ZSTACK_ENDPOINT: "http://e:8080", ZSTACK_HOST: "h" }), "http://e:8080");
  });

  it("rejects malformed values", () => {
    assert.throws(
      () => readConfig(config({ "zstack:insecure": "maybe" }), {}),
      /zstack:insecure must be true or false/,
    );
    assert.throws(() => readConfig(config({ "zstack:timeZone": "Mars/Olympus" }), {}), /IANA time zone/);
    assert.throws(() => readConfig(config({ "zstack:endpoint": "ftp://h" }), {}), /http or https/);
    assert.throws(() => readConfig(config({ "zstack:caCertificate": "/nonexistent/ca.pem" }), {}), /PEM/);
  });

  it("reads zstack:caCertificate as PEM text or as a path to a PEM file", () => {
    const pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    assert.strictEqual(readConfig(config({ "zstack:caCertificate": pem }), {}).caCertificate, pem);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pzm-")), "ca.pem");
    fs.writeFileSync(file, pem);
    assert.strictEqual(readConfig(config({ "zstack:caCertificate": file }), {}).caCertificate, pem);
  });
});
