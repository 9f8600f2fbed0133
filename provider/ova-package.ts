/**
 * The OvaPackage dynamic provider: ExportVmOvaPackage of one stopped VM to an ImageStore backup
 * storage (zstack-api.md §7), tracked as an ImagePackage.
 */
import {
  ApiJob,
  ImagePackageInventory,
  ZStackClient,
  ZStackError,
  ZStackHttpError,
  ZStackTimeoutError,
  getBasic,
  getImagePackage,
  getVmInstance,
  imagePackagesOfVm,
  randomZStackUuid,
  schemas,
  taskProgressPercent,
} from "./client";
import {
  DiffResult,
  ProviderDeps,
  ResourceInitError,
  ZStackProviderBase,
  adoptOrSubmit,
  clean,
  diffInputs,
  ignoreGone,
  isCreateOrReplace,
  pickInputs,
  unlessUnreachable,
  withResourceUuid,
} from "./common";
import { Verified, checkVerifyInput, needsVerification, recheckOnRefresh, verifyOrRecord } from "./ova-package-verify"; // OVA verify
import { waitWithProgress } from "./polling";
import { CheckFailure, Validator, tagItem, timeoutMs, uuidItem } from "./validation";

export const OVA_MESSAGE = "org.zstack.ovf.APIExportVmOvaPackageMsg";

export interface OvaPackageTimeouts {
  /** how long create waits for the export (and update for an unfinished one); default "24h" */
  create?: string;
  /** how long delete waits for an unfinished export before deleting; default "1h" */
  delete?: string;
  /** how long the `verify` check may take; default "1h" */
  verify?: string;
}

export interface OvaPackageInputs {
  vmUuid: string;
  backupStorageUuid: string;
  name?: string;
  description?: string;
  resourceUuid?: string;
  tagUuids?: string[];
  systemTags?: string[];
  userTags?: string[];
  timeouts?: OvaPackageTimeouts;
  adoptUuid?: string;
  /** check of the exported file: "none", "size" (default) or "md5" */
  verify?: "none" | "size" | "md5";
}

export interface OvaPackageOutputs extends OvaPackageInputs {
  uuid: string;
  exportUrl?: string;
  md5Sum?: string;
  format?: string;
  size?: number;
  createDate?: string;
  lastOpDate?: string;
  state?: string;
  verified?: Verified;
}

export const OVA_REPLACE_KEYS = ["vmUuid", "backupStorageUuid", "resourceUuid", "tagUuids", "systemTags", "userTags", "adoptUuid"] as const;
export const OVA_UPDATE_KEYS = ["name", "description", "timeouts", "verify"] as const;
const INPUT_KEYS: readonly string[] = [...OVA_REPLACE_KEYS, ...OVA_UPDATE_KEYS];
const DEFAULT_CREATE_TIMEOUT = 24 * 3_600_000;
const DEFAULT_DELETE_TIMEOUT = 3_600_000;

export class OvaPackageProvider extends ZStackProviderBase {
  constructor(deps?: ProviderDeps) {
    super(deps);
  }

  // ------------------------------------------------------------------ check

  async check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<{ inputs: Record<string, unknown>; failures: CheckFailure[] }> {
    const inputs = withResourceUuid(olds, news);
    const v = new Validator(inputs, OVA_MESSAGE);
    const adopting = v.isSet("adoptUuid");
    if (!adopting) for (const k of ["vmUuid", "backupStorageUuid"]) v.required(k);
    for (const k of ["vmUuid", "backupStorageUuid", "adoptUuid"]) v.uuid(k);
    v.string("name", { maxLength: 255 });
    v.string("description", { maxLength: 2048 });
    v.resourceUuid("resourceUuid");
    v.list("tagUuids", uuidItem);
    v.list("systemTags", tagItem);
    v.list("userTags", tagItem);
    v.timeouts("timeouts", ["create", "delete", "verify"]);
    checkVerifyInput(v);
    v.unknownInputs(INPUT_KEYS, "OvaPackage");
    if (isCreateOrReplace(olds, inputs, OVA_REPLACE_KEYS)) await this.checkReferences(v, adopting);
    return { inputs, failures: v.failures };
  }

  /** ExportVmOvaPackage's own checks (OvfInterceptor order), against ZStack, before anything is created. */
  private async checkReferences(v: Validator, adopting: boolean): Promise<void> {
    const c = this.checkClient();
    if (!c) return;
    const vmUuid = v.value("vmUuid") as string | undefined;
    const bsUuid = v.value("backupStorageUuid") as string | undefined;
    const resourceUuid = v.value("resourceUuid") as string | undefined;
    const adoptUuid = v.value("adoptUuid") as string | undefined;
    await unlessUnreachable("OvaPackage", (l) => this.log(l), async () => {
      if (adopting) {
        if (!adoptUuid) return;
        const pkg = await getImagePackage(c, adoptUuid);
        if (!pkg) v.fail("adoptUuid", `invalid field[adoptUuid], resource[uuid:${adoptUuid}, type:ImagePackageVO] not found`);
        else if (vmUuid && pkg.vmUuid && pkg.vmUuid !== vmUuid) {
          v.fail("vmUuid", `the ova package[uuid: ${adoptUuid}] was exported from vm[uuid: ${pkg.vmUuid}], not ${vmUuid}`);
        }
        return;
      }
      const [packages, bs, vm] = await Promise.all([
        vmUuid ? imagePackagesOfVm(c, vmUuid) : Promise.resolve([] as ImagePackageInventory[]),
        bsUuid ? getBasic(c, "QueryBackupStorage", bsUuid) : Promise.resolve(undefined),
        vmUuid ? getVmInstance(c, vmUuid) : Promise.resolve(undefined),
      ]);
      const ours = packages.find((p) => p.uuid === resourceUuid);
      const other = packages.find((p) => p.uuid !== resourceUuid);
      if (vmUuid && other) {
        v.fail("vmUuid", `Vm[uuid: ${vmUuid}] is already exported as the ova package[uuid: ${other.uuid}], please delete the package and try again.`);
      }
      if (bsUuid) {
        if (!bs) v.fail("backupStorageUuid", `invalid field[backupStorageUuid], resource[uuid:${bsUuid}, type:BackupStorageVO] not found`);
        else if (bs.type !== "ImageStoreBackupStorage") {
          v.fail("backupStorageUuid", `Export vm requires an ImageStore backup storage, but given backupStorageUuid: ${bsUuid} is not an ImageStore backup storage.`);
        }
      }
      if (vmUuid && !ours) {
        if (!vm) v.fail("vmUuid", `Not found the vm to be exported with the uuid: ${vmUuid}`);
        else if (vm.state !== "Stopped") v.fail("vmUuid", "Only vm in state: Stopped can be exported.");
      }
    });
  }

  // ------------------------------------------------------------------ diff

  async diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<DiffResult> {
    return diffInputs(olds, news, {
      replace: OVA_REPLACE_KEYS,
      inPlace: ["timeouts", "verify"],
      inPlaceIfSet: ["name", "description"],
      // an adopted package's vm and storage come from ZStack when the program does not name them
      ignore: (k) => (k === "vmUuid" || k === "backupStorageUuid") && news.adoptUuid !== undefined && news[k] === undefined,
      // the next update waits for the export
      unfinished: olds.state === "Exporting" || needsVerification(olds, news), // or the file is not verified yet
    });
  }

  // ------------------------------------------------------------------ create

  async create(inputs: OvaPackageInputs): Promise<{ id: string; outs: OvaPackageOutputs }> {
    const c = this.client();
    const clock = this.clock();
    const deadline = clock.now() + timeoutMs(inputs.timeouts, "create", DEFAULT_CREATE_TIMEOUT);
    const what = `OvaPackage "${inputs.name ?? inputs.adoptUuid ?? inputs.vmUuid}"`;
    let { found: pkg } = await adoptOrSubmit({
      what,
      kind: "image package",
      adoptUuid: inputs.adoptUuid,
      resourceUuid: inputs.resourceUuid ?? randomZStackUuid(),
      get: (uuid) => getImagePackage(c, uuid),
      verify: (found, field) => this.verifyPackage(found, inputs, field),
      submit: (resourceUuid) => this.export(c, { ...inputs, resourceUuid }, deadline, what),
      log: (l) => this.log(l),
    });
    if (pkg.state !== "Exported") pkg = await this.waitOrRecord(c, pkg, inputs, deadline, what);
    const verified = await verifyOrRecord(this.verifyContext(c, inputs, pkg, what), pkg);
    return { id: pkg.uuid!, outs: this.outputs(inputs, pkg, verified) };
  }

  /** ExportVmOvaPackage, waiting on its api job with progress. */
  private async export(c: ZStackClient, inputs: OvaPackageInputs & { resourceUuid: string }, deadline: number, what: string): Promise<ImagePackageInventory> {
    const params: Record<string, unknown> = {};
    for (const k of ["vmUuid", "backupStorageUuid", "name", "description", "resourceUuid", "tagUuids"] as const) {
      if (inputs[k] !== undefined) params[k] = inputs[k];
    }
    const clock = this.clock();
    const startedAt = clock.now();
    const waiter = (job: ApiJob) => {
      this.log(`${what}: exporting VM ${inputs.vmUuid} as image package ${inputs.resourceUuid}`);
      return waitWithProgress({
        clock,
        policy: this.pollPolicy(),
        deadline,
        startedAt,
        what: `${what} (image package ${inputs.resourceUuid})`,
        log: (l) => this.log(l),
        probe: async () => {
          const r = await c.pollApiJob(job);
          if (r.done) return { done: true, value: r.body };
          const percent = await taskProgressPercent(c, job.jobUuid).catch(() => undefined);
          return { done: false, percent, state: "Exporting" };
        },
      });
    };
    try {
      const body = await c.call("ExportVmOvaPackage", { params, systemTags: inputs.systemTags, userTags: inputs.userTags }, waiter);
      const pkg = c.parse("ExportVmOvaPackage", 200, body, schemas().ImagePackageInventory, "inventory");
      if (!pkg.uuid) pkg.uuid = inputs.resourceUuid;
      return pkg;
    } catch (e) {
      if (e instanceof ZStackTimeoutError) {
        const pkg = await getImagePackage(c, inputs.resourceUuid).catch(() => undefined);
        if (pkg) {
          const reason = `${what}: image package ${pkg.uuid} is still ${pkg.state} at the create timeout (${inputs.timeouts?.create ?? "24h"}); the export continues in ZStack and the next pulumi up waits for it again`;
          throw new ResourceInitError(c.redact(reason), pkg.uuid!, this.outputs(inputs, pkg), [c.redact(reason)], inputs);
        }
      }
      if (e instanceof ZStackHttpError && e.status === 404) {
        // the api-job record expired: the package row tells how the export went
        const pkg = await getImagePackage(c, inputs.resourceUuid);
        if (pkg) return pkg;
      }
      throw e;
    }
  }

  private verifyPackage(pkg: ImagePackageInventory, inputs: OvaPackageInputs, field: string): void {
    if (inputs.vmUuid && pkg.vmUuid && pkg.vmUuid !== inputs.vmUuid) {
      throw new ZStackError(`${field} ${pkg.uuid} names the ova package of vm[uuid: ${pkg.vmUuid}], but vmUuid is ${inputs.vmUuid}`);
    }
    if (inputs.backupStorageUuid && pkg.backupStorageUuid && pkg.backupStorageUuid !== inputs.backupStorageUuid) {
      throw new ZStackError(
        `${field} ${pkg.uuid} names an ova package on backup storage ${pkg.backupStorageUuid}, but backupStorageUuid is ${inputs.backupStorageUuid}`,
      );
    }
  }

  /** Waits for an Exporting package found in ZStack (no api job to follow); records it on timeout. */
  private async waitOrRecord(c: ZStackClient, pkg: ImagePackageInventory, inputs: OvaPackageInputs, deadline: number, what: string): Promise<ImagePackageInventory> {
    let latest = pkg;
    try {
      return await this.waitForPackage(c, pkg.uuid!, deadline, what, (p) => (latest = p));
    } catch (e) {
      if (e instanceof ZStackTimeoutError) {
        const reason = `${what}: image package ${pkg.uuid} is still ${latest.state} at the timeout (${inputs.timeouts?.create ?? "24h"}); the next pulumi up waits for it again`;
        throw new ResourceInitError(c.redact(reason), pkg.uuid!, this.outputs(inputs, latest), [c.redact(reason)], inputs);
      }
      throw e;
    }
  }

  private async waitForPackage(
    c: ZStackClient,
    uuid: string,
    deadline: number,
    what: string,
    seen: (p: ImagePackageInventory) => void = () => undefined,
  ): Promise<ImagePackageInventory> {
    return waitWithProgress({
      clock: this.clock(),
      policy: this.pollPolicy(),
      deadline,
      what: `${what} (image package ${uuid})`,
      log: (l) => this.log(l),
      probe: async () => {
        const p = await getImagePackage(c, uuid);
        if (!p) throw new ZStackError(`${what}: image package ${uuid} disappeared while Exporting: the export failed and ZStack rolled it back`);
        seen(p);
        return p.state === "Exporting" ? { done: false, state: p.state } : { done: true, value: p };
      },
    });
  }

  // ------------------------------------------------------------------ read

  async read(id: string, props: OvaPackageOutputs): Promise<{ id?: string; props?: OvaPackageOutputs }> {
    const c = this.client();
    const pkg = await getImagePackage(c, id);
    if (!pkg) return { id: undefined };
    const verified = await recheckOnRefresh({ clock: this.clock(), tls: c.tls, log: (l) => this.log(l), what: `OvaPackage "${props.name ?? id}"`, inputs: props }, pkg, props.verified);
    return { id, props: this.outputs(inputsOf(props), pkg, verified) };
  }

  // ------------------------------------------------------------------ update

  async update(id: string, olds: OvaPackageOutputs, news: OvaPackageInputs): Promise<{ outs: OvaPackageOutputs }> {
    const c = this.client();
    const what = `OvaPackage "${news.name ?? id}"`;
    let pkg = await getImagePackage(c, id);
    if (!pkg) throw new ZStackError(`${what}: image package ${id} no longer exists in ZStack; run pulumi refresh to drop it from the stack`);
    if (pkg.state === "Exporting") {
      const deadline = this.clock().now() + timeoutMs(news.timeouts, "create", DEFAULT_CREATE_TIMEOUT);
      pkg = await this.waitOrRecord(c, pkg, news, deadline, what);
    }
    const change: Record<string, string> = {};
    if (news.name !== undefined && news.name !== pkg.name) change.name = news.name;
    if (news.description !== undefined && news.description !== pkg.description) change.description = news.description;
    if (Object.keys(change).length) {
      const body = await c.call("UpdateImagePackage", { pathVars: { uuid: id }, params: change });
      const updated = c.parse("UpdateImagePackage", 200, body, schemas().ImagePackageInventory, "inventory");
      pkg = updated.uuid ? updated : ((await getImagePackage(c, id)) ?? pkg);
    }
    const verified = await verifyOrRecord(this.verifyContext(c, news, pkg, what), pkg, olds.verified);
    return { outs: this.outputs(news, pkg, verified) };
  }

  // ------------------------------------------------------------------ delete

  async delete(id: string, props: OvaPackageOutputs): Promise<void> {
    const c = this.client();
    const what = `OvaPackage "${props.name ?? id}"`;
    const pkg = await getImagePackage(c, id);
    if (!pkg) return;
    if (pkg.state === "Exporting") {
      this.log(`${what}: image package ${id} is still Exporting; waiting for the export to end before deleting it`);
      const deadline = this.clock().now() + timeoutMs(props.timeouts, "delete", DEFAULT_DELETE_TIMEOUT);
      const done = await this.waitForPackage(c, id, deadline, what).catch((e: unknown) => {
        if (e instanceof ZStackError && /disappeared/.test(e.message)) return undefined;
        throw e;
      });
      if (!done) return;
    }
    await ignoreGone(c.call("DeleteImagePackage", { pathVars: { uuid: id }, query: { deleteMode: "Permissive" } }), id);
  }

  // ------------------------------------------------------------------ outputs

  /** What verifyOrRecord needs (OVA verify). */
  private verifyContext(c: ZStackClient, inputs: OvaPackageInputs, pkg: ImagePackageInventory, what: string) {
    return { clock: this.clock(), tls: c.tls, log: (l: string) => this.log(l), what, inputs, outputs: (v: Verified | undefined) => this.outputs(inputs, pkg, v) };
  }

  private outputs(inputs: OvaPackageInputs, pkg: ImagePackageInventory, verified?: Verified): OvaPackageOutputs {
    return clean({
      ...(pickInputs(inputs, INPUT_KEYS) as unknown as OvaPackageInputs),
      uuid: pkg.uuid!,
      name: pkg.name ?? inputs.name,
      description: pkg.description ?? inputs.description,
      vmUuid: pkg.vmUuid ?? inputs.vmUuid,
      backupStorageUuid: pkg.backupStorageUuid ?? inputs.backupStorageUuid,
      exportUrl: pkg.exportUrl,
      md5Sum: pkg.md5Sum,
      format: pkg.format,
      size: pkg.size,
      createDate: pkg.createDate,
      lastOpDate: pkg.lastOpDate,
      state: pkg.state,
      verified,
    });
  }
}

/** The input part of recorded outputs (for read); the outputs carry the package's name and description. */
function inputsOf(props: OvaPackageOutputs): OvaPackageInputs {
  return pickInputs(props, INPUT_KEYS, ["name", "description"]) as unknown as OvaPackageInputs;
}
