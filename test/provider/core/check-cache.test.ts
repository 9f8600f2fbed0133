import { strict as assert } from "assert";
import { CheckCache } from "../../../provider/core/check-cache";

describe("check cache", () => {
  it("an answer serves later checks for its time to live; a failed one is asked again", async () => {
    let now = 0;
    const cache = new CheckCache({ now: () => now }, 1000);
    let loads = 0;
    const load = () => Promise.resolve(++loads);
    assert.strictEqual(await cache.get("k", load), 1);
    assert.strictEqual(await cache.get("k", load), 1);
    now = 1000;
    assert.strictEqual(await cache.get("k", load), 2);
    assert.strictEqual(await cache.get("forever", load, Infinity), 3);
    now = 1e12;
    assert.strictEqual(await cache.get("forever", load, Infinity), 3);
    await assert.rejects(cache.get("bad", () => Promise.reject(new Error("down"))));
    assert.strictEqual(await cache.get("bad", load), 4);
  });
});
