/**
 * The engine's Cancel, heard in the dynamic-provider process. On the first Ctrl-C of `pulumi up` the engine calls
 * every provider's `Cancel`; the Node SDK's dynamic-provider server (`@pulumi/pulumi/cmd/dynamic-provider`)
 * answers it and does nothing, and offers no hook. This module watches the calls that server's gRPC server
 * receives, and on `/pulumirpc.ResourceProvider/Cancel` cancels the run (`core/cancellation.ts`), before the
 * server answers as it always does. It relies on `@grpc/grpc-js`'s `Server.prototype._retrieveHandler`, which
 * every call goes through (1.14.x, the version `@pulumi/pulumi` ships); where that is missing it does nothing
 * and says so in the returned value, and a second Ctrl-C still stops the provider at once (process-lifecycle.ts).
 *
 * The engine also calls Cancel at every normal end of a run, when no operation is in flight: then the
 * cancellation has nothing left to stop.
 */
import * as path from "path";
import { cancelRun } from "../../core/cancellation";

const CANCEL_METHOD = "/pulumirpc.ResourceProvider/Cancel";
const PATCHED = Symbol.for("pulumi-zstack-migration.engine-cancel");

type Retrieve = (this: unknown, methodPath: string) => unknown;

/**
 * Starts watching for the engine's Cancel in this process's gRPC server (the copy of `@grpc/grpc-js` the
 * server at `mainFilename` uses). Returns whether it could.
 */
export function watchEngineCancel(mainFilename: string | undefined): boolean {
  if (!mainFilename) return false;
  let grpc: { Server?: { prototype: Record<string | symbol, unknown> } };
  try {
    // the server's own copy of the module (resolved from its file), not one this package might bring
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a module found at run time, by path
    grpc = require(require.resolve("@grpc/grpc-js", { paths: [path.dirname(mainFilename)] })) as typeof grpc;
  } catch {
    return false;
  }
  const proto = grpc.Server?.prototype;
  const retrieve = proto?._retrieveHandler as Retrieve | undefined;
  if (!proto || typeof retrieve !== "function") return false;
  if (proto[PATCHED]) return true;
  proto._retrieveHandler = function (this: unknown, methodPath: string): unknown {
    if (methodPath === CANCEL_METHOD) cancelRun();
    return retrieve.call(this, methodPath);
  };
  proto[PATCHED] = true;
  return true;
}
