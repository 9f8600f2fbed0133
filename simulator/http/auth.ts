/**
 * Authentication as RestServer.handleApi and the auth backends do it (docs/zstack-wire.md §4):
 * `OAuth <session uuid>` or `ZStack <AccessKeyID>:<signature>` with a `Date` header.
 * REST-layer problems throw RestError (plain text 400/403). An unknown or expired session does not:
 * it becomes an ID.1001 failure of the API itself (503, or 202 then 503 on the poll).
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { AK_EMPTY_PART_IS_INVALID_FORMAT, AK_SKEW_ACCEPTS_REAL_CLOCK, type SessionErrorCode } from "../assumptions";
import { errorCode, REST, RestError, T, type ErrorCode } from "../core/errors";
import { parseAkDate } from "../core/java-time";
import type { SimWorld } from "../world/world";
import type { Session } from "./api";

const REQUEST_DURATION_MS = 15 * 60_000;

export type AuthOutcome = { session: Session } | { sessionError: ErrorCode };

export type HeaderGetter = (name: string) => string | undefined;

/** Base64(HMAC-SHA1(secret, METHOD \n Date \n URI)) — §4.3. */
export function accessKeySignature(secret: string, method: string, date: string, uri: string): string {
  return createHmac("sha1", Buffer.from(secret, "utf8")).update(`${method}\n${date}\n${uri}`, "utf8").digest("base64");
}

/**
 * Looks a session up; expired sessions are deleted on sight (Session.checkSessionExpired). An invalid
 * one is reported with `code` (assumptions.ts, SESSION_ERROR_CODES).
 */
export function lookupSession(world: SimWorld, token: string, now: number, code: SessionErrorCode): AuthOutcome {
  if (!token) return { sessionError: errorCode(code, T.sessionUuidNull) };
  const row = world.get("sessions", token);
  if (!row) return { sessionError: errorCode(code, T.sessionExpired) };
  if (row.expiredDate < now) {
    world.delete("sessions", token);
    return { sessionError: errorCode(code, T.sessionExpired) };
  }
  return { session: { uuid: row.uuid, accountUuid: row.accountUuid as string, userUuid: row.userUuid as string } };
}

function checkTime(date: string | undefined, simNow: number): void {
  if (date === undefined) throw new RestError(400, REST.dateMissing);
  const parsed = parseAkDate(date);
  if (!parsed) throw new RestError(400, REST.dateFormat);
  const within = (now: number) => Math.abs(parsed.localEpochMs - now) <= REQUEST_DURATION_MS;
  if (!within(simNow) && !(AK_SKEW_ACCEPTS_REAL_CLOCK && within(Date.now()))) {
    throw new RestError(403, REST.timeSkewed);
  }
}

function accessKeyAuth(
  world: SimWorld,
  auth: string,
  header: HeaderGetter,
  method: string,
  uri: string,
  now: number,
): AuthOutcome {
  const date = header("date");
  checkTime(date, now);
  const str = auth.replace("ZStack", "").trim();
  // Java's String.split(":") drops trailing empty strings
  const parts = str.split(":");
  while (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
  if (parts.length !== 2) throw new RestError(400, REST.akFormat);
  const [id, signature] = parts;
  if (AK_EMPTY_PART_IS_INVALID_FORMAT && (id === "" || signature === "")) throw new RestError(400, REST.akInvalid);
  const key = world.list("accessKeys").find((k) => k.AccessKeyID === id);
  if (!key || key.state !== "Enabled") throw new RestError(403, REST.akUnknown(id));
  const expected = Buffer.from(accessKeySignature(String(key.AccessKeySecret), method, date as string, uri));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new RestError(403, REST.akSignature);
  return {
    session: {
      uuid: key.uuid,
      accountUuid: key.accountUuid as string,
      userUuid: key.userUuid as string,
      noSessionEvaluation: true,
    },
  };
}

/**
 * @param uri the decoded request path without the context path and the query string (signed for AK)
 * @param sessionErrorCode how an invalid session is reported
 */
export function authenticate(
  world: SimWorld,
  header: HeaderGetter,
  method: string,
  uri: string,
  now: number,
  sessionErrorCode: SessionErrorCode,
): AuthOutcome {
  const raw = header("authorization");
  if (raw === undefined) throw new RestError(400, REST.missingAuth);
  const auth = raw.trim();
  if (auth.startsWith("OAuth")) return lookupSession(world, auth.replace("OAuth", "").trim(), now, sessionErrorCode);
  if (auth.startsWith("ZStack")) return accessKeyAuth(world, auth, header, method, uri, now);
  throw new RestError(400, REST.authType);
}
