// ZStack timestamps (provider/client/time.ts). No HTTP here.
import * as assert from "assert";
import { formatZStackTimestamp, parseZStackTimestamp } from "../../../provider/client";

describe("client: ZStack timestamps", () => {
  const utc = (y: number, mo: number, d: number, h: number, mi: number, s: number) => Date.UTC(y, mo - 1, d, h, mi, s);

  it("parses the Java 8 form in the management node's zone", () => {
    assert.strictEqual(parseZStackTimestamp("May 10, 2022 5:24:03 AM", "UTC"), utc(2022, 5, 10, 5, 24, 3));
    assert.strictEqual(parseZStackTimestamp("Jan 6, 2017 3:51:16 PM", "UTC"), utc(2017, 1, 6, 15, 51, 16));
    assert.strictEqual(parseZStackTimestamp("May 10, 2022 5:24:03 AM", "Asia/Shanghai"), utc(2022, 5, 9, 21, 24, 3));
  });

  it("accepts the JDK 9+/ICU variants: comma after the year, narrow no-break space, lower case", () => {
    const want = utc(2022, 5, 10, 17, 24, 3);
    for (const s of [
      "May 10, 2022, 5:24:03 PM",
      "May 10, 2022 5:24:03\u202fPM",
      "May 10, 2022, 5:24:03\u00a0pm",
      "May 10, 2022 5:24:03PM",
    ]) {
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
    for (const s of [
      "",
      "2022-05-10T05:24:03Z",
      "Foo 10, 2022 5:24:03 AM",
      "May 32, 2022 5:24:03 AM",
      "Feb 30, 2022 5:24:03 AM",
      "May 10, 2022 13:24:03 PM",
    ]) {
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
