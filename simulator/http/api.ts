/**
 * How an API is declared: endpoints are data (method, path, body wrapper, sync/async, auth), the
 * handler only implements the behaviour. The REST pipeline in rest.ts does the rest, as RestServer does.
 */
import type { SessionErrorCode } from "../assumptions";
import type { SimWorld } from "../world/world";
import type { QueryDef } from "./query";

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

export interface Session {
  uuid: string;
  accountUuid: string;
  userUuid: string;
  noSessionEvaluation?: boolean;
}

/** What a handler sees of the simulator around the world. */
export interface SimSettings {
  sessionTimeoutMs: number;
  /** how an invalid or expired session is reported now (a fault) */
  sessionErrorCode(): SessionErrorCode;
}

export interface ApiContext {
  world: SimWorld;
  settings: SimSettings;
  now: number;
  /**
   * the message's fields: REST, the wrapper's content (POST/PUT) or the query parameters (GET/DELETE),
   * path variables applied; RPC, the message itself
   */
  params: Record<string, unknown>;
  systemTags?: string[];
  userTags?: string[];
  session?: Session;
  /** the api id: X-Job-UUID (REST) or the message's `id` (RPC) when given, else generated */
  apiId: string;
  /** async APIs: the api-job record's uuid (same as apiId) */
  apiJob?: string;
}

/** `pending`: the handler completes the api-job itself later (OVA export, slow cancel). */
export type ApiOutcome = Record<string, unknown> | { pending: true };

export interface ApiDef {
  /** API name without the API prefix and Msg suffix, e.g. "CancelLongJob" */
  name: string;
  /** fully qualified message class, used in validator messages and by the RPC API */
  msgClass: string;
  /**
   * the reply's or event's simple class name when it is not `API<name>Reply` (sync, query) or
   * `API<name>Event` (async), the metadata's `responseName`
   */
  responseName?: string;
  method: HttpMethod;
  /** path pattern relative to /zstack, e.g. "/v1/longjobs/{uuid}/actions" */
  path: string;
  kind: "query" | "sync" | "async";
  /** POST: the wrapper key ("params"); PUT actions: the action name ("cancelLongJob") */
  wrapper?: string;
  action?: boolean;
  auth: boolean;
  /** integer and boolean fields declared on the message class (TypeVerifier) */
  intFields?: string[];
  boolFields?: string[];
  timeoutMs?: number;
  /** query APIs */
  query?: QueryDef;
  handle?: (ctx: ApiContext) => ApiOutcome;
}

export function isPending(o: ApiOutcome): o is { pending: true } {
  return (o as { pending?: unknown }).pending === true && Object.keys(o).length === 1;
}
