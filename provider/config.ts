/**
 * Provider configuration: stack config read in `configure()` with fully qualified `zstack:*` keys
 * (the user's project is not called `zstack`), with environment-variable fallbacks. Nothing here
 * is read at module load, so nothing is captured when a provider is serialized.
 */
import * as fs from "fs";
import { ZStackAuth, ZStackConfigError, isValidTimeZone, parseEndpoint } from "./client";

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
}

/** Every stack config key the providers read. */
export const CONFIG_KEYS = [
  "zstack:endpoint",
  "zstack:accountName",
  "zstack:password",
  "zstack:accessKeyId",
  "zstack:accessKeySecret",
  "zstack:sessionId",
  "zstack:insecure",
  "zstack:caCertificate",
  "zstack:timeZone",
  "zstack:validateReferences",
] as const;

const HOW_TO_AUTH =
  "Set zstack:accountName and zstack:password (pulumi config set zstack:accountName admin; pulumi config set --secret zstack:password …), " +
  "or zstack:accessKeyId and zstack:accessKeySecret (--secret), or zstack:sessionId (--secret); " +
  "or the environment variables ZSTACK_ACCOUNT_NAME + ZSTACK_ACCOUNT_PASSWORD, ZSTACK_ACCESS_KEY_ID + ZSTACK_ACCESS_KEY_SECRET, or ZSTACK_SESSION_ID.";

const HOW_TO_ENDPOINT =
  "Set zstack:endpoint (pulumi config set zstack:endpoint http://<management-node>:8080) or the environment variable ZSTACK_ENDPOINT (or ZSTACK_HOST and ZSTACK_PORT).";

function parseBool(key: string, v: string | undefined, dflt: boolean): boolean {
  if (v === undefined || v.trim() === "") return dflt;
  const s = v.trim().toLowerCase();
  if (["true", "1", "yes", "on"].includes(s)) return true;
  if (["false", "0", "no", "off"].includes(s)) return false;
  throw new ZStackConfigError(`${key} must be true or false, got "${v}"`);
}

/**
 * Reads the stack config (when given) and the environment. Config keys win over environment
 * variables key by key; credentials are taken as a whole set from the first source that has one.
 */
export function readConfig(config?: ConfigSource, env: NodeJS.ProcessEnv = process.env): ProviderConfig {
  const get = (key: string): string | undefined => {
    const v = config?.get(key);
    return v === undefined || v === "" ? undefined : v;
  };
  const envv = (key: string): string | undefined => {
    const v = env[key];
    return v === undefined || v === "" ? undefined : v;
  };

  let endpoint = get("zstack:endpoint") ?? envv("ZSTACK_ENDPOINT");
  if (!endpoint && envv("ZSTACK_HOST")) {
    const host = envv("ZSTACK_HOST")!;
    endpoint = host.includes("://") ? host : `http://${host}:${envv("ZSTACK_PORT") ?? "8080"}`;
  }
  if (endpoint) parseEndpoint(endpoint); // fail early on a malformed endpoint

  const resolved = resolveAuth(
    {
      accountName: get("zstack:accountName"),
      password: get("zstack:password"),
      accessKeyId: get("zstack:accessKeyId"),
      accessKeySecret: get("zstack:accessKeySecret"),
      sessionId: get("zstack:sessionId"),
    },
    "zstack:",
  );
  const fromEnv =
    resolved.auth || resolved.problem
      ? undefined
      : resolveAuth(
          {
            accountName: envv("ZSTACK_ACCOUNT_NAME"),
            password: envv("ZSTACK_ACCOUNT_PASSWORD"),
            accessKeyId: envv("ZSTACK_ACCESS_KEY_ID"),
            accessKeySecret: envv("ZSTACK_ACCESS_KEY_SECRET"),
            sessionId: envv("ZSTACK_SESSION_ID"),
          },
          "ZSTACK_",
        );
  const auth = resolved.auth ?? fromEnv?.auth;
  const authProblem = auth ? undefined : resolved.problem ?? fromEnv?.problem ?? `no ZStack credentials are configured. ${HOW_TO_AUTH}`;

  let caCertificate = get("zstack:caCertificate");
  if (caCertificate && !caCertificate.includes("-----BEGIN")) {
    try {
      caCertificate = fs.readFileSync(caCertificate, "utf8");
    } catch {
      throw new ZStackConfigError("zstack:caCertificate must be PEM text (-----BEGIN CERTIFICATE-----…) or the path of a PEM file");
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
  };
}

interface AuthFields {
  accountName?: string;
  password?: string;
  accessKeyId?: string;
  accessKeySecret?: string;
  sessionId?: string;
}

function resolveAuth(f: AuthFields, prefix: "zstack:" | "ZSTACK_"): { auth?: ZStackAuth; problem?: string } {
  const name = (cfg: string, env: string) => (prefix === "zstack:" ? `zstack:${cfg}` : env);
  if (f.accessKeyId || f.accessKeySecret) {
    if (f.accessKeyId && f.accessKeySecret) {
      return { auth: { kind: "accessKey", accessKeyId: f.accessKeyId, accessKeySecret: f.accessKeySecret } };
    }
    const missing = f.accessKeyId ? name("accessKeySecret", "ZSTACK_ACCESS_KEY_SECRET") : name("accessKeyId", "ZSTACK_ACCESS_KEY_ID");
    return { problem: `${missing} is not set (access keys need both the id and the secret). ${HOW_TO_AUTH}` };
  }
  if (f.accountName || f.password) {
    if (f.accountName && f.password) return { auth: { kind: "account", accountName: f.accountName, password: f.password } };
    const missing = f.accountName ? name("password", "ZSTACK_ACCOUNT_PASSWORD") : name("accountName", "ZSTACK_ACCOUNT_NAME");
    return { problem: `${missing} is not set (account login needs both the account name and the password). ${HOW_TO_AUTH}` };
  }
  if (f.sessionId) return { auth: { kind: "session", sessionId: f.sessionId } };
  return {};
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
