// Typed errors: is the resource gone? (provider/client/errors.ts). No HTTP here.
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
