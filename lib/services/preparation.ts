import type pg from "pg";
import type { PreparationState } from "../queries/datasets";
import {
  jobConnection,
  cancelBackend,
  datasetPreparationPlan,
  markDatasetPrepared,
  markRunPrepared,
  prepareSession,
  resetSession,
  runPreparationPlan,
  saveDatasetPreparation,
  summariesCurrent as summariesAreCurrent,
  unprepared,
} from "../queries/preparation";
import { computeAnswer, savedAnswers } from "../queries/cache";
import { datasetAnswers, runAnswers } from "./answers";
import { analyzeLines, buildCustomerCountries, buildCustomerProducts, buildCustomerSummaries, buildInvoiceTotals, buildProductDescriptions, markSummarised } from "../ingest/summaries";
import { dropOrphanPartitions } from "../ingest/storage";
import { logLine } from "../log";

/**
 * Preparation: everything a dataset's or a run's pages read, computed once,
 * after the data changed, so that no reader ever computes or waits for it.
 *
 * - A dataset (after each load, at its new data_version): statistics of its
 *   lines, its summaries (invoice_totals, customer_summaries), then every
 *   answer its pages read (figures, cleaning counts, each overview chart).
 *   Its progress is written to datasets.preparation step by step, so its
 *   pages say what is ready and the upload page shows it like the rows.
 * - A run (after it is saved): every answer its run and segment pages read.
 *
 * One step at a time in the whole process (a step of a large dataset keeps
 * both cores busy; two at once would only slow each other), runs' steps
 * first (an analyst is waiting for that page), and every job cancellable: a
 * new load of the dataset, its deletion or a stop cancels the statement under
 * way (pg_cancel_backend) and drops the job. Steps already done are not done
 * again: a preparation cut by a stop resumes at the next start.
 */

export type { PreparationState, PreparationStep } from "../queries/datasets";

interface Step {
  key: string;
  label: string;
  /** Runs on the job's connection, so a cancel stops it. */
  run: (db: pg.PoolClient) => Promise<unknown>;
}

type Kind = "dataset" | "run";

interface Job {
  kind: Kind;
  id: number;
  /** The dataset's data_version the job prepares (runs: 0). */
  version: number;
  steps: Step[];
  next: number;
  cancelled: boolean;
  /** Settles when the job has ended (done, failed or cancelled). */
  done: Promise<void>;
  settle: (error?: unknown) => void;
  /** Settles when the dataset's summaries are built (datasets only). */
  summarised: Promise<void>;
  settleSummarised: (error?: unknown) => void;
  state?: PreparationState;
  /** Each step's time, for the log line when done. */
  timings: string[];
}

/**
 * A statement cancelled (57014: a cancel, a stop of the server's web process) or cut by PostgreSQL
 * stopping (57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now): the job was
 * interrupted, not failed; its dataset or run stays unprepared and the next start resumes it.
 */
const INTERRUPTED = new Set(["57014", "57P01", "57P02", "57P03"]);
const isCancel = (error: unknown) => INTERRUPTED.has((error as { code?: string }).code ?? "");

export class Preparer {
  private readonly jobs: Job[] = [];
  private current: { job: Job; pid: number } | null = null;
  private looping = false;
  private stopped = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly log: (line: string) => void = logLine,
  ) {}

  /** Prepares the dataset at its current data_version (a job under way for an older one is cancelled). Settles when done. */
  prepareDataset(datasetId: number): Promise<void> {
    return this.enqueue("dataset", datasetId).done;
  }

  /** Prepares a run's pages. Settles when done. */
  prepareRun(runId: number): Promise<void> {
    return this.enqueue("run", runId).done;
  }

  /**
   * Settles once the dataset's summaries are current (what a run reads): at
   * once when they are, else when the preparation under way or queued has
   * built them (one is queued if none is: a run needs them).
   */
  async summaries(datasetId: number): Promise<void> {
    if (await summariesCurrent(this.pool, datasetId)) return;
    const job = this.jobs.find((j) => j.kind === "dataset" && j.id === datasetId && !j.cancelled) ?? this.enqueue("dataset", datasetId);
    await job.summarised;
  }

  /** Cancels the jobs of a dataset (and the statement under way), e.g. when it is deleted or loaded again. */
  async cancel(kind: Kind, id: number): Promise<void> {
    for (const job of this.jobs.filter((j) => j.kind === kind && j.id === id)) await this.drop(job);
  }

  /** Cancels everything and waits until the step under way has stopped (a stop of the server). */
  async stop(): Promise<void> {
    this.stopped = true;
    const ended = this.jobs.map((j) => j.done.catch(() => {}));
    for (const job of [...this.jobs]) await this.drop(job);
    await Promise.all(ended);
  }

  /** Settles when no job is left. */
  async idle(): Promise<void> {
    while (this.jobs.length) await Promise.all(this.jobs.map((j) => j.done.catch(() => {})));
  }

  private enqueue(kind: Kind, id: number): Job {
    const existing = this.jobs.find((j) => j.kind === kind && j.id === id && !j.cancelled);
    if (existing && kind === "run") return existing;
    let settle!: Job["settle"];
    let settleSummarised!: Job["settleSummarised"];
    const done = new Promise<void>((resolve, reject) => (settle = (error) => (error ? reject(error) : resolve())));
    const summarised = new Promise<void>((resolve, reject) => (settleSummarised = (error) => (error ? reject(error) : resolve())));
    // Nobody need listen: a failure is logged and recorded.
    done.catch(() => {});
    summarised.catch(() => {});
    const job: Job = { kind, id, version: 0, steps: [], next: -1, cancelled: false, done, settle, summarised, settleSummarised, timings: [] };
    // A dataset loaded again: the job for its older version (stale) goes; the new one starts over.
    if (existing) void this.drop(existing);
    if (this.stopped) {
      job.cancelled = true;
      settle(new Error("the server is stopping"));
      settleSummarised(new Error("the server is stopping"));
      return job;
    }
    this.jobs.push(job);
    void this.loop();
    return job;
  }

  private async drop(job: Job): Promise<void> {
    job.cancelled = true;
    const index = this.jobs.indexOf(job);
    if (index >= 0) this.jobs.splice(index, 1);
    if (this.current?.job === job) await cancelBackend(this.pool, this.current.pid).catch(() => {});
    else {
      job.settle();
      job.settleSummarised(new Error("the preparation was cancelled"));
    }
  }

  /** The next job to step: runs first (someone waits for that page), then the oldest dataset. */
  private pick(): Job | undefined {
    return this.jobs.find((j) => j.kind === "run") ?? this.jobs[0];
  }

  private async loop(): Promise<void> {
    if (this.looping) return;
    this.looping = true;
    try {
      for (let job = this.pick(); job; job = this.pick()) await this.step(job);
    } finally {
      this.looping = false;
    }
  }

  /** Runs the job's next step (planning its steps first). */
  private async step(job: Job): Promise<void> {
    let client: pg.PoolClient;
    try {
      // A job's steps run on one connection of its own, which a cancel stops (not one of the readers').
      client = await jobConnection(this.pool);
    } catch (error) {
      // The pool is closed (a stop) or the server is gone: the job ends unfinished; the next start resumes it.
      this.finish(job, error);
      return;
    }
    let broken = false;
    try {
      this.current = { job, pid: await prepareSession(client) };
      if (job.next < 0) {
        const planned = job.kind === "dataset" ? await this.planDataset(client, job) : await this.planRun(client, job);
        if (!planned) return this.finish(job);
        job.next = 0;
      }
      const step = job.steps[job.next]!;
      const started = performance.now();
      await step.run(client);
      if (job.cancelled) return this.finish(job);
      job.next++;
      const ms = Math.round(performance.now() - started);
      job.timings.push(`${step.key} ${ms}`);
      await this.progress(client, job, step.key, ms);
      if (job.next === job.steps.length) await this.complete(client, job);
    } catch (error) {
      broken = !isCancel(error) && !(error as { code?: string }).code;
      if (isCancel(error) || job.cancelled) {
        this.finish(job);
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      this.log(`preparing ${job.kind} ${job.id} failed at ${job.steps[job.next]?.key ?? "its plan"}: ${message}`);
      if (job.kind === "dataset" && job.state) {
        job.state.error = message;
        await saveDatasetPreparation(client, job.id, job.state, job.version).catch(() => {});
      }
      this.finish(job, error);
    } finally {
      this.current = null;
      if (!broken) await resetSession(client).catch(() => (broken = true));
      client.release(broken);
    }
  }

  private finish(job: Job, error?: unknown): void {
    const index = this.jobs.indexOf(job);
    if (index >= 0) this.jobs.splice(index, 1);
    job.settleSummarised(error ?? (job.cancelled ? new Error("the preparation was cancelled") : undefined));
    job.settle(error);
  }

  private async planDataset(client: pg.PoolClient, job: Job): Promise<boolean> {
    const dataset = await datasetPreparationPlan(client, job.id);
    if (!dataset || dataset.prepared) return false;
    job.version = dataset.version;
    const id = job.id;
    const pool = this.pool;
    const steps: Step[] = [];
    if (!dataset.summarised) {
      steps.push(
        { key: "lines", label: "Statistics of the lines", run: (db) => analyzeLines(db, id) },
        { key: "invoices", label: "Invoice sums", run: (db) => buildInvoiceTotals(db, pool, id) },
        { key: "products", label: "Product sums", run: (db) => buildCustomerProducts(db, pool, id) },
        { key: "countries", label: "Sums per country", run: (db) => buildCustomerCountries(db, pool, id) },
        { key: "descriptions", label: "Product descriptions", run: (db) => buildProductDescriptions(db, pool, id) },
        {
          key: "customers",
          label: "Customer summaries",
          run: async (db) => {
            await buildCustomerSummaries(db, pool, id);
            if (!(await markSummarised(db, id, job.version))) throw Object.assign(new Error("loaded again meanwhile"), { code: "57014" });
            job.settleSummarised();
          },
        },
      );
    } else job.settleSummarised();
    const answers = datasetAnswers(pool, id);
    const saved = await savedAnswers(client, { datasetId: id }, answers.map((a) => a.query));
    answers.forEach((a, i) => {
      if (saved[i] !== null && dataset.summarised) return;
      steps.push({ key: a.query.name, label: a.label, run: (db) => computeAnswer(db, { datasetId: id }, a.query, job.version) });
    });
    job.steps = steps;
    job.state = { version: job.version, startedAt: new Date().toISOString(), steps: steps.map((s) => ({ key: s.key, label: s.label, done: false })) };
    await saveDatasetPreparation(client, id, job.state);
    if (steps.length === 0) await this.complete(client, job);
    return steps.length > 0;
  }

  private async planRun(client: pg.PoolClient, job: Job): Promise<boolean> {
    const run = await runPreparationPlan(client, job.id);
    if (!run || run.prepared) return false;
    const answers = runAnswers(this.pool, job.id, run.method, run.purchases);
    const saved = await savedAnswers(client, { runId: job.id }, answers.map((a) => a.query));
    job.steps = answers
      .filter((_, i) => saved[i] === null)
      .map((a) => ({ key: a.query.name, label: a.label, run: (db: pg.PoolClient) => computeAnswer(db, { runId: job.id }, a.query, 0) }));
    if (job.steps.length === 0) await this.complete(client, job);
    return job.steps.length > 0;
  }

  private async progress(client: pg.PoolClient, job: Job, key: string, ms: number): Promise<void> {
    if (job.kind !== "dataset" || !job.state) return;
    const step = job.state.steps.find((s) => s.key === key)!;
    step.done = true;
    step.ms = ms;
    await saveDatasetPreparation(client, job.id, job.state, job.version);
  }

  private async complete(client: pg.PoolClient, job: Job): Promise<void> {
    if (job.kind === "dataset") {
      if (job.state) job.state.finishedAt = new Date().toISOString();
      await markDatasetPrepared(client, job.id, job.state ?? null, job.version);
      const ms = job.state?.steps.reduce((sum, s) => sum + (s.ms ?? 0), 0) ?? 0;
      if (job.steps.length) this.log(`dataset ${job.id} prepared in ${ms} ms (ms: ${job.timings.join(", ")})`);
    } else {
      await markRunPrepared(client, job.id);
      if (job.steps.length) this.log(`run ${job.id} prepared (ms: ${job.timings.join(", ")})`);
    }
    this.finish(job);
  }
}

const preparers = new WeakMap<pg.Pool, Preparer>();

/** The preparer of a pool (one per server process: the app's pool; one per test database). */
export function preparerFor(pool: pg.Pool): Preparer {
  let preparer = preparers.get(pool);
  if (!preparer) preparers.set(pool, (preparer = new Preparer(pool)));
  return preparer;
}

/** True when the dataset's summaries are of its current data (runs may read them). */
export const summariesCurrent = (db: pg.Pool | pg.ClientBase, datasetId: number) => summariesAreCurrent(db, datasetId);

/**
 * At the web server's start: drops the partitions of deleted datasets and
 * runs, queues every dataset and run whose preparation is not done, and
 * cancels the preparation when the server is told to stop. Logs, never throws.
 */
export function resumePreparation(pool: pg.Pool): Preparer {
  const preparer = preparerFor(pool);
  const log = logLine;
  void (async () => {
    try {
      const dropped = await dropOrphanPartitions(pool);
      if (dropped.length) log(`dropped ${dropped.length} table(s) of deleted datasets and runs`);
      const { datasets, runs } = await unprepared(pool);
      for (const id of datasets) void preparer.prepareDataset(id);
      for (const id of runs) void preparer.prepareRun(id);
      if (datasets.length || runs.length) log(`preparing ${datasets.length} dataset(s) and ${runs.length} run(s) in the background`);
    } catch (error) {
      log(`could not resume the preparation: ${error instanceof Error ? error.message : String(error)}`);
    }
  })();
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => void preparer.stop());
  return preparer;
}
