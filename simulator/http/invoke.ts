/**
 * One API message run by the management node, whichever front received it (the REST API in rest.ts,
 * the RPC API in rpc.ts): the session check, the handler, and for an async API its record in the
 * api-job store (docs/zstack-wire.md §3.4, §12.3).
 */
import { errorCode, ApiFailure, type ErrorCode } from "../core/errors";
import type { SimWorld } from "../world/world";
import { isPending, type ApiContext, type ApiDef, type SimSettings } from "./api";
import type { AuthOutcome } from "./auth";
import { runQuery, type QueryRequest } from "./query";

export interface ApiCall {
  api: ApiDef;
  /** the session, or why there is none; undefined when the API needs none */
  auth?: AuthOutcome;
  /** query APIs: the parsed query, and the uuid of `GET /v1/<resources>/{uuid}` */
  query?: QueryRequest;
  uuid?: string;
  /** the message's fields (path variables applied) */
  params?: Record<string, unknown>;
  systemTags?: string[];
  userTags?: string[];
  /** the api id: the async API's api-job uuid */
  apiId?: string;
  timeoutMs?: number;
}

/** A sync API's reply, or its failure. */
export type SyncOutcome = { body: Record<string, unknown> } | { error: ErrorCode };
/** ... or, for an async API, the api-job its outcome goes to. */
export type CallOutcome = SyncOutcome | { apiJob: string };

function sessionErrorOf(auth: AuthOutcome | undefined): ErrorCode | undefined {
  return auth && "sessionError" in auth ? auth.sessionError : undefined;
}

/** A query API: the session check, then the query. */
export function invokeQuery(world: SimWorld, call: ApiCall): SyncOutcome {
  const sessionError = sessionErrorOf(call.auth);
  if (sessionError) return { error: sessionError };
  return caught(() => ({ body: runQuery(world, call.api.query!, call.uuid, call.query!) }));
}

export function invokeApi(world: SimWorld, settings: SimSettings, call: ApiCall): CallOutcome {
  const { api } = call;
  if (api.kind === "query") return invokeQuery(world, call);
  const sessionError = sessionErrorOf(call.auth);
  const apiId = call.apiId ?? world.prng.uuid();
  const ctx: ApiContext = {
    world,
    settings,
    now: world.now(),
    params: call.params ?? {},
    systemTags: call.systemTags,
    userTags: call.userTags,
    session: call.auth && "session" in call.auth ? call.auth.session : undefined,
    apiId,
  };
  if (api.kind === "sync") {
    if (sessionError) return { error: sessionError };
    return caught(() => {
      const out = api.handle!(ctx);
      return { body: isPending(out) ? {} : out };
    });
  }
  world.createApiJob(apiId, api.name, call.timeoutMs!);
  ctx.apiJob = apiId;
  if (sessionError) {
    world.completeApiJob(apiId, { error: sessionError });
  } else {
    try {
      const out = api.handle!(ctx);
      if (!isPending(out)) world.completeApiJob(apiId, { body: out });
    } catch (e) {
      const err = e instanceof ApiFailure ? e.error : errorCode("SYS.1000", e instanceof Error ? e.message : String(e));
      world.completeApiJob(apiId, { error: err });
    }
  }
  return { apiJob: apiId };
}

/** An API failure becomes the reply's error; anything else is the server's own fault (500). */
function caught(run: () => { body: Record<string, unknown> }): SyncOutcome {
  try {
    return run();
  } catch (e) {
    if (e instanceof ApiFailure) return { error: e.error };
    throw e;
  }
}
