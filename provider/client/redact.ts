/**
 * Redaction of credentials in anything that can reach a log line, an error message or a stack
 * output: session ids, access-key secrets, passwords (plain and hashed) and SSH private keys.
 */

export const REDACTED = "[REDACTED]";

/** Keys whose values are secrets wherever they appear in ZStack JSON (jobData, errors, bodies). */
const SECRET_KEY =
  /^(session|sessionid|sessionuuid|password|passwd|sshprivkey|privatekey|accesskeysecret|secret|token|vcenterpassword|saslpass|authorization)$/i;

/** Whether a JSON key names a secret value. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/**
 * Deep copy of a JSON value with every secret-named key's value replaced by "[REDACTED]", and every
 * string (keys included) passed through {@link redactText} with `secrets`: a secret echoed in free
 * text (`details`, `description`, …) is caught by its value.
 */
export function redactJson(value: unknown, secrets: readonly string[] = []): unknown {
  if (typeof value === "string") return redactText(value, secrets);
  if (Array.isArray(value)) return value.map((v) => redactJson(v, secrets));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[redactText(k, secrets)] = isSecretKey(k) && v !== undefined && v !== null ? REDACTED : redactJson(v, secrets);
    }
    return out;
  }
  return value;
}

/**
 * Redacts a string that may hold JSON (ZStack's `jobData` / `jobResult`). JSON text is parsed,
 * redacted and re-serialized; anything else goes through {@link redactText}.
 */
export function redactJsonString(text: string | undefined, secrets: readonly string[] = []): string | undefined {
  if (text === undefined) return undefined;
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed !== null && typeof parsed === "object") {
      return redactText(JSON.stringify(redactJson(parsed, secrets)), secrets);
    }
  } catch {
    // not JSON: fall through
  }
  return redactText(text, secrets);
}

const PATTERNS: Array<[RegExp, string]> = [
  // userinfo in URLs
  [/([a-z][a-z0-9+.-]*:\/\/)[^/@\s"']+@/gi, `$1${REDACTED}@`],
  // Authorization header values
  [/(OAuth\s+)[0-9A-Za-z-]+/g, `$1${REDACTED}`],
  [/(ZStack\s+[^:\s"']+:)[A-Za-z0-9+/=]+/g, `$1${REDACTED}`],
  // PEM private keys (OpenSSH, RSA, EC, PKCS#8), including JSON-escaped newlines; up to the END
  // line, or, when it is missing (ZStack cuts `details` at 4096 characters), to the end of the
  // text or of the JSON string it is in (key material never holds a double quote)
  [/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[^"]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|(?=")|$)/g, REDACTED],
  // "key": "value" pairs in JSON text
  [
    /("(?:session|sessionId|sessionUuid|password|sshPrivKey|accessKeySecret|secret|token|vCenterPassword|saslPass)"\s*:\s*)("(?:[^"\\]|\\.)*"|\{[^{}]*\})/gi,
    `$1"${REDACTED}"`,
  ],
];

/**
 * Removes known secret values (exact strings) and credential-shaped substrings from free text.
 * Secrets shorter than 4 characters are not searched for (they would match too much).
 */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of secrets) {
    if (s && s.length >= 4) out = out.split(s).join(REDACTED);
  }
  for (const [re, rep] of PATTERNS) out = out.replace(re, rep);
  return out;
}
