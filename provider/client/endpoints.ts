/**
 * The ZStack APIs this package calls, as data (docs/zstack-wire.md §2, §9). The HTTP core turns an entry
 * plus path variables and parameters into a request; nothing else in the code spells a path.
 *
 * - `route`: method and path under `<endpoint>/<contextPath>`, with `{var}` path variables;
 * - `wrapper`: the body key of a POST/PUT (`params` for creates, the action name for actions);
 * - `async`: the server answers 202 + an api-job location, and the result comes from polling;
 * - `auth`: whether the call needs a session or an access-key signature.
 */
export interface Endpoint {
  readonly route: string;
  readonly wrapper?: string;
  readonly async: boolean;
  readonly auth: boolean;
}

function sync(route: string, auth = true): Endpoint {
  return { route, async: false, auth };
}
function asyncCall(route: string, wrapper?: string): Endpoint {
  return { route, wrapper, async: true, auth: true };
}

export const endpoints = {
  // identity (§4)
  LogInByAccount: { route: "PUT /v1/accounts/login", wrapper: "logInByAccount", async: false, auth: false },
  LogOut: sync("DELETE /v1/accounts/sessions/{sessionUuid}", false),
  ValidateSession: sync("GET /v1/accounts/sessions/{sessionUuid}/valid", false),

  // api jobs: the poll of an async call (§3.5)
  QueryApiJob: sync("GET /v1/api-jobs/{uuid}"),

  // long jobs (§6)
  QueryLongJob: sync("GET /v1/longjobs"),
  CancelLongJob: asyncCall("PUT /v1/longjobs/{uuid}/actions", "cancelLongJob"),
  ResumeLongJob: asyncCall("PUT /v1/longjobs/{uuid}/actions", "resumeLongJob"),
  RerunLongJob: asyncCall("PUT /v1/longjobs/{uuid}/actions", "rerunLongJob"),
  UpdateLongJob: asyncCall("PUT /v1/longjobs/{uuid}/actions", "updateLongJob"),
  DeleteLongJob: asyncCall("DELETE /v1/longjobs/{uuid}"),
  GetTaskProgress: sync("GET /v1/task-progresses/{apiId}"),

  // V2V (§7)
  ConvertVmFromForeignHypervisor: asyncCall("POST /v1/v2vs", "params"),
  QueryV2VConversionHost: sync("GET /v1/v2v-conversion-hosts"),
  // V2V conversion hosts (§7.5), the V2vConversionHost resource
  AddV2VConversionHost: asyncCall("POST /v1/v2v-conversion-hosts", "params"),
  UpdateV2VConversionHost: asyncCall("PUT /v1/v2v-conversion-hosts/{uuid}/actions", "updateV2VConversionHost"),
  ChangeV2VConversionHostState: asyncCall(
    "PUT /v1/v2v-conversion-hosts/{uuid}/actions",
    "changeV2VConversionHostState",
  ),
  DeleteV2VConversionHost: asyncCall("DELETE /v1/v2v-conversion-hosts/{uuid}"),

  // vCenter (§13), the VCenter resource
  AddVCenter: asyncCall("POST /v1/vcenters", "params"),
  QueryVCenter: sync("GET /v1/vcenters"),
  UpdateVCenter: asyncCall("PUT /v1/vcenters/{uuid}/actions", "updateVCenter"),
  SyncVCenter: asyncCall("PUT /v1/vcenters/{uuid}/actions", "syncVCenter"),
  DeleteVCenter: asyncCall("DELETE /v1/vcenters/{uuid}"),

  // OVA (§8)
  ExportVmOvaPackage: asyncCall("POST /v1/ovf/ova-packages", "params"),
  QueryImagePackage: sync("GET /v1/image-packages"),
  UpdateImagePackage: asyncCall("PUT /v1/image-packages/{uuid}", "updateImagePackage"),
  DeleteImagePackage: asyncCall("DELETE /v1/image-packages/{uuid}"),

  // resource tags (UNCONFIRMED routes, docs/zstack-wire.md §6.6): the conversion-slot leases
  CreateTag: asyncCall("POST /v1/tags", "params"),
  QueryTag: sync("GET /v1/tags"),
  DeleteTag: asyncCall("DELETE /v1/tags/{uuid}"),

  // surrounding resources (§9)
  QueryZone: sync("GET /v1/zones"),
  QueryCluster: sync("GET /v1/clusters"),
  QueryHost: sync("GET /v1/hosts"),
  QueryPrimaryStorage: sync("GET /v1/primary-storage"),
  QueryBackupStorage: sync("GET /v1/backup-storage"),
  QueryL3Network: sync("GET /v1/l3-networks"),
  QueryVmInstance: sync("GET /v1/vm-instances"),
  DestroyVmInstance: asyncCall("DELETE /v1/vm-instances/{uuid}"),
  ExpungeVmInstance: asyncCall("PUT /v1/vm-instances/{uuid}/actions", "expungeVmInstance"),
  // preserved addresses (§13)
  SetVmStaticIp: asyncCall("PUT /v1/vm-instances/{vmInstanceUuid}/actions", "setVmStaticIp"),
} as const satisfies Record<string, Endpoint>;

export type EndpointName = keyof typeof endpoints;

/** Splits a route into method and path template. */
export function parseRoute(route: string): { method: "GET" | "POST" | "PUT" | "DELETE"; path: string } {
  const [method, path] = route.split(" ", 2);
  return { method: method as "GET" | "POST" | "PUT" | "DELETE", path };
}

/** Substitutes `{var}` path variables (URL-encoded); throws on a missing one. */
export function expandPath(template: string, vars: Record<string, string | undefined>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = vars[name];
    if (v === undefined || v === "") throw new Error(`missing path variable {${name}} for ${template}`);
    return encodeURIComponent(v);
  });
}
