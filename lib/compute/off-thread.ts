import { sourceWorker } from "./source-worker";

/**
 * Calls an exported function of one of our TypeScript modules on a worker
 * thread of its own, so that seconds of pure computation (the churn models'
 * fits) never hold the web server's thread: other requests keep being
 * answered meanwhile. The worker loads the module from the source tree the
 * server runs in (process.cwd(): `npm start` serves from the repository)
 * through tsx's loader, a dependency `npm start` itself runs on; Next's
 * bundle has no file a worker could load. Arguments and the result cross by
 * structured clone (plain data only). When the worker cannot start or load
 * the module, the function runs on this thread instead (`here`), with the
 * same result.
 */

/** An error the function threw in the worker, as it crossed: rebuild it with `revive`. */
export interface CrossedError {
  name: string;
  message: string;
  code?: string;
}

export interface OffThreadCall<T> {
  /** The module's path from the repository's root, e.g. "lib/services/churn-check.ts". */
  module: string;
  /** The exported function's name. */
  name: string;
  args: unknown[];
  /** Checks the result that crossed (a zod schema's parse): nothing is trusted by cast. */
  parse: (value: unknown) => T;
  /** The same call on this thread, when no worker can run it. */
  here: () => T | Promise<T>;
  /** Turns an error thrown in the worker back into the error the caller expects (default: a plain Error). */
  revive?: (error: CrossedError) => Error | undefined;
}

// The worker's whole program: register tsx, import the module, call the function, post the outcome once.
const SOURCE = `"use strict";
const { parentPort, workerData } = require("node:worker_threads");
(async () => {
  let fn;
  try {
    (await import(workerData.tsx)).register();
    fn = (await import(workerData.module))[workerData.name];
    if (typeof fn !== "function") throw new Error(workerData.name + " is not a function of " + workerData.module);
  } catch (error) {
    parentPort.postMessage({ loaded: false, message: String((error && error.message) || error) });
    return;
  }
  try {
    parentPort.postMessage({ loaded: true, value: await fn(...workerData.args) });
  } catch (error) {
    parentPort.postMessage({ loaded: true, error: { name: error.name, message: error.message, code: error.code } });
  }
})();
`;

type Outcome = { loaded: false; message: string } | { loaded: true; value: unknown } | { loaded: true; error: CrossedError };

/** Runs `call` on a worker thread (see above); falls back to `call.here()` when no worker can run it. */
export async function callOffThread<T>(call: OffThreadCall<T>): Promise<T> {
  let outcome: Outcome | null;
  try {
    outcome = await new Promise<Outcome | null>((resolve, reject) => {
      const worker = sourceWorker(call.module, `segmenta-${call.name}`, SOURCE, { name: call.name, args: call.args });
      if (!worker) return resolve(null);
      worker.once("message", (message: Outcome) => {
        resolve(message);
        void worker.terminate();
      });
      worker.once("error", reject);
      worker.once("exit", (code) => reject(new Error(`the worker for ${call.name} exited (code ${code})`)));
    });
  } catch {
    // The worker could not start or died (not the function's error): the same call here.
    return call.here();
  }
  if (!outcome?.loaded) return call.here();
  if ("error" in outcome) throw call.revive?.(outcome.error) ?? Object.assign(new Error(outcome.error.message), { name: outcome.error.name });
  return call.parse(outcome.value);
}
