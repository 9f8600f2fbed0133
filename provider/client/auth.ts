/** Credentials on the wire (docs/zstack-wire.md §4): SHA-512 login passwords and access-key signatures. */
import { createHash, createHmac } from "crypto";

/** How the client authenticates: an account and password, an AccessKey, or an existing session. */
export type ZStackAuth =
  | { kind: "account"; accountName: string; password: string }
  | { kind: "accessKey"; accessKeyId: string; accessKeySecret: string }
  | { kind: "session"; sessionId: string };

/** Lower-case hex SHA-512 of the plaintext password, as LogInByAccount expects (§4.1). */
export function sha512Hex(plain: string): string {
  return createHash("sha512").update(plain, "utf8").digest("hex");
}

/**
 * Access-key signature (§4.3): Base64(HMAC-SHA1(secret, METHOD + "\n" + Date + "\n" + uri)), where
 * `uri` is the decoded request path after the context path, without the query string.
 */
export function signAccessKey(secret: string, method: string, date: string, uri: string): string {
  return createHmac("sha1", Buffer.from(secret, "utf8"))
    .update(`${method.toUpperCase()}\n${date}\n${uri}`, "utf8")
    .digest("base64");
}

/** The `Authorization` header value for an access-key request. */
export function accessKeyAuthorization(
  keyId: string,
  secret: string,
  method: string,
  date: string,
  uri: string,
): string {
  return `ZStack ${keyId}:${signAccessKey(secret, method, date, uri)}`;
}
