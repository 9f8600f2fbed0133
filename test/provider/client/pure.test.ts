// Pure parts of the client: password hashing, access-key signing, timestamps, redaction, errors,
// location validation, endpoint parsing. No HTTP here (the HTTP paths are in client.test.ts).
import * as assert from "assert";
import {
  REDACTED,
  ZStackApiError,
  ZStackClient,
  ZStackHttpError,
  ZStackLocationError,
  ZStackResponseError,
  accessKeyAuthorization,
  formatAccessKeyDate,
  formatZStackTimestamp,
  isNotFoundError,
  parseEndpoint,
  parseZStackTimestamp,
  redactJsonString,
  redactText,
  sha512Hex,
  signAccessKey,
} from "../../../provider/client";

describe("client: credentials on the wire", () => {
  it("hashes the password as lower-case SHA-512 hex (the admin default of the reference)", () => {
    assert.strictEqual(
      sha512Hex("password"),
      "b109f3bbbc244eb82441917ed06d618b9008dd09b3befd1b5e07394c706a8bb980b1d7785e5976ec049b46df5f1326af5a2ea6d103fd07c95385ffab0cacbc86",
    );
  });

  it("signs access-key requests exactly like the reference test vector (§3.3)", () => {
    const secret = "8heumeFTvIeZxkTGfEYvVi9qVVPd9ffQNDALSPPb";
    const date = "Fri, 06 Aug 2021 17:58:34 PRC";
    assert.strictEqual(signAccessKey(secret, "GET", date, "/v1/vm-instances"), "hPToRHeHdV49D4u20G8OlE0yJho=");
    assert.strictEqual(
      accessKeyAuthorization("vvSZpmj4cnB53qUDmm6E", secret, "get", date, "/v1/vm-instances"),
      "ZStack vvSZpmj4cnB53qUDmm6E:hPToRHeHdV49D4u20G8OlE0yJho=",
    );
  });

  it("formats the access-key Date with a two-digit day and a zone token Java accepts", () => {
    const t = Date.UTC(2021, 7, 6, 9, 58, 34); // 17:58:34 in Shanghai
    assert.strictEqual(formatAccessKeyDate(t, "Asia/Shanghai"), "Fri, 06 Aug 2021 17:58:34 GMT+08:00");
    assert.strictEqual(formatAccessKeyDate(t, "UTC"), "Fri, 06 Aug 2021 09:58:34 GMT");
    assert.strictEqual(formatAccessKeyDate(Date.UTC(2021, 0, 2, 3, 4, 5), "America/New_York"), "Fri, 01 Jan 2021 22:04:05 GMT-05:00");
  });
});

describe("client: ZStack timestamps", () => {
  const utc = (y: number, mo: number, d: number, h: number, mi: number, s: number) => Date.UTC(y, mo - 1, d, h, mi, s);

  it("parses the Java 8 form in the management node's zone", () => {
    assert.strictEqual(parseZStackTimestamp("May 10, 2022 5:24:03 AM", "UTC"), utc(2022, 5, 10, 5, 24, 3));
    assert.strictEqual(parseZStackTimestamp("Jan 6, 2017 3:51:16 PM", "UTC"), utc(2017, 1, 6, 15, 51, 16));
    assert.strictEqual(parseZStackTimestamp("May 10, 2022 5:24:03 AM", "Asia/Shanghai"), utc(2022, 5, 9, 21, 24, 3));
  });

  it("accepts the JDK 9+/ICU variants: comma after the year, narrow no-break space, lower case", () => {
    const want = utc(2022, 5, 10, 17, 24, 3);
    for (const s of ["May 10, 2022, 5:24:03 PM", "May 10, 2022 5:24:03\u202fPM", "May 10, 2022, 5:24:03\u00a0pm", "May 10, 2022 5:24:03PM"]) {
      assert.strictEqual(parseZStackTimestamp(s, "UTC"), want, s);
    }
  });

  it("handles 12 AM / 12 PM and DST zones", () => {
    assert.strictEqual(parseZStackTimestamp("Jan 1, 2020 12:00:00 AM", "UTC"), utc(2020, 1, 1, 0, 0, 0));
    assert.strictEqual(parseZStackTimestamp("Jan 1, 2020 12:30:00 PM", "UTC"), utc(2020, 1, 1, 12, 30, 0));
    assert.strictEqual(parseZStackTimestamp("Jul 1, 2020 12:00:00 PM", "Europe/Berlin"), utc(2020, 7, 1, 10, 0, 0));
    assert.strictEqual(parseZStackTimestamp("Jan 1, 2020 12:00:00 PM", "Europe/Berlin"), utc(2020, 1, 1, 11, 0, 0));
  });

  it("rejects what is not a timestamp", () => {
    for (const s of ["", "2022-05-10T05:24:03Z", "Foo 10, 2022 5:24:03 AM", "May 32, 2022 5:24:03 AM", "Feb 30, 2022 5:24:03 AM", "May 10, 2022 13:24:03 PM"]) {
      assert.strictEqual(parseZStackTimestamp(s, "UTC"), undefined, s);
    }
    assert.strictEqual(parseZStackTimestamp(undefined), undefined);
  });

  it("round-trips its own rendering", () => {
    const t = utc(2024, 10, 17, 23, 5, 9);
    const s = formatZStackTimestamp(t, "Asia/Shanghai");
    assert.strictEqual(s, "Oct 18, 2024 7:05:09 AM");
    assert.strictEqual(parseZStackTimestamp(s, "Asia/Shanghai"), t);
  });
});

describe("client: redaction", () => {
  it("removes session ids, access-key signatures, private keys and secret JSON fields", () => {
    const key = "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAAB3NzaC1yc2E\n-----END OPENSSH PRIVATE KEY-----";
    const text = `Authorization: OAuth 0123456789abcdef0123456789abcdef; Authorization: ZStack AKID:c2lnbmF0dXJl=; ${key}; {"password":"b109f3","sshPrivKey":"x"} hunter2pw`;
    const out = redactText(text, ["hunter2pw"]);
    for (const leaked of ["0123456789abcdef0123456789abcdef", "c2lnbmF0dXJl", "AAAAB3NzaC1yc2E", "b109f3", "hunter2pw"]) {
      assert.ok(!out.includes(leaked), `${leaked} leaked: ${out}`);
    }
    assert.ok(out.includes(REDACTED));
  });

  it("redacts jobData JSON by key, recursively, keeping the rest", () => {
    const jobData = JSON.stringify({ url: "vmware://x", session: { uuid: "s1", accountUuid: "a" }, sshPrivKey: "KEY", nested: { password: "p" } });
    const out = JSON.parse(redactJsonString(jobData)!) as Record<string, unknown>;
    assert.deepStrictEqual(out, { url: "vmware://x", session: REDACTED, sshPrivKey: REDACTED, nested: { password: REDACTED } });
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
    assert.deepStrictEqual(e.causeChain.map((c) => c.code), ["SYS.1006", "SYS.1000", "HOST.1"]);
    assert.ok(e.cause instanceof ZStackApiError);
    assert.strictEqual((e.cause as ZStackApiError).code, "SYS.1000");
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
      { code: "SYS.1006", description: `d ${s}`, details: `x ${s}`, elaboration: `e ${s}`, opaque: { list: [`o ${s}`] }, cause: { code: "A", details: `c ${s}`, causes: [{ code: "B", details: `b ${s}` }] } },
      503,
      [s],
    );
    assert.ok(!JSON.stringify({ m: e.message, s: e.stack, d: e.description, el: e.elaboration, dt: e.details, ec: e.errorCode, cc: e.causeChain, c: (e.cause as Error).message }).includes(s));
    assert.deepStrictEqual(e.causeChain.map((c) => c.code), ["SYS.1006", "A", "B"]);
    assert.match(e.message, /caused by A: c \[REDACTED\] <- \[B: b \[REDACTED\]\]/);
  });

  it("bounds a hostile cause tree", () => {
    let ec: Record<string, unknown> = { code: "LEAF" };
    for (let i = 0; i < 500; i++) ec = { code: `L${i}`, details: "x".repeat(100), cause: ec, causes: [{ code: "S" }, { code: "S" }] };
    const e = new ZStackApiError("x", ec);
    assert.ok(e.causeChain.length <= 100, String(e.causeChain.length));
    assert.ok(e.message.length < 6000, String(e.message.length));
  });
});

describe("client: is the resource gone?", () => {
  const target = "abcdefabcdefabcdefabcdefabcdef12";
  const other = "0123456789abcdef0123456789abcdef";
  const api = (code: string, details: string) => new ZStackApiError("x", { code, description: "d", details });

  it("with the target uuid: SYS.1003 naming it, or the manager's own 'not found' about it", () => {
    const yes = [
      api("SYS.1003", `invalid field[uuid], resource[uuid:${target}, type:ImagePackageVO] not found`),
      api("SYS.1003", `invalid field[uuids], resource[uuids:[${other}, ${target}], type:VmInstanceVO] not found`),
      api("SYS.1006", `ova package[uuid: ${target}] not found.`),
      api("SYS.1006", `vm[uuid:${target}] does not exist`),
      api("SYS.1007", `Not found the vm to be exported with the uuid: ${target}`),
    ];
    for (const e of yes) assert.ok(e.isNotFound(target), e.details);
    for (const e of yes) assert.ok(!e.isNotFound(other) || /uuids:/.test(e.details), `other: ${e.details}`);
  });

  it("does not swallow unrelated failures that merely say 'not found'", () => {
    const no = [
      api("SYS.1006", `host[uuid:${other}] not found while deleting vm[uuid:${target}]`),
      api("SYS.1006", `cannot delete image package[uuid:${target}]: backup storage[uuid:${other}] not found`),
      api("SYS.1006", "the file /var/lib/zstack/x.ova is not found"),
      api("SYS.1003", `invalid field[uuid], resource[uuid:${other}, type:HostVO] not found`),
      api("SYS.1000", `resource[uuid:${target}] deleted twice; not found`),
    ];
    for (const e of no) assert.ok(!e.isNotFound(target), e.details);
  });

  it("without a uuid (the old call): only SYS.1003 with ZStack's template", () => {
    assert.ok(api("SYS.1003", `invalid field[uuid], resource[uuid:${target}, type:VmInstanceVO] not found`).isNotFound());
    assert.ok(!api("SYS.1006", `ova package[uuid: ${target}] not found.`).isNotFound());
    assert.ok(!api("SYS.1006", "host not found").isNotFound());
    assert.ok(!api("SYS.1003", "something else").isNotFound());
  });

  it("HTTP 404s count only when they say that this uuid is not found", () => {
    assert.ok(!isNotFoundError(new ZStackHttpError("x", 404, `no api mapping to /v1/image-packages/${target}`), target));
    assert.ok(!isNotFoundError(new ZStackHttpError("x", 404, "the job has been expired"), target));
    assert.ok(!isNotFoundError(new ZStackHttpError("x", 404, "Not Found"), target));
    assert.ok(isNotFoundError(new ZStackHttpError("x", 404, `image package[uuid:${target}] not found`), target));
    assert.ok(!isNotFoundError(new ZStackHttpError("x", 404, `image package[uuid:${target}] not found`)));
    assert.ok(!isNotFoundError(new Error(`resource[uuid:${target}] not found`), target));
  });
});

describe("client: endpoint and api-job location", () => {
  const client = new ZStackClient({ endpoint: "http://10.0.0.5:8080", auth: { kind: "session", sessionId: "s" } });
  const id = "0123456789abcdef0123456789abcdef";

  it("defaults the context path to /zstack and rejects endpoints with credentials or odd schemes", () => {
    assert.strictEqual(parseEndpoint("http://h:8080").href, "http://h:8080/zstack");
    assert.strictEqual(parseEndpoint("https://h/zstack/").href, "https://h/zstack");
    assert.strictEqual(parseEndpoint("h:8080").href, "http://h:8080/zstack");
    assert.strictEqual(parseEndpoint("http://h:8080/custom/v1").href, "http://h:8080/custom");
    assert.throws(() => parseEndpoint("http://u:p@h:8080"), /credentials/);
    assert.throws(() => parseEndpoint("ftp://h"), /http or https/);
  });

  it("rewrites a valid location to the configured endpoint (the MN advertises its own IP)", () => {
    assert.strictEqual(client.resolveLocation(`http://192.168.0.9:8080/zstack/v1/api-jobs/${id}`, id), `http://10.0.0.5:8080/zstack/v1/api-jobs/${id}`);
    assert.strictEqual(client.resolveLocation(`https://mn.example:443/zstack/v1/api-jobs/${id}`, id), `http://10.0.0.5:8080/zstack/v1/api-jobs/${id}`);
  });

  it("behind a reverse proxy: takes only the job id from a location with any one context segment (or none)", () => {
    const proxied = new ZStackClient({ endpoint: "https://lb.example/zs", auth: { kind: "session", sessionId: "s" } });
    const want = `https://lb.example/zs/v1/api-jobs/${id}`;
    for (const loc of [
      `http://192.168.0.9:8080/zstack/v1/api-jobs/${id}`,
      `http://192.168.0.9:8080/other/v1/api-jobs/${id}`,
      `http://192.168.0.9:8080/v1/api-jobs/${id}`,
      `https://lb.example/zs/v1/api-jobs/${id.toUpperCase()}`,
    ]) {
      assert.strictEqual(proxied.resolveLocation(loc, id).toLowerCase(), want, loc);
    }
    assert.strictEqual(client.resolveLocation(`http://192.168.0.9:8080/other/v1/api-jobs/${id}`, id), `http://10.0.0.5:8080/zstack/v1/api-jobs/${id}`);
    assert.throws(() => proxied.resolveLocation(`http://192.168.0.9:8080/zstack/v1/api-jobs/${"f".repeat(32)}`, id), /differs from the X-Job-UUID/);
  });

  it("rejects hostile locations", () => {
    const hostile = [
      `http://user:pw@10.0.0.5:8080/zstack/v1/api-jobs/${id}`,
      `http://10.0.0.5:8080/zstack/v1/api-jobs/../accounts/login`,
      `http://10.0.0.5:8080/zstack/v1/api-jobs/${id}/../../accounts`,
      `http://10.0.0.5:8080/zstack/v1/api-jobs/%2e%2e/${id}`,
      `http://10.0.0.5:8080/zstack/v1/accounts/${id}`,
      `http://10.0.0.5:8080/a/zstack/v1/api-jobs/${id}`,
      `http://10.0.0.5:8080/zstack/v1/api-jobs/${id}/`,
      `http://10.0.0.5:8080/zstack/v2/api-jobs/${id}`,
      `http://10.0.0.5:8080/.zstack/v1/api-jobs/${id}`,
      `http://10.0.0.5:8080/z%41/v1/api-jobs/${id}`,
      `http://10.0.0.5:8080//v1/api-jobs/${id}`,
      `http://10.0.0.5:8080/zstack/v1/api-jobs/${id}?x=1`,
      `http://10.0.0.5:8080/zstack/v1/api-jobs/${"f".repeat(32)}`,
      `file:///etc/passwd`,
      `javascript:alert(1)`,
      `/zstack/v1/api-jobs/${id}`,
    ];
    for (const loc of hostile) assert.throws(() => client.resolveLocation(loc, id), ZStackLocationError, loc);
  });
});
