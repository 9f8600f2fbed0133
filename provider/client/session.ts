/**
 * Account sessions: one login per process, endpoint and account (concurrent callers share it), a
 * fresh login once the session expires, and the record of every session id seen, so that each one
 * stays redacted after the cache has dropped it.
 */
import { createHash } from "crypto";
import { REDACTED } from "./redact";
import { processRegistry } from "./registry";

interface CachedSession {
  sessionId: Promise<string>;
}

/** how many session ids of one endpoint and account are remembered for redaction */
const KNOWN_SESSIONS_MAX = 16;

// Both maps are process-wide registries: a provider module loaded twice (or serialized) shares one login.

/** Process-wide session cache: one login per endpoint and account. */
const sessionCache = () => processRegistry<string, CachedSession>("Sessions");

/** Process-wide record of the session ids each endpoint and account has had. */
const knownSessions = () => processRegistry<string, string[]>("KnownSessions");

/** Forgets every cached session (tests; a password change). */
export function clearSessionCache(): void {
  sessionCache().clear();
}

/** The sessions of one endpoint and account; `logIn` is called when there is none. */
export class AccountSessions {
  private readonly key: string;
  /** session ids this client has used or been given by a login */
  private readonly seen: string[];

  constructor(
    baseUrl: string,
    accountName: string,
    password: string,
    private readonly logIn: () => Promise<string>,
  ) {
    const passwordHash = createHash("sha256").update(password).digest("hex");
    this.key = `${baseUrl}|${accountName}|${passwordHash}`;
    this.seen = [];
  }

  /** The current session id, logging in once per process. */
  async current(): Promise<string> {
    const cache = sessionCache();
    let entry = cache.get(this.key);
    if (!entry) {
      const created: CachedSession = { sessionId: this.logIn() };
      entry = created;
      cache.set(this.key, created);
      created.sessionId.catch(() => {
        if (cache.get(this.key) === created) cache.delete(this.key);
      });
    }
    const sessionId = await entry.sessionId;
    this.remember(sessionId);
    return sessionId;
  }

  /** Drops the cached session if it is still `stale` (so concurrent callers log in only once). */
  async invalidate(stale: string | undefined): Promise<void> {
    const cache = sessionCache();
    const entry = cache.get(this.key);
    if (!entry) return;
    const current = await entry.sessionId.catch(() => undefined);
    if (current === stale && cache.get(this.key) === entry) cache.delete(this.key);
  }

  /** Records a session id for redaction (by this client and by every client of the same account). */
  remember(sessionId: string): void {
    if (!this.seen.includes(sessionId)) this.seen.push(sessionId);
    const all = knownSessions();
    const list = all.get(this.key) ?? [];
    if (!list.includes(sessionId)) {
      list.push(sessionId);
      if (list.length > KNOWN_SESSIONS_MAX) list.splice(0, list.length - KNOWN_SESSIONS_MAX);
      all.set(this.key, list);
    }
  }

  /** Every session id of this endpoint and account: the current one and earlier ones. */
  known(): string[] {
    return [...new Set([...this.seen, ...(knownSessions().get(this.key) ?? [])])];
  }
}

/**
 * A login reply as shown in an error: every `"uuid"` value and every UUID-shaped token (32 hex
 * characters, or the dashed form) replaced, since one of them is the new session id.
 */
export function scrubSessionIds(text: string): string {
  return text
    .replace(/("uuid"\s*:\s*)"(?:[^"\\]|\\.)*"/gi, `$1"${REDACTED}"`)
    .replace(/[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}/gi, REDACTED);
}
