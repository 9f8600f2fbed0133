// Stack config with fully qualified keys, environment fallbacks, and clear errors.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ZStackConfigError } from "../../provider/client";
import { readConfig, requireConnection } from "../../provider/config";
import { config } from "./helpers";

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
    assert.strictEqual(readConfig(undefined, { ZSTACK_HOST: "10.0.0.5", ZSTACK_PORT: "9090" }).endpoint, "http://10.0.0.5:9090");
    assert.strictEqual(readConfig(undefined, { ZSTACK_HOST: "10.0.0.5" }).endpoint, "http://10.0.0.5:8080");
    assert.deepStrictEqual(readConfig(undefined, { ZSTACK_ACCOUNT_NAME: "a", ZSTACK_ACCOUNT_PASSWORD: "p" }).auth, { kind: "account", accountName: "a", password: "p" });
    assert.deepStrictEqual(readConfig(undefined, { ZSTACK_ACCESS_KEY_ID: "id", ZSTACK_ACCESS_KEY_SECRET: "sec" }).auth, { kind: "accessKey", accessKeyId: "id", accessKeySecret: "sec" });
    assert.deepStrictEqual(readConfig(undefined, { ZSTACK_SESSION_ID: "sid" }).auth, { kind: "session", sessionId: "sid" });
  });

  it("stack config wins over the environment", () => {
    const cfg = readConfig(config({ "zstack:endpoint": "http://cfg:8080", "zstack:accessKeyId": "id", "zstack:accessKeySecret": "s" }), {
      ZSTACK_ENDPOINT: "http://env:8080",
      ZSTACK_ACCOUNT_NAME: "a",
      ZSTACK_ACCOUNT_PASSWORD: "p",
    });
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
    for (const key of ["zstack:accountName", "zstack:password", "zstack:accessKeyId", "zstack:accessKeySecret", "zstack:sessionId", "ZSTACK_ACCOUNT_NAME", "ZSTACK_ACCOUNT_PASSWORD", "ZSTACK_ACCESS_KEY_ID", "ZSTACK_ACCESS_KEY_SECRET", "ZSTACK_SESSION_ID"]) {
      assert.ok(e.message.includes(key), `${key} missing from: ${e.message}`);
    }
    assert.throws(() => requireConnection(readConfig(config({ "zstack:endpoint": "http://h", "zstack:accessKeyId": "id" }), {})), /zstack:accessKeySecret is not set/);
    assert.throws(() => requireConnection(readConfig(undefined, { ZSTACK_ENDPOINT: "http://h", ZSTACK_ACCOUNT_PASSWORD: "p" })), /ZSTACK_ACCOUNT_NAME is not set/);
    assert.throws(() => requireConnection(readConfig(config({ "zstack:password": "p", "zstack:accountName": "a" }), {})), /zstack:endpoint .*ZSTACK_ENDPOINT/);
    assert.throws(() => requireConnection(readConfig(undefined, {})), /ZStack is not configured/);
  });

  it("rejects malformed values", () => {
    assert.throws(() => readConfig(config({ "zstack:insecure": "maybe" }), {}), /zstack:insecure must be true or false/);
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
