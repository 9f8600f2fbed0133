/**
 * Preserved addresses (`preserveIps`, issue 20, item 3): each source NIC's IPv4 address is pinned on
 * the matching NIC of the migrated VM with SetVmStaticIp, after the conversion and before the
 * migration is reported done.
 *
 * The matching rule: the source VM's NICs that have an IPv4 address, in device order (`deviceId`),
 * numbered from 0; source NIC `i` goes to `l3NetworkUuids[i]`, i.e. to the migrated VM's NIC on that
 * L3 network (ZStack gives the converted VM one NIC per entry, in order). A source NIC without an
 * address is skipped (its number is still taken).
 *
 * `check` fails naming the VM, the NIC and the address when an address has no target L3 network, is
 * outside the target L3 network's IP ranges, is used by a NIC in ZStack, or is preserved by another
 * migration of the same run. A pinning that fails is recorded in `staticIps` (a RecordedFailure); the
 * next `up` pins what is missing without converting again.
 */
import {
  L3NetworkInventory,
  LongJobInventory,
  VmInstanceInventory,
  ZStackApiError,
  ZStackClient,
  getL3NetworkWithRanges,
  getVmInstance,
  setVmStaticIp,
  vmsWithNicIp,
} from "../client";
import type { CheckCache } from "../core/check-cache";
import type { ProviderContext } from "../core/context";
import { recordedFailure, resourceLabel } from "../core/lifecycle";
import type { Validator } from "../core/validation";
import { StaticIpOutput, V2vMigrationInputs, V2vMigrationOutputs } from "./inputs";
import { migratedVmUuid } from "./long-job";
import { vmwareUuidOf } from "./source";

const TYPE_NAME = "V2vMigration";

/** The addresses to preserve: source NIC `i` (device order) to `l3NetworkUuids[i]`. */
export interface PlannedIp {
  nic: number;
  ip: string;
  mac?: string;
  /** undefined when `l3NetworkUuids` has no entry `nic` */
  l3NetworkUuid?: string;
}

export function plannedIps(source: VmInstanceInventory, l3NetworkUuids: readonly string[]): PlannedIp[] {
  const nics = [...(source.vmNics ?? [])].sort((a, b) => (a.deviceId ?? 0) - (b.deviceId ?? 0));
  const out: PlannedIp[] = [];
  nics.forEach((n, i) => {
    if (typeof n.ip === "string" && /^\d+\.\d+\.\d+\.\d+$/.test(n.ip))
      out.push({ nic: i, ip: n.ip, mac: n.mac, l3NetworkUuid: l3NetworkUuids[i] });
  });
  return out;
}

function toInt(ip: string): number {
  return ip.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
}

function inRanges(ip: string, l3: L3NetworkInventory): boolean {
  const n = toInt(ip);
  return (l3.ipRanges ?? []).some((r) => r.startIp && r.endIp && n >= toInt(r.startIp) && n <= toInt(r.endIp));
}

const rangesText = (l3: L3NetworkInventory) =>
  (l3.ipRanges ?? []).map((r) => `${r.startIp}-${r.endIp}`).join(", ") || "none";

/** `check` of a migration with `preserveIps` whose source VM is known: every address can be pinned. */
export async function checkStaticIps(
  ctx: ProviderContext,
  c: ZStackClient,
  cache: CheckCache,
  v: Validator,
  inputs: Record<string, unknown>,
  source: VmInstanceInventory | undefined,
): Promise<void> {
  if (inputs.preserveIps !== true || !source || v.isUnknown("l3NetworkUuids")) return;
  const l3s = (v.value("l3NetworkUuids") as string[] | undefined) ?? [];
  const vm = `VM "${source.name}"`;
  if (new Set(l3s).size !== l3s.length)
    return v.fail("preserveIps", `preserveIps needs each NIC on its own L3 network; l3NetworkUuids repeats one`);
  const claims = ctx.runState("static-ip-claims", () => new Map<string, string>());
  // every NIC's problem in one failure (a property fails once), in NIC order
  const problems: string[] = [];
  const report = { fail: (_property: string, reason: string) => void problems.push(reason) };
  await Promise.all(
    plannedIps(source, l3s).map(async (p) => {
      const v = report;
      const nic = `NIC ${p.nic}${p.mac ? ` (${p.mac})` : ""}`;
      if (!p.l3NetworkUuid)
        return v.fail(
          "preserveIps",
          `${vm} ${nic} has address ${p.ip}, but l3NetworkUuids has no entry ${p.nic} to put it on (NIC i goes to l3NetworkUuids[i])`,
        );
      const l3Uuid = p.l3NetworkUuid;
      const [l3, users] = await Promise.all([
        cache.get(`l3-ranges:${l3Uuid}`, () => getL3NetworkWithRanges(c, l3Uuid)),
        cache.get(`nic-ip:${p.ip}`, () => vmsWithNicIp(c, p.ip)),
      ]);
      if (!l3) return; // the references' check names a missing L3 network
      if (!inRanges(p.ip, l3))
        return v.fail(
          "preserveIps",
          `${vm} ${nic} address ${p.ip} is outside the IP ranges of L3 network ${l3.name ?? ""} [uuid:${l3Uuid}] (${rangesText(l3)})`,
        );
      for (const other of users)
        for (const n of other.vmNics ?? [])
          if (n.ip === p.ip && n.l3NetworkUuid === l3Uuid)
            return v.fail(
              "preserveIps",
              `${vm} ${nic} address ${p.ip} is already used on L3 network [uuid:${l3Uuid}] by NIC ${n.uuid} of VM "${other.name}" [uuid:${other.uuid}]`,
            );
      const key = `${l3Uuid}/${p.ip}`;
      const mine = String(inputs.resourceUuid);
      const claimedBy = claims.get(key);
      if (claimedBy && claimedBy !== mine)
        return v.fail(
          "preserveIps",
          `${vm} ${nic} address ${p.ip} on L3 network [uuid:${l3Uuid}] is preserved by another migration of this run too`,
        );
      claims.set(key, mine);
    }),
  );
  const byNic = (x: string) => Number(/ NIC (\d+)/.exec(x)?.[1] ?? 0);
  if (problems.length) v.fail("preserveIps", problems.sort((a, b) => byNic(a) - byNic(b)).join("; "));
}

/** Whether a Succeeded migration with `preserveIps` still has addresses to pin (the next update pins them). */
export function staticIpsUnfinished(olds: Record<string, unknown>, news: Record<string, unknown>): boolean {
  if (news.preserveIps !== true || olds.state !== "Succeeded") return false;
  if (olds.preserveIps !== true) return true; // set on a migrated VM: pinned by the next update
  const recorded = olds.staticIps as StaticIpOutput[] | undefined;
  return Array.isArray(recorded) && recorded.some((s) => s.state !== "Pinned");
}

/** `outs` with the `staticIps` recorded in `props` (a refresh keeps what was pinned or failed). */
export function keepStaticIps(outs: V2vMigrationOutputs, props: V2vMigrationOutputs): V2vMigrationOutputs {
  return { ...outs, staticIps: props.staticIps ?? [] };
}

/**
 * After a Succeeded conversion (create, or an update of a Succeeded migration, `olds` its record):
 * pins each planned address, and returns `outs` with `staticIps`. A failure is recorded on the migration: a
 * RecordedFailure whose outputs carry `staticIps` (Failed or Pending entries), so the next `up` pins
 * them again, without converting again.
 */
export async function withStaticIps(
  ctx: ProviderContext,
  c: ZStackClient,
  inputs: V2vMigrationInputs,
  job: LongJobInventory,
  outs: V2vMigrationOutputs,
  olds: V2vMigrationOutputs | undefined,
  secrets: readonly string[],
): Promise<V2vMigrationOutputs> {
  // the output is always there (empty without preserveIps, or before the conversion has Succeeded)
  if (inputs.preserveIps !== true || job.state !== "Succeeded") return { ...outs, staticIps: [] };
  // what an earlier run planned and pinned (a retry); none when preserveIps was just set
  const recorded = olds?.preserveIps === true ? olds.staticIps : undefined;
  const label = resourceLabel(TYPE_NAME, inputs, inputs.name);
  const vmUuid = migratedVmUuid(job) ?? outs.vmUuid;
  const plan = recorded ?? (await planFromSource(c, inputs));
  let vm = vmUuid ? await getVmInstance(c, vmUuid) : undefined;
  const result: StaticIpOutput[] = [];
  for (const p of plan) {
    const onVm = () => vm?.vmNics?.find((n) => n.l3NetworkUuid === p.l3NetworkUuid);
    if (onVm()?.ip === p.ip) {
      result.push({ ...p, vmIp: p.ip, state: "Pinned", error: undefined });
      continue;
    }
    try {
      if (!vmUuid) throw new Error(`the migrated VM is unknown (long job ${job.uuid} names none)`);
      ctx.log(`${label}: pinning ${p.ip} on the NIC of VM ${vmUuid} on L3 network ${p.l3NetworkUuid} (SetVmStaticIp)`);
      await setVmStaticIp(c, vmUuid, p.l3NetworkUuid, p.ip);
      vm = (await getVmInstance(c, vmUuid)) ?? vm;
      result.push({ ...p, vmIp: onVm()?.ip, state: "Pinned", error: undefined });
    } catch (e) {
      const why = e instanceof ZStackApiError ? `${e.code}: ${e.details || e.description}` : (e as Error).message;
      result.push({ ...p, vmIp: onVm()?.ip, state: "Failed", error: why });
    }
  }
  const staticIps = result.map((s) => Object.fromEntries(Object.entries(s).filter(([, x]) => x !== undefined)));
  const done = { ...outs, staticIps } as V2vMigrationOutputs;
  const failed = result.filter((s) => s.state === "Failed");
  if (failed.length) {
    const list = failed.map((s) => `NIC ${s.nic} ${s.ip} on L3 network ${s.l3NetworkUuid}: ${s.error}`).join("; ");
    throw recordedFailure(
      `${label}: the conversion Succeeded (VM ${vmUuid}), but pinning its addresses failed: ${list}. The next pulumi up pins them again, without converting again`,
      job.uuid!,
      done,
      secrets,
    );
  }
  return done;
}

/** The addresses to pin, from the source VM (still known to ZStack right after its conversion). */
async function planFromSource(
  c: ZStackClient,
  inputs: V2vMigrationInputs,
): Promise<Array<Omit<StaticIpOutput, "state">>> {
  const uuid = vmwareUuidOf(inputs.url);
  const source = uuid ? await getVmInstance(c, uuid) : undefined;
  if (!source) return [];
  return plannedIps(source, inputs.l3NetworkUuids ?? [])
    .filter((p): p is PlannedIp & { l3NetworkUuid: string } => p.l3NetworkUuid !== undefined)
    .map((p) => ({ nic: p.nic, l3NetworkUuid: p.l3NetworkUuid, ip: p.ip }));
}
