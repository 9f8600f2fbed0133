// The simulator's resource tags (CreateTag, QueryTag, DeleteTag; routes UNCONFIRMED, simulator/assumptions.ts):
// a tag created with a resourceUuid that exists is refused, the property the conversion-slot leases rely on.
import assert from "node:assert/strict";
import { expectError, Harness } from "./helpers";

describe("simulator resource tags", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.start();
    await h.login();
  });
  afterEach(() => h.stop());

  const uuid = "0a1b2c3d4e5f4a6b8c7d9e0f1a2b3c4d";
  const create = (params: Record<string, unknown>) =>
    h.async("POST", "/v1/tags", { params: { name: "lease-h1", value: "slot 0", ...params } });

  it("creates a tag with a chosen uuid once; a second create with that uuid is refused; query by name; delete", async () => {
    const r = await create({ description: '{"job":"j1"}', resourceUuid: uuid });
    assert.equal(r.status, 200, r.text);
    const inv = r.json().inventory;
    assert.deepEqual(Object.keys(inv).sort(), [
      "color",
      "createDate",
      "description",
      "lastOpDate",
      "name",
      "type",
      "uuid",
      "value",
    ]);
    assert.equal(inv.uuid, uuid);
    assert.equal(inv.type, "simple");

    const again = await create({ description: '{"job":"j2"}', resourceUuid: uuid });
    expectError(again, 503, "SYS.1007", /already exists/);
    await create({ name: "lease-h2", value: "slot 0" });

    const named = await h.query("/v1/tags?q=name=lease-h1");
    assert.deepEqual(
      named.map((t: { uuid: string; description: string }) => [t.uuid, t.description]),
      [[uuid, '{"job":"j1"}']],
    );
    const del = await h.async("DELETE", `/v1/tags/${uuid}`);
    assert.equal(del.status, 200, del.text);
    assert.deepEqual(await h.query("/v1/tags?q=name=lease-h1"), []);
    // a missing uuid is a success, as ZStack's deletes are
    assert.equal((await h.async("DELETE", `/v1/tags/${uuid}`)).status, 200);
  });

  it("refuses a create without name or value, naming the field", async () => {
    const r = await h.async("POST", "/v1/tags", { params: { name: "x" } });
    expectError(r, 503, "SYS.1007", /value/);
  });
});
