/**
 * The state file: the whole world as JSON, replaced atomically (write a temp file, fsync it, rename it
 * over the old one, fsync the directory), so a simulator killed mid-write leaves the previous complete
 * file behind. Writes are coalesced: at most one every `debounceMs` of real time.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { WorldSnapshot } from "./types";

export function readSnapshotFile(file: string): WorldSnapshot {
  const text = fs.readFileSync(file, "utf8");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file} is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  return asSnapshot(parsed, file);
}

export function asSnapshot(value: unknown, origin: string): WorldSnapshot {
  if (!value || typeof value !== "object" || Array.isArray(value))
    throw new Error(`${origin}: a world must be a JSON object`);
  const v = value as Partial<WorldSnapshot>;
  if (!v.tables || typeof v.tables !== "object") throw new Error(`${origin}: a world needs a "tables" object`);
  return { format: "zstack-sim-world", version: 1, ...v, tables: v.tables };
}

/**
 * Test hook: called after the temporary file is written and fsynced, before it is renamed over the
 * target. A test makes it throw to simulate a crash or an I/O error at the worst moment.
 */
export const atomicWriteHooks: { beforeRename?: (tmp: string, file: string) => void } = {};

export function writeFileAtomicSync(file: string, text: string): void {
  const dir = path.dirname(path.resolve(file));
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.tmp-${process.pid}`);
  let renamed = false;
  try {
    const fd = fs.openSync(tmp, "w", 0o600);
    try {
      fs.writeSync(fd, text);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    atomicWriteHooks.beforeRename?.(tmp, file);
    fs.renameSync(tmp, file);
    renamed = true;
  } finally {
    if (!renamed) {
      try {
        fs.unlinkSync(tmp);
      } catch {
        // nothing to clean up
      }
    }
  }
  try {
    const dfd = fs.openSync(dir, "r");
    try {
      fs.fsyncSync(dfd);
    } finally {
      fs.closeSync(dfd);
    }
  } catch {
    // some platforms cannot fsync a directory; the rename is still atomic
  }
}

export class StateFile {
  private timer: NodeJS.Timeout | undefined;
  private dirty = false;
  writes = 0;

  constructor(
    readonly file: string,
    private readonly snapshot: () => WorldSnapshot,
    /** a background write failed; the next change retries */
    private readonly onError: (e: Error) => void,
    private readonly debounceMs = 200,
  ) {}

  /** Notes a change; the file is written within `debounceMs`. */
  markDirty(): void {
    this.dirty = true;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      try {
        this.flush();
      } catch (e) {
        this.dirty = true;
        this.onError(e as Error);
      }
    }, this.debounceMs);
    this.timer.unref();
  }

  /** Writes now if anything changed. */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (!this.dirty) return;
    this.dirty = false;
    writeFileAtomicSync(this.file, JSON.stringify(this.snapshot()));
    this.writes++;
  }
}
