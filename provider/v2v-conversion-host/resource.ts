/**
 * The V2vConversionHost resource: a KVM host registered as a V2V conversion host
 * (AddV2VConversionHost, docs/zstack-wire.md §7.5), its name, description, cache directory and
 * state kept as the program says. Its inputs are declared in `inputs.ts`.
 */
import {
  V2VConversionHostInventory,
  ZStackApiError,
  ZStackClient,
  ZStackError,
  addV2VConversionHost,
  changeV2VConversionHostState,
  conversionHostsOnHost,
  deleteV2VConversionHost,
  getConversionHost,
  getReference,
  isNotFoundError,
  randomZStackUuid,
  updateV2VConversionHost,
} from "../client";
import { createCallArgs } from "../core/input-table";
import { ProviderContext } from "../core/context";
import {
  DiffResult,
  adoptOrSubmit,
  answerOrRefetch,
  recordedFailure,
  recordedInputs,
  secretsOf,
  checkInputs,
  diffInputs,
  echoedInputs,
  ignoreGone,
  resourceLabel,
  vanishedBeforeUpdate,
} from "../core/lifecycle";
import { CheckResult, ResourceLogic } from "../core/resource";
import { Validator, tagItem, uuidItem } from "../core/validation";
import {
  CONVERSION_HOST_MESSAGE,
  CONVERSION_HOST_STATES,
  CONVERSION_HOST_TYPES,
  DEFAULT_CONVERSION_HOST_STATE,
  V2V_CONVERSION_HOST_INPUTS,
  V2vConversionHostInputs,
  V2vConversionHostOutputs,
} from "./inputs";
import { withoutUndefined } from "../core/values";

const TYPE_NAME = "V2vConversionHost";

/** The rules ZStack's agent needs for the cache directory (and the simulator enforces, assumptions.ts). */
function storagePathProblem(path: string): string | undefined {
  if (!path.startsWith("/")) return `storagePath must be an absolute path (starting with /), got "${path}"`;
  if (path.replace(/\/+$/, "") === "") return "storagePath must not be / itself: ZStack cleans this directory";
  if (path.split("/").includes("..")) return `storagePath must not contain '..' segments, got "${path}"`;
  return undefined;
}

/** `check`'s local validation of every input. */
function validateInputs(v: Validator, adopting: boolean): void {
  if (!adopting) for (const k of ["name", "hostUuid", "storagePath", "type"]) v.required(k);
  for (const k of ["hostUuid", "adoptUuid"]) v.uuid(k);
  v.string("name", { maxLength: 255 });
  v.string("description", { maxLength: 2048 });
  const path = v.string("storagePath", { maxLength: 2048 });
  if (path !== undefined) {
    const problem = storagePathProblem(path);
    if (problem) v.fail("storagePath", problem);
  }
  v.oneOf("type", CONVERSION_HOST_TYPES);
  v.oneOf("state", CONVERSION_HOST_STATES);
  v.resourceUuid("resourceUuid");
  v.list("tagUuids", uuidItem);
  v.list("systemTags", tagItem);
  v.list("userTags", tagItem);
}

/** AddV2VConversionHost's refusals, asked of ZStack before anything is added. */
async function checkReferences(c: ZStackClient, v: Validator): Promise<void> {
  const hostUuid = v.value("hostUuid") as string | undefined;
  const resourceUuid = v.value("resourceUuid") as string | undefined;
  if (!hostUuid) return;
  const [host, onHost] = await Promise.all([
    getReference(c, "QueryHost", hostUuid),
    conversionHostsOnHost(c, hostUuid),
  ]);
  if (!host) {
    v.notFound("hostUuid", hostUuid, "HostVO");
    return;
  }
  if (host.hypervisorType !== undefined && host.hypervisorType !== "KVM") {
    v.fail(
      "hostUuid",
      `host[uuid:${hostUuid}] is not a KVM host (hypervisorType: ${host.hypervisorType}): only a KVM host can be a V2V conversion host`,
    );
  } else if (host.status !== undefined && host.status !== "Connected") {
    v.fail("hostUuid", `host[uuid:${hostUuid}] is not Connected (status: ${host.status})`);
  } else {
    const other = onHost.find((ch) => ch.uuid !== resourceUuid);
    if (other)
      v.fail(
        "hostUuid",
        `host[uuid:${hostUuid}] is already the V2V conversion host[uuid:${other.uuid}, name:${other.name}]; adopt it with adoptUuid`,
      );
  }
}

export class V2vConversionHostResource implements ResourceLogic<V2vConversionHostInputs, V2vConversionHostOutputs> {
  readonly typeName = TYPE_NAME;

  constructor(private readonly ctx: ProviderContext) {}

  // ------------------------------------------------------------------ check

  async check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<CheckResult> {
    const r = await checkInputs(olds, news, {
      typeName: TYPE_NAME,
      message: CONVERSION_HOST_MESSAGE,
      inputs: V2V_CONVERSION_HOST_INPUTS,
      ctx: this.ctx,
      validate: (v, adopting) => validateInputs(v, adopting),
      adopt: {
        get: getConversionHost,
        type: "V2VConversionHostVO",
        verify: (ch, v) => {
          const hostUuid = v.value("hostUuid") as string | undefined;
          const type = v.value("type") as string | undefined;
          if (hostUuid && ch.hostUuid && ch.hostUuid !== hostUuid)
            v.fail(
              "hostUuid",
              `the conversion host[uuid: ${ch.uuid}] is on host[uuid: ${ch.hostUuid}], not ${hostUuid}`,
            );
          if (type && ch.type && ch.type !== type)
            v.fail("type", `the conversion host[uuid: ${ch.uuid}] is of type ${ch.type}, not ${type}`);
        },
      },
      checkReferences: (c, v) => checkReferences(c, v),
    });
    // `state` defaults to Enabled; an adopted conversion host keeps ZStack's unless the program sets it
    if (
      (r.inputs.state === undefined || r.inputs.state === null) &&
      (r.inputs.adoptUuid === undefined || r.inputs.adoptUuid === null)
    ) {
      r.inputs.state = DEFAULT_CONVERSION_HOST_STATE;
    }
    return r;
  }

  // ------------------------------------------------------------------ diff

  diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>): DiffResult {
    return diffInputs(V2V_CONVERSION_HOST_INPUTS, olds, news, {
      // an adopted conversion host's host and type come from ZStack when the program does not name them
      ignore: (k) => (k === "hostUuid" || k === "type") && news.adoptUuid !== undefined && news[k] === undefined,
    });
  }

  // ------------------------------------------------------------------ create

  async create(inputs: V2vConversionHostInputs): Promise<{ id: string; outs: V2vConversionHostOutputs }> {
    const c = this.ctx.client();
    const label = resourceLabel(TYPE_NAME, inputs, inputs.name ?? inputs.adoptUuid);
    const { found } = await adoptOrSubmit({
      label,
      kind: "conversion host",
      adoptUuid: inputs.adoptUuid,
      resourceUuid: inputs.resourceUuid ?? randomZStackUuid(),
      get: (uuid) => getConversionHost(c, uuid),
      verify: (ch, field) => verifyHost(ch, inputs, field),
      submit: async (resourceUuid) => {
        this.ctx.log(
          `${label}: adding host ${inputs.hostUuid} as V2V conversion host ${resourceUuid} (${inputs.type}, cache ${inputs.storagePath})`,
        );
        const ch = await addV2VConversionHost(
          c,
          createCallArgs(V2V_CONVERSION_HOST_INPUTS, { ...inputs, resourceUuid }),
        );
        return answerOrRefetch(ch, () => getConversionHost(c, resourceUuid), { ...ch, uuid: resourceUuid });
      },
      log: (l) => this.ctx.log(l),
    });
    try {
      const ch = await this.converge(c, found, inputs, label);
      return { id: ch.uuid!, outs: this.outputs(inputs, ch) };
    } catch (e) {
      // the conversion host exists: record it, so that the next up retries the rest instead of adding again
      const reason = `${label}: conversion host ${found.uuid} was added, but setting it as declared failed: ${(e as Error).message}`;
      throw recordedFailure(
        reason,
        found.uuid!,
        this.outputs(inputs, found),
        secretsOf(c, V2V_CONVERSION_HOST_INPUTS, inputs),
      );
    }
  }

  /** UpdateV2VConversionHost for the set fields that differ, then ChangeV2VConversionHostState. */
  private async converge(
    c: ZStackClient,
    ch: V2VConversionHostInventory,
    want: V2vConversionHostInputs,
    label: string,
  ): Promise<V2VConversionHostInventory> {
    const uuid = ch.uuid!;
    const change: { name?: string; description?: string; storagePath?: string } = {};
    for (const k of ["name", "description", "storagePath"] as const) {
      if (want[k] !== undefined && want[k] !== null && want[k] !== ch[k]) change[k] = want[k];
    }
    let latest = ch;
    if (Object.keys(change).length) {
      this.ctx.log(`${label}: updating ${Object.keys(change).join(", ")} of conversion host ${uuid}`);
      const updated = await updateV2VConversionHost(c, uuid, change);
      latest = await answerOrRefetch(updated, () => getConversionHost(c, uuid), latest);
    }
    const state = want.state;
    if (state && state !== latest.state) {
      this.ctx.log(`${label}: ${state === "Enabled" ? "enabling" : "disabling"} conversion host ${uuid}`);
      const changed = await changeV2VConversionHostState(c, uuid, state);
      latest = await answerOrRefetch(changed, () => getConversionHost(c, uuid), latest);
    }
    return latest;
  }

  // ------------------------------------------------------------------ read

  async read(id: string, props: V2vConversionHostOutputs): Promise<{ id?: string; props?: V2vConversionHostOutputs }> {
    const c = this.ctx.client();
    const ch = await getConversionHost(c, id);
    if (!ch) return { id: undefined };
    return { id, props: this.outputs(recordedInputs<V2vConversionHostInputs>(V2V_CONVERSION_HOST_INPUTS, props), ch) };
  }

  // ------------------------------------------------------------------ update

  async update(
    id: string,
    _olds: V2vConversionHostOutputs,
    news: V2vConversionHostInputs,
  ): Promise<{ outs: V2vConversionHostOutputs }> {
    const c = this.ctx.client();
    const label = resourceLabel(TYPE_NAME, news, news.name ?? id);
    const ch = await getConversionHost(c, id);
    if (!ch) throw vanishedBeforeUpdate(label, "conversion host", id);
    return { outs: this.outputs(news, await this.converge(c, ch, news, label)) };
  }

  // ------------------------------------------------------------------ delete

  async delete(id: string, props: V2vConversionHostOutputs): Promise<void> {
    const c = this.ctx.client();
    const label = resourceLabel(TYPE_NAME, props, props.name ?? id);
    if (!(await getConversionHost(c, id))) return;
    this.ctx.log(`${label}: deleting conversion host ${id}`);
    try {
      await ignoreGone(deleteV2VConversionHost(c, id), id);
    } catch (e) {
      if (e instanceof ZStackApiError && !isNotFoundError(e, id)) {
        throw new ZStackError(
          c.redact(
            `${label}: ZStack refused to delete conversion host ${id} (${e.code}): ${e.details || e.description}. ` +
              "If migrations are using it, wait for them to end (or cancel them), then run the destroy again.",
          ),
          { cause: e },
        );
      }
      throw e;
    }
  }

  // ------------------------------------------------------------------ outputs

  private outputs(inputs: V2vConversionHostInputs, ch: V2VConversionHostInventory): V2vConversionHostOutputs {
    return withoutUndefined({
      ...echoedInputs<V2vConversionHostInputs>(V2V_CONVERSION_HOST_INPUTS, inputs),
      uuid: ch.uuid!,
      name: ch.name ?? inputs.name,
      description: ch.description ?? inputs.description,
      hostUuid: ch.hostUuid ?? inputs.hostUuid,
      storagePath: ch.storagePath ?? inputs.storagePath,
      type: (ch.type ?? inputs.type) as V2vConversionHostInputs["type"],
      state: ch.state ?? inputs.state,
      totalSize: ch.totalSize,
      availableSize: ch.availableSize,
      hostStatus: ch.hostStatus,
      hostState: ch.hostState,
      createDate: ch.createDate,
      lastOpDate: ch.lastOpDate,
    });
  }
}

/** An adopted (or already added) conversion host must be on the declared host, of the declared type. */
function verifyHost(ch: V2VConversionHostInventory, inputs: V2vConversionHostInputs, field: string): void {
  if (inputs.hostUuid && ch.hostUuid && ch.hostUuid !== inputs.hostUuid) {
    throw new ZStackError(
      `${field} ${ch.uuid} names the conversion host on host ${ch.hostUuid}, but hostUuid is ${inputs.hostUuid}`,
    );
  }
  if (inputs.type && ch.type && ch.type !== inputs.type) {
    throw new ZStackError(`${field} ${ch.uuid} names a conversion host of type ${ch.type}, but type is ${inputs.type}`);
  }
}
