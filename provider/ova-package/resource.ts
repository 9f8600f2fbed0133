/**
 * The OvaPackage resource: ExportVmOvaPackage of one stopped VM to an ImageStore backup storage
 * (docs/zstack-wire.md §8), tracked as an ImagePackage. Its inputs are declared in `inputs.ts`; the
 * check of the exported file is `verify.ts` (when and what it records) over `download-check.ts`.
 */
import {
  ApiJob,
  ImagePackageInventory,
  ZStackClient,
  ZStackError,
  ZStackHttpError,
  ZStackTimeoutError,
  deleteImagePackage,
  exportVmOvaPackage,
  getImagePackage,
  getReference,
  getVmInstance,
  imagePackagesOfVm,
  randomZStackUuid,
  taskProgressPercent,
  updateImagePackage,
} from "../client";
import { createCallArgs } from "../core/input-table";
import { ProviderContext } from "../core/context";
import {
  DiffResult,
  VanishedError,
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
import { OVA_DEFAULT_TIMEOUTS, OVA_MESSAGE, OVA_PACKAGE_INPUTS, OvaPackageInputs, OvaPackageOutputs } from "./inputs";
import { Verified, checkVerifyInput, needsVerification, recheckOnRefresh, verifyOrRecord } from "./verify";
import { waitWithProgress } from "../core/polling";
import { Validator, tagItem, timeoutOf, uuidItem } from "../core/validation";
import { withoutUndefined } from "../core/values";

const TYPE_NAME = "OvaPackage";

/** `check`'s local validation of every input. */
function validateInputs(v: Validator, adopting: boolean): void {
  if (!adopting) for (const k of ["vmUuid", "backupStorageUuid"]) v.required(k);
  for (const k of ["vmUuid", "backupStorageUuid", "adoptUuid"]) v.uuid(k);
  v.string("name", { maxLength: 255 });
  v.string("description", { maxLength: 2048 });
  v.resourceUuid("resourceUuid");
  v.list("tagUuids", uuidItem);
  v.list("systemTags", tagItem);
  v.list("userTags", tagItem);
  v.timeouts("timeouts", Object.keys(OVA_DEFAULT_TIMEOUTS));
  checkVerifyInput(v);
}

/** ExportVmOvaPackage's own checks (OvfInterceptor order), against ZStack, before anything is created. */
async function checkReferences(c: ZStackClient, v: Validator): Promise<void> {
  const vmUuid = v.value("vmUuid") as string | undefined;
  const bsUuid = v.value("backupStorageUuid") as string | undefined;
  const resourceUuid = v.value("resourceUuid") as string | undefined;
  const [packages, bs, vm] = await Promise.all([
    vmUuid ? imagePackagesOfVm(c, vmUuid) : Promise.resolve([] as ImagePackageInventory[]),
    bsUuid ? getReference(c, "QueryBackupStorage", bsUuid) : Promise.resolve(undefined),
    vmUuid ? getVmInstance(c, vmUuid) : Promise.resolve(undefined),
  ]);
  const ours = packages.find((p) => p.uuid === resourceUuid);
  const other = packages.find((p) => p.uuid !== resourceUuid);
  if (vmUuid && other) {
    v.fail(
      "vmUuid",
      `Vm[uuid: ${vmUuid}] is already exported as the ova package[uuid: ${other.uuid}], please delete the package and try again.`,
    );
  }
  if (bsUuid) {
    if (!bs) v.notFound("backupStorageUuid", bsUuid, "BackupStorageVO");
    else if (bs.type !== "ImageStoreBackupStorage") {
      v.fail(
        "backupStorageUuid",
        `Export vm requires an ImageStore backup storage, but given backupStorageUuid: ${bsUuid} is not an ImageStore backup storage.`,
      );
    }
  }
  if (vmUuid && !ours) {
    if (!vm) v.fail("vmUuid", `Not found the vm to be exported with the uuid: ${vmUuid}`);
    else if (vm.state !== "Stopped") {
      v.fail(
        "vmUuid",
        `Only vm in state: Stopped can be exported. (VM ${vm.name ?? ""} [uuid:${vmUuid}] is ${vm.state})`,
      );
    }
  }
}

export class OvaPackageResource implements ResourceLogic<OvaPackageInputs, OvaPackageOutputs> {
  readonly typeName = TYPE_NAME;

  constructor(private readonly ctx: ProviderContext) {}

  // ------------------------------------------------------------------ check

  check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<CheckResult> {
    return checkInputs(olds, news, {
      typeName: TYPE_NAME,
      message: OVA_MESSAGE,
      inputs: OVA_PACKAGE_INPUTS,
      ctx: this.ctx,
      validate: (v, adopting) => validateInputs(v, adopting),
      adopt: {
        get: getImagePackage,
        type: "ImagePackageVO",
        verify: (pkg, v) => {
          const vmUuid = v.value("vmUuid") as string | undefined;
          if (vmUuid && pkg.vmUuid && pkg.vmUuid !== vmUuid) {
            v.fail(
              "vmUuid",
              `the ova package[uuid: ${pkg.uuid}] was exported from vm[uuid: ${pkg.vmUuid}], not ${vmUuid}`,
            );
          }
        },
      },
      checkReferences: (c, v) => checkReferences(c, v),
    });
  }

  // ------------------------------------------------------------------ diff

  diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>): DiffResult {
    return diffInputs(OVA_PACKAGE_INPUTS, olds, news, {
      // an adopted package's vm and storage come from ZStack when the program does not name them
      ignore: (k) =>
        (k === "vmUuid" || k === "backupStorageUuid") && news.adoptUuid !== undefined && news[k] === undefined,
      // the next update waits for the export
      // or the file is not verified yet as `verify` asks
      unfinished: olds.state === "Exporting" || needsVerification(olds, news),
    });
  }

  // ------------------------------------------------------------------ create

  async create(inputs: OvaPackageInputs): Promise<{ id: string; outs: OvaPackageOutputs }> {
    const c = this.ctx.client();
    const clock = this.ctx.clock();
    const deadline = clock.now() + timeoutOf(inputs.timeouts, "create", OVA_DEFAULT_TIMEOUTS).ms;
    const label = resourceLabel(TYPE_NAME, inputs, inputs.name ?? inputs.adoptUuid ?? inputs.vmUuid);
    let { found: pkg } = await adoptOrSubmit({
      label,
      kind: "image package",
      adoptUuid: inputs.adoptUuid,
      resourceUuid: inputs.resourceUuid ?? randomZStackUuid(),
      get: (uuid) => getImagePackage(c, uuid),
      verify: (found, field) => this.verifyPackage(found, inputs, field),
      submit: (resourceUuid) => this.export(c, { ...inputs, resourceUuid }, deadline, label),
      log: (l) => this.ctx.log(l),
    });
    if (pkg.state !== "Exported") pkg = await this.waitOrRecord(c, pkg, inputs, deadline, label);
    const verified = await verifyOrRecord(this.verifyContext(c, inputs, pkg, label), pkg);
    return { id: pkg.uuid!, outs: this.outputs(inputs, pkg, verified) };
  }

  /** ExportVmOvaPackage, waiting on its api job with progress. */
  private async export(
    c: ZStackClient,
    inputs: OvaPackageInputs & { resourceUuid: string },
    deadline: number,
    label: string,
  ): Promise<ImagePackageInventory> {
    const clock = this.ctx.clock();
    const startedAt = clock.now();
    const waiter = (job: ApiJob) => {
      this.ctx.log(`${label}: exporting VM ${inputs.vmUuid} as image package ${inputs.resourceUuid}`);
      return waitWithProgress({
        clock,
        policy: this.ctx.pollPolicy(),
        deadline,
        startedAt,
        label: `${label} (image package ${inputs.resourceUuid})`,
        log: (l) => this.ctx.log(l),
        probe: async () => {
          const r = await c.pollApiJob(job);
          if (r.done) return { done: true, value: r.body };
          const percent = await taskProgressPercent(c, job.jobUuid).catch(() => undefined);
          return { done: false, percent, state: "Exporting" };
        },
      });
    };
    try {
      const pkg = await exportVmOvaPackage(c, createCallArgs(OVA_PACKAGE_INPUTS, inputs), waiter);
      if (!pkg.uuid) pkg.uuid = inputs.resourceUuid;
      return pkg;
    } catch (e) {
      if (e instanceof ZStackTimeoutError) {
        const pkg = await getImagePackage(c, inputs.resourceUuid).catch(() => undefined);
        if (pkg) {
          const reason = `${label}: image package ${pkg.uuid} is still ${pkg.state} at the create timeout (${timeoutOf(inputs.timeouts, "create", OVA_DEFAULT_TIMEOUTS).text}); the export continues in ZStack and the next pulumi up waits for it again`;
          throw recordedFailure(reason, pkg.uuid!, this.outputs(inputs, pkg), secretsOf(c, OVA_PACKAGE_INPUTS, inputs));
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
      throw new ZStackError(
        `${field} ${pkg.uuid} names the ova package of vm[uuid: ${pkg.vmUuid}], but vmUuid is ${inputs.vmUuid}`,
      );
    }
    if (inputs.backupStorageUuid && pkg.backupStorageUuid && pkg.backupStorageUuid !== inputs.backupStorageUuid) {
      throw new ZStackError(
        `${field} ${pkg.uuid} names an ova package on backup storage ${pkg.backupStorageUuid}, but backupStorageUuid is ${inputs.backupStorageUuid}`,
      );
    }
  }

  /** Waits for an Exporting package found in ZStack (no api job to follow); records it on timeout. */
  private async waitOrRecord(
    c: ZStackClient,
    pkg: ImagePackageInventory,
    inputs: OvaPackageInputs,
    deadline: number,
    label: string,
  ): Promise<ImagePackageInventory> {
    let latest = pkg;
    try {
      return await this.waitForPackage(c, pkg.uuid!, deadline, label, (p) => (latest = p));
    } catch (e) {
      if (e instanceof ZStackTimeoutError) {
        const reason = `${label}: image package ${pkg.uuid} is still ${latest.state} at the timeout (${timeoutOf(inputs.timeouts, "create", OVA_DEFAULT_TIMEOUTS).text}); the next pulumi up waits for it again`;
        throw recordedFailure(
          reason,
          pkg.uuid!,
          this.outputs(inputs, latest),
          secretsOf(c, OVA_PACKAGE_INPUTS, inputs),
        );
      }
      throw e;
    }
  }

  private async waitForPackage(
    c: ZStackClient,
    uuid: string,
    deadline: number,
    label: string,
    seen: (p: ImagePackageInventory) => void = () => undefined,
  ): Promise<ImagePackageInventory> {
    return waitWithProgress({
      clock: this.ctx.clock(),
      policy: this.ctx.pollPolicy(),
      deadline,
      label: `${label} (image package ${uuid})`,
      log: (l) => this.ctx.log(l),
      probe: async () => {
        const p = await getImagePackage(c, uuid);
        if (!p)
          throw new VanishedError(
            `${label}: image package ${uuid} disappeared while Exporting: the export failed and ZStack rolled it back`,
          );
        seen(p);
        return p.state === "Exporting" ? { done: false, state: p.state } : { done: true, value: p };
      },
    });
  }

  // ------------------------------------------------------------------ read

  async read(id: string, props: OvaPackageOutputs): Promise<{ id?: string; props?: OvaPackageOutputs }> {
    const c = this.ctx.client();
    const pkg = await getImagePackage(c, id);
    if (!pkg) return { id: undefined };
    const label = resourceLabel(TYPE_NAME, props, props.name ?? id);
    const verified = await recheckOnRefresh(
      { clock: this.ctx.clock(), tls: c.tls, log: (l) => this.ctx.log(l), label, inputs: props },
      pkg,
      props.verified,
    );
    return { id, props: this.outputs(recordedInputs<OvaPackageInputs>(OVA_PACKAGE_INPUTS, props), pkg, verified) };
  }

  // ------------------------------------------------------------------ update

  async update(id: string, olds: OvaPackageOutputs, news: OvaPackageInputs): Promise<{ outs: OvaPackageOutputs }> {
    const c = this.ctx.client();
    const label = resourceLabel(TYPE_NAME, news, news.name ?? id);
    let pkg = await getImagePackage(c, id);
    if (!pkg) throw vanishedBeforeUpdate(label, "image package", id);
    if (pkg.state === "Exporting") {
      const deadline = this.ctx.clock().now() + timeoutOf(news.timeouts, "create", OVA_DEFAULT_TIMEOUTS).ms;
      pkg = await this.waitOrRecord(c, pkg, news, deadline, label);
    }
    const change: Record<string, string> = {};
    if (news.name !== undefined && news.name !== pkg.name) change.name = news.name;
    if (news.description !== undefined && news.description !== pkg.description) change.description = news.description;
    if (Object.keys(change).length) {
      const updated = await updateImagePackage(c, id, change);
      pkg = await answerOrRefetch(updated, () => getImagePackage(c, id), pkg);
    }
    const verified = await verifyOrRecord(this.verifyContext(c, news, pkg, label), pkg, olds.verified);
    return { outs: this.outputs(news, pkg, verified) };
  }

  // ------------------------------------------------------------------ delete

  async delete(id: string, props: OvaPackageOutputs): Promise<void> {
    const c = this.ctx.client();
    const label = resourceLabel(TYPE_NAME, props, props.name ?? id);
    const pkg = await getImagePackage(c, id);
    if (!pkg) return;
    if (pkg.state === "Exporting") {
      this.ctx.log(
        `${label}: image package ${id} is still Exporting; waiting for the export to end before deleting it`,
      );
      const deadline = this.ctx.clock().now() + timeoutOf(props.timeouts, "delete", OVA_DEFAULT_TIMEOUTS).ms;
      const done = await this.waitForPackage(c, id, deadline, label).catch((e: unknown) => {
        if (e instanceof VanishedError) return undefined;
        throw e;
      });
      if (!done) return;
    }
    await ignoreGone(deleteImagePackage(c, id), id);
  }

  // ------------------------------------------------------------------ outputs

  /** What verifyOrRecord needs. */
  private verifyContext(c: ZStackClient, inputs: OvaPackageInputs, pkg: ImagePackageInventory, label: string) {
    return {
      clock: this.ctx.clock(),
      tls: c.tls,
      log: (l: string) => this.ctx.log(l),
      label,
      inputs,
      secrets: secretsOf(c, OVA_PACKAGE_INPUTS, inputs),
      outputs: (v: Verified | undefined) => this.outputs(inputs, pkg, v),
    };
  }

  private outputs(inputs: OvaPackageInputs, pkg: ImagePackageInventory, verified?: Verified): OvaPackageOutputs {
    return withoutUndefined({
      ...echoedInputs<OvaPackageInputs>(OVA_PACKAGE_INPUTS, inputs),
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
