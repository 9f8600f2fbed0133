import { VM_STATE_ERROR_DESCRIPTION } from "../assumptions";

/**
 * ZStack error codes (docs/zstack-wire.md §5) and the two ways the REST server fails:
 * - `RestError`: REST-layer failure, a plain-text body with a 4xx/5xx status (§3.4);
 * - `ApiFailure`: the API ran and failed, `{"error": ErrorCode}` with 503 (sync, or on the api-jobs poll).
 */

/** Descriptions, verbatim from conf/errorCodes/*.xml (§5.2). */
export const ERROR_DESCRIPTIONS = {
  "SYS.1000": "An internal error happened in system",
  "SYS.1001": "A message or a operation timeout",
  "SYS.1003": "A resource can not be found",
  "SYS.1006": "An operation failed",
  "SYS.1007": "One or more API argument is invalid",
  "SYS.1012": "The management node is unavailable",
  "SYS.1017": "A message or a operation cancelled",
  "ID.1000": "Unable to authenticate a user",
  "ID.1001": "The session is invalid, either wrong session id or the session has been expired",
  // a newer node's code for the same error; its description is an assumption (SESSION_ERROR_CODES)
  ORG_ZSTACK_IDENTITY_10020: "The session is invalid, either wrong session id or the session has been expired",
  "ID.1006": "Max number of active sessions exceeded",
  "LONG_JOB.1000": "long job has been canceled",
  "LONG_JOB.1003": "operation is not supported.",
  // VmErrors.NOT_IN_CORRECT_STATE; its description text is an assumption
  "VM.1010": VM_STATE_ERROR_DESCRIPTION,
} as const;

export type ErrorCodeId = keyof typeof ERROR_DESCRIPTIONS;

export interface ErrorCode {
  code: string;
  description: string;
  details: string;
  elaboration?: string;
  cause?: ErrorCode;
  opaque?: Record<string, unknown>;
}

const MAX_DETAILS = 4096;

export function errorCode(code: ErrorCodeId, details: string, cause?: ErrorCode): ErrorCode {
  const e: ErrorCode = {
    code,
    description: ERROR_DESCRIPTIONS[code],
    details: details.length > MAX_DETAILS ? details.slice(0, MAX_DETAILS) : details,
  };
  if (cause) e.cause = cause;
  return e;
}

/** A REST-layer error: plain-text body. */
export class RestError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(body);
  }
}

/** An API-level failure: `{"error": …}` with 503. */
export class ApiFailure extends Error {
  constructor(readonly error: ErrorCode) {
    super(`${error.code}: ${error.details}`);
  }
}

export function fail(code: ErrorCodeId, details: string, cause?: ErrorCode): never {
  throw new ApiFailure(errorCode(code, details, cause));
}

/** SYS.1007 argument errors (`argerr`). */
export function argerr(details: string): never {
  return fail("SYS.1007", details);
}

/** SYS.1006 operation errors (`operr`). */
export function operr(details: string): never {
  return fail("SYS.1006", details);
}

/** Java's `List.toString()`: `[a, b, c]`. */
export function javaList(values: readonly unknown[]): string {
  return `[${values.map((v) => String(v)).join(", ")}]`;
}

/**
 * Validator detail templates of ApiMessageParamValidator, ApiMediatorImpl and PortApiValidator (§5.3).
 * `msg` is the fully qualified class name of the API message.
 */
export const T = {
  mandatory: (field: string, msg: string) => `field[${field}] of message[${msg}] is mandatory, can not be null`,
  maxLength: (field: string, msg: string, max: number, actual: number) =>
    `field[${field}] of message[${msg}] exceeds max length of string. expected was <= ${max}, actual was ${actual}`,
  validValues: (field: string, msg: string, valid: readonly string[], found: unknown) =>
    `valid value for field[${field}] of message[${msg}] are ${javaList(valid)}, but ${String(found)} found`,
  nonEmptyList: (field: string) => `field[${field}] must be a nonempty list`,
  nullElement: (field: string) => `field[${field}] cannot contain a NULL element`,
  emptyString: (field: string) => `field[${field}] cannot be an empty string`,
  range: (field: string, min: number | string, max: number | string) =>
    `field[${field}] must be in range of [${min}, ${max}]`,
  invalidResourceUuid: (uuid: string) =>
    `resourceUuid[${uuid}] is not a valid uuid. A valid uuid is a UUID(v4 recommended) with '-' stripped. ` +
    "see http://en.wikipedia.org/wiki/Universally_unique_identifier for format of UUID, the regular expression ZStack uses" +
    " to validate a UUID is '[0-9a-f]{8}[0-9a-f]{4}[1-5][0-9a-f]{3}[89ab][0-9a-f]{3}[0-9a-f]{12}'",
  notFound: (field: string, uuid: string, type: string) =>
    `invalid field[${field}], resource[uuid:${uuid}, type:${type}] not found`,
  notFoundList: (field: string, uuids: readonly string[], type: string) =>
    `invalid field[${field}], resource[uuids:${javaList(uuids)}, type:${type}] not found`,
  sessionExpired: "Session expired",
  sessionUuidNull: "session uuid is null",
  wrongAccountPassword: "wrong account name or password",
  wrongUserPassword: "wrong account or username or password",
} as const;

/** REST-layer plain-text messages (RestServer, AccessKeyManager). */
export const REST = {
  noApiMapping: (path: string) => `no api mapping to ${path}`,
  jobExpired: "the job has been expired",
  jobMethod: "only GET method is allowed for querying job status",
  missingAuth: "missing header 'Authorization'",
  authType: "Authorization type must be 'OAuth'",
  badJobUuid: "Invalid header[X-Job-UUID], it must be a UUID with '-' stripped",
  duplicateJob: (uuid: string) => `Duplicate job uuid[${uuid}]`,
  noActionMapping: (path: string) => `the body doesn't contain action mapping to the URL[${path}]`,
  methodNotAllowed: (method: string, uri: string) => `The method[${method}] is not allowed for the path[${uri}]`,
  noCreationalApi: (uri: string) => `No creational API found for the path[${uri}]`,
  noQueryApi: (uri: string) => `No query API found for the path[${uri}]`,
  noDeleteApi: (uri: string) => `No delete API found for the path[${uri}]`,
  notInt: (field: string, value: string) => `[${field}] field is excepted an int or long, but was [${value}].`,
  notBoolean: (field: string, value: string) =>
    `Invalid value for boolean field [${field}], [${value}] is not a valid boolean string[true, false].`,
  dateMissing: "'Date' must be incuded in request header",
  dateFormat: "'Date' format error, correct format is 'EEE, dd MMM yyyy HH:mm:ss z'",
  timeSkewed: "requestTimeTooSkewed",
  akFormat: "accessKey format is 'ZStack AccessKeyId:Signature'",
  akInvalid: "Invalid authKey format",
  akUnknown: (id: string) => `access key id: ${id} does not existed or disabled`,
  akSignature: "wrong accessKey signature",
  queryNoOperator: (cond: string, ops: readonly string[]) =>
    `Invalid query parameter. The '${cond}' in the parameter[q] doesn't contain any query operator. Valid query operators are ${javaList(ops)}`,
  queryNotPair: (cond: string, op: string) =>
    `Invalid query parameter. The '${cond}' in parameter[q] is not a key-value pair split by ${op}`,
  queryLimit: "Invalid query parameter. 'limit' must be an integer",
  queryStart: "Invalid query parameter. 'start' must be an integer",
  queryFields: "Invalid query parameter. 'fields' contains zero field",
} as const;
