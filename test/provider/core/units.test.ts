import { strict as assert } from "assert";
import { formatBytes, parseDuration } from "../../../provider/core/units";

describe("units", () => {
  it("parses durations", () => {
    assert.strictEqual(parseDuration("90s"), 90_000);
    assert.strictEqual(parseDuration("45m"), 2_700_000);
    assert.strictEqual(parseDuration("1h30m"), 5_400_000);
    assert.strictEqual(parseDuration("1h 30m"), 5_400_000);
    assert.strictEqual(parseDuration("2d"), 172_800_000);
    assert.strictEqual(parseDuration("1500ms"), 1500);
    assert.strictEqual(parseDuration("30"), 30_000);
    for (const bad of ["", "3 hours", "h", "1x", "-1h"]) assert.strictEqual(parseDuration(bad), undefined, bad);
  });

  it("formats bytes in binary units, or in a fixed unit", () => {
    assert.strictEqual(formatBytes(512), "512 B");
    assert.strictEqual(formatBytes(1.5 * 1024 ** 4), "1.50 TiB");
    assert.strictEqual(formatBytes(200 * 1024 ** 3), "200.00 GiB");
    assert.strictEqual(formatBytes(3 * 1024 ** 2 + 12345, { digits: 1, unit: "MiB" }), "3.0 MiB");
    assert.strictEqual(formatBytes(0.3 * 1024 ** 2, { digits: 1, unit: "MiB" }), "0.3 MiB");
  });
});
