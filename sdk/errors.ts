/**
 * The errors the package throws in the user's program (lookups, the plan's checks). Each is a
 * `pulumi.RunError`, which Pulumi prints as its message alone. Pulumi also formats every uncaught
 * error for its trace with `util.inspect`, which on Node 22 can spin for minutes over a source-mapped
 * stack (docs/engine.md, "Program errors"): these errors inspect as their one line instead.
 */
import * as pulumi from "@pulumi/pulumi";
import { inspect } from "util";

export class ZStackProgramError extends pulumi.RunError {
  constructor(message: string) {
    super(message);
    this.name = "ZStackProgramError";
  }

  /** What `util.inspect` shows: the name and the message, nothing to walk. */
  [inspect.custom](): string {
    return `${this.name}: ${this.message}`;
  }
}
