/**
 * The VCenter resource: a vCenter registered in ZStack (AddVCenter, docs/zstack-wire.md §13), so
 * that its VMs are known to ZStack as ESX VmInstances, the sources of V2vMigration. Its name,
 * connection and state are kept as the program says; `syncTrigger` re-synchronises it (SyncVCenter).
 * Its inputs are declared in `inputs.ts`.
 */
import {
  VCenterChange,
  VCenterInventory,
  ZStackApiError,
  ZStackClient,
  ZStackError,
  addVCenter,
  deleteVCenter,
  getReference,
  getVCenter,
  isNotFoundError,
  randomZStackUuid,
  redactText,
  syncVCenter,
  updateVCenter,
  vCentersWithDomain,
} from "../client";
import { ProviderContext } from "../core/context";
import { createCallArgs } from "../core/input-table";
import {
  DiffResult,
  adoptOrSubmit,
  answerOrRefetch,
  checkInputs,
  diffInputs,
  echoedInputs,
  ignoreGone,
  recordedFailure,
  recordedInputs,
  resourceLabel,
  secretsOf,
  vanishedBeforeUpdate,
} from "../core/lifecycle";
import { CheckResult, ResourceLogic } from "../core/resource";
import { Validator, tagItem, uuidItem } from "../core/validation";
import { jsonEqual, withoutUndefined } from "../core/values";
import { VCENTER_INPUTS, VCENTER_MESSAGE, VCENTER_STATES, VCenterInputs, VCenterOutputs } from "./inputs";

const TYPE_NAME = "VCenter";

/** `check`'s local validation of every input. */
function validateInputs(v: Validator, adopting: boolean): void {
  if (!adopting) for (const k of ["name", "domainName", "username", "password", "zoneUuid"]) v.required(k);
  for (const k of ["zoneUuid", "adoptUuid"]) v.uuid(k);
  v.string("name", { maxLength: 255, nonEmpty: true });
  v.string("description", { maxLength: 2048 });
  const domain = v.string("domainName", { maxLength: 255, nonEmpty: true });
  if (domain !== undefined && /[\s/]|:\/\//.test(domain))
    v.fail("domainName", `domainName must be a host name or an address (no scheme, path or spaces), got "${domain}"`);
  v.string("username", { maxLength: 255, nonEmpty: true });
  v.string("password", { maxLength: 255, nonEmpty: true });
  v.integer("port", 1, 65535);
  v.boolean("https");
  v.oneOf("state", VCENTER_STATES);
  v.string("syncTrigger");
  v.resourceUuid("resourceUuid");
  v.list("tagUuids", uuidItem);
  v.list("systemTags", tagItem);
  v.list("userTags", tagItem);
}

/** AddVCenter's refusals that ZStack can be asked about before anything is added. */
async function checkReferences(c: ZStackClient, v: Validator): Promise<void> {
  const zoneUuid = v.value("zoneUuid") as string | undefined;
  const domainName = v.value("domainName") as string | undefined;
  const resourceUuid = v.value("resourceUuid") as string | undefined;
  const [zone, registered] = await Promise.all([
    zoneUuid ? getReference(c, "QueryZone", zoneUuid) : undefined,
    domainName ? vCentersWithDomain(c, domainName) : [],
  ]);
  if (zoneUuid && !zone) v.notFound("zoneUuid", zoneUuid, "ZoneVO");
  const other = registered.find((vc) => vc.uuid !== resourceUuid);
  if (other)
    v.fail(
      "domainName",
      `the vCenter ${domainName} is already registered in ZStack as vCenter[uuid:${other.uuid}, name:${other.name}]; adopt it with adoptUuid`,
    );
}

/** The registration must be of the declared vCenter. */
function verifyVCenter(vc: VCenterInventory, inputs: VCenterInputs, field: string): void {
  if (inputs.domainName && vc.domainName && vc.domainName !== inputs.domainName)
    throw new ZStackError(
      `${field} ${vc.uuid} names the vCenter ${vc.domainName}, but domainName is ${inputs.domainName}`,
    );
}

export class VCenterResource implements ResourceLogic<VCenterInputs, VCenterOutputs> {
  readonly typeName = TYPE_NAME;

  constructor(private readonly ctx: ProviderContext) {}

  // ------------------------------------------------------------------ check

  check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<CheckResult> {
    return checkInputs(olds, news, {
      typeName: TYPE_NAME,
      message: VCENTER_MESSAGE,
      inputs: VCENTER_INPUTS,
      ctx: this.ctx,
      validate: (v, adopting) => validateInputs(v, adopting),
      adopt: {
        get: getVCenter,
        type: "VCenterVO",
        verify: (vc, v) => {
          const domainName = v.value("domainName");
          if (typeof domainName === "string" && vc.domainName && vc.domainName !== domainName)
            v.fail("domainName", `the vCenter[uuid: ${vc.uuid}] is ${vc.domainName}, not ${domainName}`);
        },
      },
      checkReferences: (c, v) => checkReferences(c, v),
    });
  }

  // ------------------------------------------------------------------ diff

  diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>): DiffResult {
    return diffInputs(VCENTER_INPUTS, olds, news, {
      // unset, `https` is ZStack's default (the recorded output); an adopted registration's connection
      // comes from ZStack when the program does not name it
      ignore: (k) =>
        (news[k] === undefined || news[k] === null) &&
        (k === "https" ||
          (news.adoptUuid !== undefined && ["domainName", "username", "password", "zoneUuid", "name"].includes(k))),
    });
  }

  // ------------------------------------------------------------------ create

  async create(inputs: VCenterInputs): Promise<{ id: string; outs: VCenterOutputs }> {
    const c = this.ctx.client();
    const secrets = secretsOf(c, VCENTER_INPUTS, inputs);
    const label = resourceLabel(TYPE_NAME, inputs, inputs.name ?? inputs.adoptUuid);
    const resourceUuid = inputs.resourceUuid ?? randomZStackUuid();
    const { found } = await adoptOrSubmit({
      label,
      kind: "vCenter",
      adoptUuid: inputs.adoptUuid,
      resourceUuid,
      get: (uuid) => getVCenter(c, uuid),
      verify: (vc, field) => verifyVCenter(vc, inputs, field),
      submit: async (uuid) => {
        this.ctx.log(`${label}: registering vCenter ${inputs.domainName} as ${uuid} (AddVCenter, which syncs its VMs)`);
        try {
          const vc = await addVCenter(c, createCallArgs(VCENTER_INPUTS, { ...inputs, resourceUuid: uuid }));
          return await answerOrRefetch(vc, () => getVCenter(c, uuid), { ...vc, uuid });
        } catch (e) {
          // nothing half-registered: a registration the failed add left behind is removed
          if ((await getVCenter(c, uuid).catch(() => undefined)) !== undefined)
            await ignoreGone(deleteVCenter(c, uuid), uuid).catch(() => undefined);
          throw this.refused(`${label}: ZStack refused to register vCenter ${inputs.domainName}`, e, secrets);
        }
      },
      log: (l) => this.ctx.log(l),
    });
    try {
      const vc = await this.converge(c, found, inputs, undefined, label);
      return { id: vc.uuid!, outs: this.outputs(inputs, vc) };
    } catch (e) {
      // the registration exists: record it, so that the next up retries the rest instead of adding again
      throw recordedFailure(
        `${label}: vCenter ${found.uuid} was registered, but setting it as declared failed: ${(e as Error).message}`,
        found.uuid!,
        this.outputs(inputs, found),
        secrets,
      );
    }
  }

  /** ZStack's error `e` as this resource's, with ZStack's reason, redacted of every secret. */
  private refused(what: string, e: unknown, secrets: readonly string[]): Error {
    if (!(e instanceof ZStackApiError)) return e instanceof Error ? e : new Error(String(e));
    return new ZStackError(redactText(`${what} (${e.code}): ${e.details || e.description}`, secrets), { cause: e });
  }

  /**
   * UpdateVCenter for what differs (the fields ZStack shows, and a password or sync trigger that
   * changed since `olds`), then SyncVCenter when `syncTrigger` changed.
   */
  private async converge(
    c: ZStackClient,
    vc: VCenterInventory,
    want: VCenterInputs,
    olds: VCenterOutputs | undefined,
    label: string,
  ): Promise<VCenterInventory> {
    const uuid = vc.uuid!;
    const secrets = secretsOf(c, VCENTER_INPUTS, want);
    const change: VCenterChange = {};
    const set = <T>(x: T | undefined | null): x is T => x !== undefined && x !== null;
    if (set(want.name) && want.name !== vc.name) change.name = want.name;
    if (set(want.description) && want.description !== vc.description) change.description = want.description;
    if (set(want.domainName) && want.domainName !== vc.domainName) change.domainName = want.domainName;
    if (set(want.port) && want.port !== vc.port) change.port = want.port;
    if (set(want.username) && want.username !== vc.userName) change.username = want.username;
    if (set(want.state) && want.state !== vc.state) change.state = want.state;
    // ZStack never shows the password: it changed when the program's changed
    if (olds && set(want.password) && !jsonEqual(olds.password, want.password)) change.password = want.password;
    let latest = vc;
    if (Object.keys(change).length) {
      this.ctx.log(`${label}: updating ${Object.keys(change).join(", ")} of vCenter ${uuid}`);
      try {
        const updated = await updateVCenter(c, uuid, change);
        latest = await answerOrRefetch(updated, () => getVCenter(c, uuid), latest);
      } catch (e) {
        throw this.refused(`${label}: ZStack refused to update vCenter ${uuid}`, e, secrets);
      }
    }
    if (olds && !jsonEqual(olds.syncTrigger, want.syncTrigger)) {
      this.ctx.log(`${label}: syncTrigger changed; synchronising vCenter ${uuid} (SyncVCenter)`);
      try {
        await syncVCenter(c, uuid);
      } catch (e) {
        throw this.refused(`${label}: SyncVCenter of vCenter ${uuid} failed`, e, secrets);
      }
      latest = (await getVCenter(c, uuid)) ?? latest;
    }
    return latest;
  }

  // ------------------------------------------------------------------ read

  async read(id: string, props: VCenterOutputs): Promise<{ id?: string; props?: VCenterOutputs }> {
    const c = this.ctx.client();
    const vc = await getVCenter(c, id);
    if (!vc) return { id: undefined };
    return { id, props: this.outputs(recordedInputs<VCenterInputs>(VCENTER_INPUTS, props), vc) };
  }

  // ------------------------------------------------------------------ update

  async update(id: string, olds: VCenterOutputs, news: VCenterInputs): Promise<{ outs: VCenterOutputs }> {
    const c = this.ctx.client();
    const label = resourceLabel(TYPE_NAME, news, news.name ?? id);
    const vc = await getVCenter(c, id);
    if (!vc) throw vanishedBeforeUpdate(label, "vCenter", id);
    return { outs: this.outputs(news, await this.converge(c, vc, news, olds, label)) };
  }

  // ------------------------------------------------------------------ delete

  async delete(id: string, props: VCenterOutputs): Promise<void> {
    const c = this.ctx.client();
    const label = resourceLabel(TYPE_NAME, props, props.name ?? id);
    if (!(await getVCenter(c, id))) return;
    this.ctx.log(`${label}: deleting vCenter ${id} (DeleteVCenter: ZStack forgets its VMware VMs)`);
    try {
      await ignoreGone(deleteVCenter(c, id), id);
    } catch (e) {
      if (e instanceof ZStackApiError && !isNotFoundError(e, id)) {
        throw new ZStackError(
          c.redact(
            `${label}: ZStack refused to delete vCenter ${id} (${e.code}): ${e.details || e.description}. ` +
              "If migrations of its VMs are running, wait for them to end (or cancel them), then run the destroy again.",
          ),
          { cause: e },
        );
      }
      throw e;
    }
  }

  // ------------------------------------------------------------------ outputs

  private outputs(inputs: VCenterInputs, vc: VCenterInventory): VCenterOutputs {
    return withoutUndefined({
      ...echoedInputs<VCenterInputs>(VCENTER_INPUTS, inputs),
      uuid: vc.uuid!,
      name: vc.name ?? inputs.name,
      description: vc.description ?? inputs.description,
      domainName: vc.domainName ?? inputs.domainName,
      username: vc.userName ?? inputs.username,
      zoneUuid: vc.zoneUuid ?? inputs.zoneUuid,
      port: vc.port ?? inputs.port,
      https: vc.https ?? inputs.https,
      state: (vc.state ?? inputs.state) as VCenterInputs["state"],
      userName: vc.userName,
      version: vc.version,
      status: vc.status,
      createDate: vc.createDate,
      lastOpDate: vc.lastOpDate,
    });
  }
}
