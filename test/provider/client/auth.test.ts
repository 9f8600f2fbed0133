// Password hashing and access-key signing (provider/client/auth.ts). No HTTP here.
import * as assert from "assert";
import { accessKeyAuthorization, formatAccessKeyDate, sha512Hex, signAccessKey } from "../../../provider/client";

describe("client: credentials on the wire", () => {
  it("hashes the password as lower-case SHA-512 hex (the admin default, docs/zstack-wire.md §4.1)", () => {
    assert.strictEqual(
      sha512Hex("password"),
      "b109f3bbbc244eb82441917ed06d618b9008dd09b3befd1b5e07394c706a8bb980b1d7785e5976ec049b46df5f1326af5a2ea6d103fd07c95385ffab0cacbc86",
    );
  });

  it("signs access-key requests exactly like the reference test vector (docs/zstack-wire.md §4.3)", () => {
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
    assert.strictEqual(
      formatAccessKeyDate(Date.UTC(2021, 0, 2, 3, 4, 5), "America/New_York"),
      "Fri, 01 Jan 2021 22:04:05 GMT-05:00",
    );
  });
});
