import assert from "node:assert/strict";
import { parseQueryString } from "../../../simulator/http/query-string";

describe("simulator http: parseQueryString", () => {
  it("decodes %XX and '+' as a space", () => {
    assert.deepEqual(
      parseQueryString("q=name%3Dweb+01&limit=5"),
      new Map([
        ["q", ["name=web 01"]],
        ["limit", ["5"]],
      ]),
    );
  });

  it("keeps every value of a repeated key, in order", () => {
    assert.deepEqual(parseQueryString("q=a%3D1&q=b%3D2&q=c%3D3").get("q"), ["a=1", "b=2", "c=3"]);
  });

  it("reads a key without '=' as an empty value, and splits at the first '=' only", () => {
    assert.deepEqual(
      parseQueryString("count&q=name=x"),
      new Map([
        ["count", [""]],
        ["q", ["name=x"]],
      ]),
    );
  });

  it("skips empty pairs and drops pairs that cannot be decoded", () => {
    assert.deepEqual(
      parseQueryString("&a=1&&b=%E0%A4%A&c=%zz&d=2&"),
      new Map([
        ["a", ["1"]],
        ["d", ["2"]],
      ]),
    );
  });

  it("is empty for an empty query string", () => {
    assert.equal(parseQueryString("").size, 0);
  });
});
