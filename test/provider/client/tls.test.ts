// https endpoints: a private CA through zstack:caCertificate, the explicit insecure switch, and a
// certificate error that is reported at once instead of being retried. The server is a tiny https
// server on 127.0.0.1 with a test-only self-signed certificate (fixtures/).
import * as assert from "assert";
import * as fs from "fs";
import * as https from "https";
import * as path from "path";
import type { AddressInfo } from "net";
import { ZStackClient, ZStackConnectionError, getReference } from "../../../provider/client";

const fixtures = path.join(__dirname, "..", "fixtures");
const cert = fs.readFileSync(path.join(fixtures, "test-only-server.crt"), "utf8");
const key = fs.readFileSync(path.join(fixtures, "test-only-server.key"), "utf8");

describe("client: https endpoints", () => {
  let server: https.Server;
  let url: string;
  let hits = 0;
  before(async () => {
    server = https.createServer({ cert, key }, (req, res) => {
      hits++;
      res.writeHead(200);
      res.end(
        JSON.stringify({
          inventories: [{ uuid: "f52465036bdd468499040edb9f879503", name: "zone-1", state: "Enabled" }],
        }),
      );
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => new Promise<void>((r) => server.close(() => r())));

  const client = (tls: { caCertificate?: string; insecure?: boolean }) =>
    new ZStackClient({
      endpoint: url,
      auth: { kind: "session", sessionId: "0".repeat(32) },
      tls,
      retry: { maxRetries: 3 },
    });

  it("trusts a private CA given as zstack:caCertificate", async () => {
    const zone = await getReference(client({ caCertificate: cert }), "QueryZone", "f52465036bdd468499040edb9f879503");
    assert.strictEqual(zone?.name, "zone-1");
  });

  it("skips verification only with the explicit insecure switch", async () => {
    const zone = await getReference(client({ insecure: true }), "QueryZone", "f52465036bdd468499040edb9f879503");
    assert.strictEqual(zone?.state, "Enabled");
  });

  it("reports an untrusted certificate at once (not retried as a transient fault)", async () => {
    hits = 0;
    const c = client({});
    await assert.rejects(
      () => getReference(c, "QueryZone", "f52465036bdd468499040edb9f879503"),
      (e: unknown) =>
        e instanceof ZStackConnectionError &&
        /self[- ]signed|certificate/i.test((e as Error).message) &&
        e.attempts === 1,
    );
    assert.strictEqual(c.requestCount, 1);
    assert.strictEqual(hits, 0);
  });
});
