import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";

/**
 * A worker thread that runs one of our TypeScript modules from the source tree
 * the server runs in (process.cwd(): `npm start` serves from the repository),
 * through tsx's loader, a dependency `npm start` itself runs on: Next's bundle
 * has no file a worker could load. `program` is the worker's whole program (a
 * CommonJS string): it finds tsx's API as `workerData.tsx` and the module as
 * `workerData.module` (file URLs), beside the caller's own data. Null when
 * tsx or the module is not there (then the caller does the work on its own
 * thread). Used by off-thread.ts (one call) and lib/ingest/parse-thread.ts (a
 * file's parse, chunk by chunk).
 */
export function sourceWorker(module: string, name: string, program: string, data: Record<string, unknown>): Worker | null {
  const root = process.cwd();
  const tsx = path.join(root, TSX_API);
  const file = path.join(root, module);
  if (!fs.existsSync(tsx) || !fs.existsSync(file)) return null;
  return new Worker(program, {
    eval: true,
    name,
    workerData: { ...data, tsx: pathToFileURL(tsx).href, module: pathToFileURL(file).href },
    execArgv: [],
  });
}

const TSX_API = "node_modules/tsx/dist/esm/api/index.mjs";
