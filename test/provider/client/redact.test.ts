// Redaction of secrets (provider/client/redact.ts and the errors that use it). No HTTP here.
import * as assert from "assert";
import {
  REDACTED,
  ZStackApiError,
  ZStackHttpError,
  ZStackResponseError,
  redactJsonString,
  redactText,
} from "../../../provider/client";

describe("client: redaction", () => {
  it("removes session ids, access-key signatures, private keys and secret JSON fields", () => {
    const key = "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAAB3NzaC1yc2E\n-----END OPENSSH PRIVATE KEY-----";
    const text = `Authorization: OAuth 0123456789abcdef0123456789abcdef; Authorization: ZStack AKID:c2lnbmF0dXJl=; ${key}; {"password":"b109f3","sshPrivKey":"x"} hunter2pw`;
    const out = redactText(text, ["hunter2pw"]);
    for (const leaked of [
      "0123456789abcdef0123456789abcdef",
      "c2lnbmF0dXJl",
      "AAAAB3NzaC1yc2E",
      "b109f3",
      "hunter2pw",
    ]) {
      assert.ok(!out.includes(leaked), `${leaked} leaked: ${out}`);
    }
    assert.ok(out.includes(REDACTED));
  });

  it("redacts jobData JSON by key, recursively, keeping the rest", () => {
    const jobData = JSON.stringify({
      url: "vmware://x",
      session: { uuid: "s1", accountUuid: "a" },
      sshPrivKey: "KEY",
      nested: { password: "p" },
    });
    const out = JSON.parse(redactJsonString(jobData)!) as Record<string, unknown>;
    assert.deepStrictEqual(out, {
      url: "vmware://x",
      session: REDACTED,
      sshPrivKey: REDACTED,
      nested: { password: REDACTED },
    });
  });

  it("typed API errors carry code, description, details and the cause chain, redacted", () => {
    const e = new ZStackApiError(
      "ConvertVmFromForeignHypervisor (POST /v1/v2vs)",
      {
        code: "SYS.1006",
        description: "An operation failed",
        details: "conversion failed for session 0123456789abcdef0123456789abcdef",
        cause: { code: "SYS.1000", details: "agent said no", cause: { code: "HOST.1", details: "disk full" } },
      },
      503,
      ["0123456789abcdef0123456789abcdef"],
    );
    assert.strictEqual(e.code, "SYS.1006");
    assert.strictEqual(e.description, "An operation failed");
    assert.deepStrictEqual(
      e.causeChain.map((c) => c.code),
      ["SYS.1006", "SYS.1000", "HOST.1"],
    );
    assert.ok(e.cause instanceof ZStackApiError);
    assert.strictEqual(e.cause.code, "SYS.1000");
    assert.match(e.message, /SYS\.1006 An operation failed: conversion failed/);
    assert.match(e.message, /caused by SYS\.1000: agent said no <- HOST\.1: disk full/);
    assert.ok(!e.message.includes("0123456789abcdef0123456789abcdef"));
    assert.ok(!e.details.includes("0123456789abcdef0123456789abcdef"));
  });
});

describe("client: redaction of cut and echoed secrets", () => {
  const key = `-----BEGIN OPENSSH PRIVATE KEY-----\nKEYMATERIALb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAAB\nKEYMATERIALAAAAMwAAAAtzc2gtZWQyNTUxOQAAACDK`;

  it("redacts a private key whose END line was cut off, to the end of the text or of its JSON string", () => {
    assert.strictEqual(redactText(`ssh failed with key ${key}`), `ssh failed with key ${REDACTED}`);
    assert.strictEqual(redactText(`key ${key.slice(0, 60)}`), `key ${REDACTED}`);
    assert.strictEqual(redactText(`${key}\n-----END OPENSSH PRIVATE KEY----- and then`), `${REDACTED} and then`);
    const json = JSON.stringify({ details: `cut ${key}`, code: "SYS.1006" });
    assert.strictEqual(redactText(json), JSON.stringify({ details: `cut ${REDACTED}`, code: "SYS.1006" }));
    assert.ok(!redactText(`BEGIN -----BEGIN RSA PRIVATE KEY-----\r\nKEYMATERIAL`).includes("KEYMATERIAL"));
  });

  it("typed errors redact before they cut a long body (a secret across the cut would leak its head)", () => {
    const secret = "s3cr3t-0123456789abcdef";
    for (const [limit, make] of [
      [2000, (body: string) => new ZStackHttpError("x", 500, body, [secret]).body],
      [1000, (body: string) => new ZStackResponseError("x", 200, "bad", body, [secret]).body],
    ] as const) {
      const body = `${"a".repeat(limit - 6)}${secret} tail`;
      const shown = make(body);
      assert.ok(!shown.includes("s3cr3t"), shown.slice(-40));
    }
  });

  it("every string of an API error (description, elaboration, details, opaque, nested causes) is redacted by value", () => {
    const s = "value-of-a-secret";
    const e = new ZStackApiError(
      "x",
      {
        code: "SYS.1006",
        description: `d ${s}`,
        details: `x ${s}`,
        elaboration: `e ${s}`,
        opaque: { list: [`o ${s}`] },
        cause: { code: "A", details: `c ${s}`, causes: [{ code: "B", details: `b ${s}` }] },
      },
      503,
      [s],
    );
    assert.ok(
      !JSON.stringify({
        m: e.message,
        s: e.stack,
        d: e.description,
        el: e.elaboration,
        dt: e.details,
        ec: e.errorCode,
        cc: e.causeChain,
        c: (e.cause as Error).message,
      }).includes(s),
    );
    assert.deepStrictEqual(
      e.causeChain.map((c) => c.code),
      ["SYS.1006", "A", "B"],
    );
    assert.match(e.message, /caused by A: c \[REDACTED\] <- \[B: b \[REDACTED\]\]/);
  });

  it("bounds a hostile cause tree", () => {
    let ec: Record<string, unknown> = { code: "LEAF" };
    for (let i = 0; i < 500; i++)
      ec = { code: `L${i}`, details: "x".repeat(100), cause: ec, causes: [{ code: "S" }, { code: "S" }] };
    const e = new ZStackApiError("x", ec);
    assert.ok(e.causeChain.length <= 100, String(e.causeChain.length));
    assert.ok(e.message.length < 6000, String(e.message.length));
  });
});
