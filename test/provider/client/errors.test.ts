// Typed errors: is the resource gone? is the session expired? (provider/client/errors.ts). No HTTP here.
import * as assert from "assert";
import { ZStackApiError, ZStackHttpError, isNotFoundError } from "../../../provider/client";

describe("client: is the resource gone?", () => {
  const target = "abcdefabcdefabcdefabcdefabcdef12";
  const other = "0123456789abcdef0123456789abcdef";
  const api = (code: string, details: string) => new ZStackApiError("x", { code, description: "d", details });

  it("with the target uuid: SYS.1003 naming it, or the manager's own 'not found' about it", () => {
    const yes = [
      api("SYS.1003", `invalid field[uuid], resource[uuid:${target}, type:ImagePackageVO] not found`),
      api("SYS.1003", `invalid field[uuids], resource[uuids:[${other}, ${target}], type:VmInstanceVO] not found`),
      api("SYS.1006", `ova package[uuid: ${target}] not found.`),
      api("SYS.1006", `vm[uuid:${target}] does not exist`),
      api("SYS.1007", `Not found the vm to be exported with the uuid: ${target}`),
    ];
    for (const e of yes) assert.ok(e.isNotFound(target), e.details);
    for (const e of yes) assert.ok(!e.isNotFound(other) || /uuids:/.test(e.details), `other: ${e.details}`);
  });

  it("does not swallow unrelated failures that merely say 'not found'", () => {
    const no = [
      api("SYS.1006", `host[uuid:${other}] not found while deleting vm[uuid:${target}]`),
      api("SYS.1006", `cannot delete image package[uuid:${target}]: backup storage[uuid:${other}] not found`),
      api("SYS.1006", "the file /var/lib/zstack/x.ova is not found"),
      api("SYS.1003", `invalid field[uuid], resource[uuid:${other}, type:HostVO] not found`),
      api("SYS.1000", `resource[uuid:${target}] deleted twice; not found`),
    ];
    for (const e of no) assert.ok(!e.isNotFound(target), e.details);
  });

  it("without a uuid (the old call): only SYS.1003 with ZStack's template", () => {
    assert.ok(
      api("SYS.1003", `invalid field[uuid], resource[uuid:${target}, type:VmInstanceVO] not found`).isNotFound(),
    );
    assert.ok(!api("SYS.1006", `ova package[uuid: ${target}] not found.`).isNotFound());
    assert.ok(!api("SYS.1006", "host not found").isNotFound());
    assert.ok(!api("SYS.1003", "something else").isNotFound());
  });

  it("HTTP 404s count only when they say that this uuid is not found", () => {
    assert.ok(
      !isNotFoundError(new ZStackHttpError("x", 404, `no api mapping to /v1/image-packages/${target}`), target),
    );
    assert.ok(!isNotFoundError(new ZStackHttpError("x", 404, "the job has been expired"), target));
    assert.ok(!isNotFoundError(new ZStackHttpError("x", 404, "Not Found"), target));
    assert.ok(isNotFoundError(new ZStackHttpError("x", 404, `image package[uuid:${target}] not found`), target));
    assert.ok(!isNotFoundError(new ZStackHttpError("x", 404, `image package[uuid:${target}] not found`)));
    assert.ok(!isNotFoundError(new Error(`resource[uuid:${target}] not found`), target));
  });
});

describe("client: is the session expired?", () => {
  const api = (error: Record<string, unknown>) => new ZStackApiError("x", error);

  it("yes for ID.1001 and ORG_ZSTACK_IDENTITY_10020, as code or as globalErrorCode", () => {
    const yes = [
      { code: "ID.1001", description: "d", details: "x" },
      { code: "ORG_ZSTACK_IDENTITY_10020", description: "d", details: "x" },
      { code: "SYS.1006", globalErrorCode: "ORG_ZSTACK_IDENTITY_10020", description: "d", details: "x" },
      { code: "SYS.1006", globalErrorCode: "ID.1001", description: "d", details: "x" },
    ];
    for (const e of yes) assert.ok(api(e).isSessionExpired(), JSON.stringify(e));
  });

  it("yes when the details or the description say the session is invalid or expired, whatever the code", () => {
    const yes = [
      { code: "SYS.1006", description: "An operation failed", details: "Session expired" },
      { code: "SYS.1000", description: "d", details: "the SESSION[uuid:abc] is invalid" },
      { code: "X.1", description: "The session is invalid, either wrong session id or the session has been expired" },
    ];
    for (const e of yes) assert.ok(api(e).isSessionExpired(), JSON.stringify(e));
  });

  it("no for other failures, including ones that mention a session without saying it is invalid", () => {
    const no = [
      { code: "SYS.1007", description: "One or more API argument is invalid", details: "field[name] is invalid" },
      { code: "ID.1006", description: "Max number of active sessions exceeded", details: "too many sessions" },
      { code: "ID.1000", description: "Unable to authenticate a user", details: "wrong account name or password" },
      { code: "SYS.1006", globalErrorCode: "ORG_ZSTACK_IDENTITY_10021", description: "d", details: "x" },
    ];
    for (const e of no) assert.ok(!api(e).isSessionExpired(), JSON.stringify(e));
  });
});
