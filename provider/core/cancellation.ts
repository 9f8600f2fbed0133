/**
 * The run's cancellation: when the engine asks the providers to cancel (the first Ctrl-C of `pulumi up`), a host
 * calls {@link cancelRun}; work that has not started yet then starts nothing (a migration queued for an in-flight
 * slot is not submitted). Work already submitted goes on in ZStack; the next `pulumi up` adopts it. One per
 * process: the engine starts a provider process per run.
 */
import { ZStackError, processRegistry, registered } from "../client";

/** What a queued migration fails with once the run is cancelled: nothing was sent to ZStack. */
export class RunCancelledError extends ZStackError {
  constructor(message: string) {
    super(message);
    this.name = "RunCancelledError";
  }
}

interface Cancellation {
  cancelled: boolean;
  listeners: Set<() => void>;
}

const state = (): Cancellation =>
  registered(processRegistry<"run", Cancellation>("Cancellation"), "run", () => ({
    cancelled: false,
    listeners: new Set(),
  }));

/** The engine asked to cancel: every listener is told once. */
export function cancelRun(): void {
  const s = state();
  if (s.cancelled) return;
  s.cancelled = true;
  for (const l of [...s.listeners]) l();
  s.listeners.clear();
}

export function isRunCancelled(): boolean {
  return state().cancelled;
}

/** Calls `listener` when the run is cancelled (at once if it already is); returns the unsubscribe. */
export function onRunCancelled(listener: () => void): () => void {
  const s = state();
  if (s.cancelled) {
    listener();
    return () => undefined;
  }
  s.listeners.add(listener);
  return () => s.listeners.delete(listener);
}

/** Forgets a cancellation (tests, which run many "runs" in one process). */
export function resetRunCancellation(): void {
  const s = state();
  s.cancelled = false;
  s.listeners.clear();
}
