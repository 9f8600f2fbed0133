// Endpoint parsing and the api-job location check (provider/client/client.ts, api-jobs.ts). No HTTP here.
import * as assert from "assert";
import { ZStackClient, ZStackLocationError, apiJobUrl, parseEndpoint, resolveLocation } from "../../../provider/client";

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
    assert.strictEqual(
      client.resolveLocation(`http://192.168.0.9:8080/zstack/v1/api-jobs/${id}`, id),
      `http://10.0.0.5:8080/zstack/v1/api-jobs/${id}`,
    );
    assert.strictEqual(
      client.resolveLocation(`https://mn.example:443/zstack/v1/api-jobs/${id}`, id),
      `http://10.0.0.5:8080/zstack/v1/api-jobs/${id}`,
    );
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
    assert.strictEqual(
      client.resolveLocation(`http://192.168.0.9:8080/other/v1/api-jobs/${id}`, id),
      `http://10.0.0.5:8080/zstack/v1/api-jobs/${id}`,
    );
    assert.throws(
      () => proxied.resolveLocation(`http://192.168.0.9:8080/zstack/v1/api-jobs/${"f".repeat(32)}`, id),
      /differs from the X-Job-UUID/,
    );
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

describe("api-jobs: resolveLocation is a pure function of the location, the job and the endpoint", () => {
  const id = "0123456789abcdef0123456789abcdef";
  it("rewrites a valid location to the configured base and refuses another job id, with the location redacted", () => {
    assert.strictEqual(
      resolveLocation(`http://192.168.0.9:8080/zstack/v1/api-jobs/${id}`, id, "http://10.0.0.5:8080/zs"),
      `http://10.0.0.5:8080/zs/v1/api-jobs/${id}`,
    );
    assert.strictEqual(apiJobUrl("http://h:1/zstack", id), `http://h:1/zstack/v1/api-jobs/${id}`);
    assert.throws(
      () =>
        resolveLocation(`http://secret-host:8080/zstack/v1/api-jobs/${"f".repeat(32)}`, id, "http://h:1/zstack", (t) =>
          t.replace("secret-host", "***"),
        ),
      (e: Error) =>
        e instanceof ZStackLocationError &&
        !e.message.includes("secret-host") &&
        /differs from the X-Job-UUID/.test(e.message),
    );
  });
});
