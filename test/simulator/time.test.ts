import assert from "node:assert/strict";
import { formatJavaTimestamp, parseAkDate, parseDuration } from "../../simulator/core/java-time";
import { gsonStringify, javaNumberString } from "../../simulator/core/gson";

describe("simulator time and JSON rendering", () => {
  it("formats timestamps like Java 8's default Timestamp rendering, in local time", () => {
    assert.equal(formatJavaTimestamp(new Date(2022, 4, 10, 5, 24, 3).getTime()), "May 10, 2022 5:24:03 AM");
    assert.equal(formatJavaTimestamp(new Date(2017, 0, 6, 15, 51, 16).getTime()), "Jan 6, 2017 3:51:16 PM");
    assert.equal(formatJavaTimestamp(new Date(2020, 11, 31, 0, 0, 0).getTime()), "Dec 31, 2020 12:00:00 AM");
    assert.equal(formatJavaTimestamp(new Date(2020, 11, 31, 12, 5, 9).getTime()), "Dec 31, 2020 12:05:09 PM");
  });

  it("parses access-key dates the way java.time does", () => {
    const d = parseAkDate("Fri, 06 Aug 2021 17:58:34 PRC");
    assert.equal(d?.localEpochMs, new Date(2021, 7, 6, 17, 58, 34).getTime());
    assert.ok(parseAkDate("fri, 06 aug 2021 17:58:34 asia/shanghai"));
    assert.ok(parseAkDate("Fri, 06 Aug 2021 17:58:34 GMT+08:00"));
    assert.equal(parseAkDate("Fri, 6 Aug 2021 17:58:34 GMT"), undefined, "one-digit day");
    assert.equal(parseAkDate("Fri, 06 Aug 2021 17:58:34 +0800"), undefined, "numeric offset");
    assert.equal(parseAkDate("Thu, 06 Aug 2021 17:58:34 GMT"), undefined, "day of week does not match");
    assert.equal(parseAkDate("Fri, 06 Aug 2021 24:58:34 GMT"), undefined);
    assert.equal(parseAkDate("Fri, 06 Aug 2021 17:58:34 Mars/Olympus"), undefined);
  });

  it("parses durations", () => {
    assert.equal(parseDuration("90s"), 90_000);
    assert.equal(parseDuration("30m"), 1_800_000);
    assert.equal(parseDuration("1h30m"), 5_400_000);
    assert.equal(parseDuration("1500"), 1500);
    assert.equal(parseDuration("250ms"), 250);
    assert.throws(() => parseDuration("soon"));
    assert.throws(() => parseDuration("10x"));
  });

  it("renders JSON like Gson: nulls omitted, dates as Java strings, HTML characters escaped", () => {
    const at = new Date(2022, 4, 10, 5, 24, 3).getTime();
    assert.equal(
      gsonStringify({ a: null, b: undefined, createDate: at, s: "x=<y>&'z'", list: [1, null] }),
      '{"createDate":"May 10, 2022 5:24:03 AM","s":"x\\u003d\\u003cy\\u003e\\u0026\\u0027z\\u0027","list":[1,null]}',
    );
    assert.equal(javaNumberString(1.5), "1.5");
    assert.equal(javaNumberString(2), "2.0");
    assert.equal(javaNumberString(1073741824), "1.073741824E9");
  });
});
