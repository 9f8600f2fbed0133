// The simulator against ZStack's own API metadata: `api_docs.json` of the installed zstack-mcp-server
// (see zstack-python.ts). Every query API accepts exactly the metadata's queryable fields and refuses
// none of them; messages, replies and events carry the metadata's class names.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { ALL_APIS } from "../../simulator/apis";
import type { ApiDef } from "../../simulator/http/api";
import { responseClass } from "../../simulator/http/rpc";
import { Harness } from "./helpers";
import { zstackPython } from "./zstack-python";

const MIN = 60_000;
const TAG_FIELDS = ["__systemTag__", "__userTag__", "__tagUuid__"];

interface ApiDoc {
  apiName: string;
  callType: string;
  responseName: string;
  primitive_fields?: string[];
}

/** The simulator's query APIs, one per message class, with the REST path of the collection. */
const QUERY_APIS = [...new Map(ALL_APIS.filter((a) => a.kind === "query").map((a) => [a.msgClass, a])).values()];

describe("simulator: ZStack's API metadata (api_docs.json of zstack-mcp-server)", function () {
  let docs: Record<string, ApiDoc>;
  const docOf = (api: ApiDef): ApiDoc => {
    const doc = docs[api.name];
    assert.ok(doc, `the metadata has no ${api.name}`);
    return doc;
  };

  before(async function () {
    this.timeout(10 * MIN); // the first pip install; later runs reuse the virtualenv
    docs = JSON.parse(fs.readFileSync((await zstackPython()).apiDocs, "utf8")) as Record<string, ApiDoc>;
  });

  it("every query API the simulator serves is in the metadata", () => {
    assert.ok(QUERY_APIS.length >= 11);
    for (const api of QUERY_APIS) assert.equal(docOf(api).apiName, api.msgClass);
  });

  it("each inventory's queryable fields are exactly the metadata's primitive_fields", () => {
    for (const api of QUERY_APIS) {
      const ours = [...api.query!.fields, ...TAG_FIELDS].sort();
      assert.deepEqual(ours, [...(docOf(api).primitive_fields ?? [])].sort(), api.name);
    }
  });

  it("no field the metadata lists is refused, over HTTP; answers hold declared fields only", async () => {
    const h = await Harness.start();
    try {
      await h.login();
      for (const api of QUERY_APIS) {
        const def = api.query!;
        for (const field of docOf(api).primitive_fields ?? []) {
          const r = await h.get(`${api.path}?q=${encodeURIComponent(`${field} is null`)}&count=true`);
          assert.equal(r.status, 200, `${api.name} ${field}: ${r.text}`);
        }
        const declared = new Set([...def.fields, ...(def.nested ?? [])]);
        for (const row of await h.query(api.path))
          for (const key of Object.keys(row)) assert.ok(declared.has(key), `${api.name} returned ${key}`);
      }
    } finally {
      await h.stop();
    }
  });

  it("messages, replies and events have the metadata's class names", () => {
    let compared = 0;
    for (const api of ALL_APIS) {
      const doc = docs[api.name];
      if (!doc) continue; // the metadata lacks e.g. the logins and ConvertVmFromForeignHypervisor
      assert.equal(api.msgClass, doc.apiName, api.name);
      assert.equal(responseClass(api).split(".").pop(), doc.responseName, api.name);
      compared++;
    }
    assert.ok(compared >= 30, `${compared} APIs compared`);
  });
});
