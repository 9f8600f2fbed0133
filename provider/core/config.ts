/**
 * Provider configuration: stack config read in `configure()` with fully qualified `zstack:*` keys
 * (the user's project is not called `zstack`), with environment-variable fallbacks. Nothing here
 * is read at module load, so nothing is captured when a provider is serialized.
 */
import * as fs from "fs";
import { ZStackConfigError, isValidTimeZone, parseEndpoint } from "../client";
import type { ZStackAuth } from "../client/auth";

/** What `configure(req)` hands us: `req.config.get("zstack:endpoint")`. */
export interface ConfigSource {
  get(key: string): string | undefined;
}

export interface ProviderConfig {
  endpoint?: string;
  auth?: ZStackAuth;
  /** why `auth` is missing or incomplete, when it is */
  authProblem?: string;
  caCertificate?: string;
  insecure: boolean;
  timeZone?: string;
  validateReferences: boolean;
  /** conversions at once per conversion host for a V2vMigration without `maxInFlight` */
  maxConcurrentMigrations: number;
}

/**
 * Default of `zstack:maxConcurrentMigrations`: conversions at once per conversion host. A host
 * converts through one `storagePath` and one network; ten keeps a typical host busy without
 * swamping it (Forklift's default of 20 VMs in flight is per vCenter, across all its hosts).
 */
export const DEFAULT_MAX_CONCURRENT_MIGRATIONS = 10;
/** The largest in-flight limit accepted (as `maxInFlight` or `zstack:maxConcurrentMigrations`). */
export const MAX_IN_FLIGHT_LIMIT = 1000;

function parseLimit(key: string, v: string | undefined, fallback: number): number {
  if (v === undefined || v.trim() === "") return fallback;
  const n = Number(v.trim());
  if (!Number.isInteger(n) || n < 1 || n > MAX_IN_FLIGHT_LIMIT) {
    throw new ZStackConfigError(
      `${key} must be a whole number of conversions per conversion host, 1 to ${MAX_IN_FLIGHT_LIMIT}, got "${v}"`,
    );
  }
  return n;
}

/**
 * Every stack config variable the providers read (key without the `zstack:` prefix): its type, whether
 * it is a secret, its environment fallback and its meaning. The provider plugin's schema is generated
 * from this table (provider/hosts/plugin/schema.ts).
 */
export const CONFIG_VARIABLES = {
  endpoint: {
    type: "string",
    env: "ZSTACK_ENDPOINT",
    description:
      "The management node's URL, e.g. `http://10.0.0.5:8080`. Fallback: `ZSTACK_ENDPOINT`, else `ZSTACK_HOST` (+ `ZSTACK_PORT`).",
  },
  accountName: { type: "string", env: "ZSTACK_ACCOUNT_NAME", description: "Account for session login." },
  password: {
    type: "string",
    secret: true,
    env: "ZSTACK_ACCOUNT_PASSWORD",
    description: "The account's password itself, not a hash: the client sends ZStack its SHA-512.",
  },
  accessKeyId: {
    type: "string",
    env: "ZSTACK_ACCESS_KEY_ID",
    description: "Access-key authentication: every request is signed.",
  },
  accessKeySecret: {
    type: "string",
    secret: true,
    env: "ZSTACK_ACCESS_KEY_SECRET",
    description: "The access key's secret.",
  },
  sessionId: {
    type: "string",
    secret: true,
    env: "ZSTACK_SESSION_ID",
    description: "An existing session, used as is; it fails once it expires.",
  },
  insecure: {
    type: "boolean",
    description: "`true` skips TLS certificate verification (a self-signed node). Default `false`.",
  },
  caCertificate: {
    type: "string",
    description: "PEM text, or the path of a PEM file, to trust for an `https` endpoint with a private CA.",
  },
  timeZone: {
    type: "string",
    description: "IANA time zone of the management node, e.g. `Asia/Shanghai`. Default: this machine's.",
  },
  validateReferences: {
    type: "boolean",
    description:
      "`false` turns off the checks against ZStack during `preview` (with them on, an unreachable endpoint fails the preview). Default `true`.",
  },
  maxConcurrentMigrations: {
    type: "integer",
    description: "Conversions at once per conversion host, 1 to 1000. Default 10.",
  },
} as const satisfies Record<
  string,
  { type: "string" | "boolean" | "integer"; secret?: boolean; env?: string; description: string }
>;

/** Every stack config key the providers read. */
export const CONFIG_KEYS = Object.keys(CONFIG_VARIABLES).map(
  (k) => `zstack:${k}`,
) as readonly `zstack:${keyof typeof CONFIG_VARIABLES}`[];

const HOW_TO_AUTH =
  "Set zstack:accountName and zstack:password (pulumi config set zstack:accountName admin; pulumi config set --secret zstack:password …), " +
  "or zstack:accessKeyId and zstack:accessKeySecret (--secret), or zstack:sessionId (--secret); " +
  "or the environment variables ZSTACK_ACCOUNT_NAME + ZSTACK_ACCOUNT_PASSWORD, ZSTACK_ACCESS_KEY_ID + ZSTACK_ACCESS_KEY_SECRET, or ZSTACK_SESSION_ID.";

const HOW_TO_ENDPOINT =
  "Set zstack:endpoint (pulumi config set zstack:endpoint http://<management-node>:8080) or the environment variable ZSTACK_ENDPOINT (or ZSTACK_HOST: a host, host:port or URL, with ZSTACK_PORT for a missing port).";

function parseBool(key: string, v: string | undefined, fallback: boolean): boolean {
  if (v === undefined || v.trim() === "") return fallback;
  const s = v.trim().toLowerCase();
  if (["true", "1", "yes", "on"].includes(s)) return true;
  if (["false", "0", "no", "off"].includes(s)) return false;
  throw new ZStackConfigError(`${key} must be true or false, got "${v}"`);
}

/**
 * Reads the stack config (when given) and the environment. Config keys win over environment
 * variables key by key. Credentials: the set (access key, then account, then session) is the first
 * one that has a key in the stack config, else the first one that has a key in the environment; its
 * keys come from the stack config, each missing one from its environment variable.
 */
export function readConfig(config?: ConfigSource, env: NodeJS.ProcessEnv = process.env): ProviderConfig {
  const get = (key: string): string | undefined => {
    const v = config?.get(key);
    return v === undefined || v === "" ? undefined : v;
  };
  const fromEnv = (key: string): string | undefined => {
    const v = env[key];
    return v === undefined || v === "" ? undefined : v;
  };

  let endpoint = get("zstack:endpoint") ?? fromEnv("ZSTACK_ENDPOINT");
  if (!endpoint && fromEnv("ZSTACK_HOST")) endpoint = endpointFromHost(fromEnv("ZSTACK_HOST")!, fromEnv("ZSTACK_PORT"));
  if (endpoint) parseEndpoint(endpoint); // fail early on a malformed endpoint

  const resolved = resolveAuth(get, fromEnv);
  const auth = resolved.auth;
  const authProblem = auth ? undefined : (resolved.problem ?? `no ZStack credentials are configured. ${HOW_TO_AUTH}`);

  let caCertificate = get("zstack:caCertificate");
  if (caCertificate && !caCertificate.includes("-----BEGIN")) {
    try {
      caCertificate = fs.readFileSync(caCertificate, "utf8");
    } catch {
      throw new ZStackConfigError(
        "zstack:caCertificate must be PEM text (-----BEGIN CERTIFICATE-----…) or the path of a PEM file",
      );
    }
  }

  const timeZone = get("zstack:timeZone");
  if (timeZone && !isValidTimeZone(timeZone)) {
    throw new ZStackConfigError(`zstack:timeZone "${timeZone}" is not an IANA time zone (e.g. Asia/Shanghai, UTC)`);
  }

  return {
    endpoint,
    auth,
    authProblem,
    caCertificate,
    insecure: parseBool("zstack:insecure", get("zstack:insecure"), false),
    timeZone,
    validateReferences: parseBool("zstack:validateReferences", get("zstack:validateReferences"), true),
    maxConcurrentMigrations: parseLimit(
      "zstack:maxConcurrentMigrations",
      get("zstack:maxConcurrentMigrations"),
      DEFAULT_MAX_CONCURRENT_MIGRATIONS,
    ),
  };
}

/** A failed check of one config variable (its key without the `zstack:` prefix, or "" for the whole). */
export interface ConfigFailure {
  property: string;
  reason: string;
}

/**
 * The check of config given as values, keyed without the `zstack:` prefix (an explicit provider's inputs): the
 * first problem {@link readConfig} finds, as a failure of the variable it names. The environment is not read here:
 * what is wrong in it is said when the provider is configured.
 */
export function configFailures(values: Record<string, unknown>): ConfigFailure[] {
  const source: ConfigSource = {
    get: (key) => {
      const v = values[key.replace(/^zstack:/, "")];
      if (v === undefined || v === null) return undefined;
      return typeof v === "string" ? v : JSON.stringify(v);
    },
  };
  try {
    readConfig(source, {});
    return [];
  } catch (e) {
    if (!(e instanceof ZStackConfigError)) throw e;
    const key = /\bzstack:(\w+)/.exec(e.message)?.[1];
    return [{ property: key && key in CONFIG_VARIABLES ? key : "", reason: e.message }];
  }
}

/** The config variables that are secrets (`password`, `accessKeySecret`, `sessionId`). */
export const SECRET_CONFIG_VARIABLES = Object.entries(CONFIG_VARIABLES)
  .filter(([, v]) => "secret" in v && v.secret)
  .map(([k]) => k);

/**
 * The endpoint for `ZSTACK_HOST` (+ `ZSTACK_PORT`). `ZSTACK_HOST` may be a host name or address
 * (IPv6 with or without brackets), `host:port`, or a URL with a scheme (`https://mn:8443`, which
 * may carry a context path). A scheme in `ZSTACK_HOST` wins (default `http`); `ZSTACK_PORT` only
 * fills a missing port; without either, a bare host gets ZStack's default port 8080 and a URL keeps
 * its scheme's default port.
 */
export function endpointFromHost(host: string, port?: string): string {
  const h = host.trim();
  const m = /^([a-z][a-z0-9+.-]*:\/\/)?([^/?#]*)(.*)$/i.exec(h)!;
  const scheme = m[1];
  let authority = m[2];
  const rest = m[3];
  if (authority === "") throw new ZStackConfigError(`ZSTACK_HOST "${host}" has no host name`);
  // a bare IPv6 address (two or more colons, no brackets)
  if (!authority.startsWith("[") && !authority.includes("@") && (authority.match(/:/g) ?? []).length >= 2)
    authority = `[${authority}]`;
  const hasPort = authority.startsWith("[") ? /\]:\d+$/.test(authority) : /:\d+$/.test(authority);
  if (!hasPort) {
    const p = port?.trim() || undefined;
    if (p !== undefined && !(/^\d{1,5}$/.test(p) && Number(p) >= 1 && Number(p) <= 65535)) {
      throw new ZStackConfigError(`ZSTACK_PORT must be a port number (1-65535), got "${port}"`);
    }
    const fill = p ?? (scheme ? undefined : "8080");
    if (fill) authority = `${authority.replace(/:$/, "")}:${fill}`;
  }
  return `${scheme ?? "http://"}${authority}${rest}`;
}

type Lookup = (key: string) => string | undefined;

/** One credential set: its fields, each with its stack config key and environment variable. */
const AUTH_SETS = [
  {
    requirement: "access keys need both the id and the secret",
    fields: [
      { field: "accessKeyId", key: "zstack:accessKeyId", env: "ZSTACK_ACCESS_KEY_ID" },
      { field: "accessKeySecret", key: "zstack:accessKeySecret", env: "ZSTACK_ACCESS_KEY_SECRET" },
    ],
  },
  {
    requirement: "account login needs both the account name and the password",
    fields: [
      { field: "accountName", key: "zstack:accountName", env: "ZSTACK_ACCOUNT_NAME" },
      { field: "password", key: "zstack:password", env: "ZSTACK_ACCOUNT_PASSWORD" },
    ],
  },
  {
    requirement: "",
    fields: [{ field: "sessionId", key: "zstack:sessionId", env: "ZSTACK_SESSION_ID" }],
  },
] as const;

function resolveAuth(get: Lookup, fromEnv: Lookup): { auth?: ZStackAuth; problem?: string } {
  const set =
    AUTH_SETS.find((s) => s.fields.some((f) => get(f.key) !== undefined)) ??
    AUTH_SETS.find((s) => s.fields.some((f) => fromEnv(f.env) !== undefined));
  if (!set) return {};
  const v: Record<string, string | undefined> = {};
  for (const f of set.fields) v[f.field] = get(f.key) ?? fromEnv(f.env);
  const missing = set.fields.filter((f) => v[f.field] === undefined);
  if (missing.length > 0) {
    const names = missing.map((f) => `${f.key} (or the environment variable ${f.env})`).join(" and ");
    return { problem: `${names} is not set (${set.requirement}). ${HOW_TO_AUTH}` };
  }
  if (v.accessKeyId !== undefined)
    return { auth: { kind: "accessKey", accessKeyId: v.accessKeyId, accessKeySecret: v.accessKeySecret! } };
  if (v.accountName !== undefined)
    return { auth: { kind: "account", accountName: v.accountName, password: v.password! } };
  return { auth: { kind: "session", sessionId: v.sessionId! } };
}

/** The endpoint and credentials, or one clear error naming the keys to set. */
export function requireConnection(cfg: ProviderConfig): { endpoint: string; auth: ZStackAuth } {
  if (!cfg.endpoint && !cfg.auth) {
    throw new ZStackConfigError(`ZStack is not configured. ${HOW_TO_ENDPOINT} ${HOW_TO_AUTH}`);
  }
  if (!cfg.endpoint) throw new ZStackConfigError(`the ZStack endpoint is not configured. ${HOW_TO_ENDPOINT}`);
  if (!cfg.auth) throw new ZStackConfigError(`cannot authenticate to ZStack: ${cfg.authProblem}`);
  return { endpoint: cfg.endpoint, auth: cfg.auth };
}
