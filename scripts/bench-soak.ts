/**
 * `npm run bench -- --soak [--minutes 10]`: the dashboard under a steady
 * load (issue 17, item 11), bounded and local, on a fresh database:
 *
 * - 50 signed-in readers (--readers), each asking for every page of the
 *   dashboard in turn, with no pause, as browsers do (compressed answers);
 * - two uploads at a time (--uploads) of the UCI Online Retail file
 *   (541,909 lines), each dataset deleted once its upload has answered (the
 *   database stays the size it was; its preparation is cancelled);
 * - a probe: GET /api/auth/me (one small query, never cached) every 200 ms,
 *   which shows how long a request waits behind an upload; it runs in a
 *   process of its own (scripts/bench-probe.ts), as a person's browser does,
 *   so the readers' client work in this process is not counted in its time.
 *
 * Each reader signs in as a person does (--sessions, default one session per
 * reader): the page cache keeps pages per session, so after each change every
 * session's pages are rendered again (--sessions 1: one analyst's many tabs,
 * whose pages are rendered once).
 *
 * - the web server's own view (lib/monitor.ts, every 2 s): its event loop's
 *   delay, callers waiting for a database connection, and its heap after a
 *   full collection at each quiet point (a leak grows there; resident memory
 *   also keeps what the C library holds).
 *
 * Goals: 0 errors, p99 of the readers' answers under 1 s, no probe answer
 * over 300 ms while an upload runs, the server's memory flat at the end: read
 * at two quiet points, at half time and at the end, where the uploads pause
 * and the readers go on (the same load at two times). Each
 * figure is printed beside its goal and, where one makes sense, a reference
 * measured in the same process on the same server: the readers alone just
 * before the uploads start (a tenth of the time, 15 s at least), the probe and
 * an upload alone on a quiet server.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import readline from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { MONITOR_PREFIX, type MonitorSample } from "../lib/monitor";
import { benchGround, dashboardPages, descendants, log, mb, memory, met, postRun, seconds, signIn, startApp, upload, waitPrepared, type RunningApp } from "./bench-support";

const BROWSER_HEADERS = { "accept-encoding": "gzip, deflate, br, zstd" };
/** A reader's answer slower than this is an error (a timeout). */
const TIMEOUT_MS = 30_000;
const PROBE_EVERY_MS = 200;
const MONITOR_EVERY_MS = 2000;
/** At a quiet point, how long after the last upload ends its memory is read, and for how long. */
const QUIET_SETTLE_MS = 5000;
const QUIET_READ_MS = 10_000;
/** Time enough for the uploads under way at the end to finish (under the soak's load one takes 8 to 12 s). */
const UPLOAD_TAIL_MS = 30_000;

export interface SoakOptions {
  minutes: number;
  readers: number;
  uploads: number;
  /** Sessions the readers are signed in with (reader i uses session i mod sessions). */
  sessions: number;
}

interface Answer {
  page: string;
  ms: number;
  at: number;
  /** Answered by the launcher's page cache (x-segmenta-cache: hit) rather than rendered by Next. */
  hit?: boolean;
  error?: string;
}

interface Probe {
  ms: number;
  during: boolean;
  error?: string;
  /** Its Server-Timing (ms): waiting in the web server, the session check, the handler. */
  timing?: Record<string, number>;
}

/**
 * The probe in a process of its own (scripts/bench-probe.ts) until `until` (epoch ms); an answer counts as during
 * the uploads when an upload ran at any moment of it (`uploadsAt(start, end)`).
 */
async function probeProcess(url: string, session: { cookie: string }, until: number, uploadsAt: (start: number, end: number) => boolean): Promise<Probe[]> {
  const child = spawn(process.execPath, ["node_modules/tsx/dist/cli.mjs", "scripts/bench-probe.ts", url, session.cookie, String(PROBE_EVERY_MS), String(until)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const probes: Probe[] = [];
  for await (const line of readline.createInterface({ input: child.stdout! })) {
    const answer = JSON.parse(line) as { start: number; end: number; ms: number; status?: number; error?: string; timing?: Record<string, number> };
    const error = answer.error ?? (answer.status === 200 ? undefined : `HTTP ${answer.status}`);
    probes.push({ ms: answer.ms, during: answer.error !== undefined || uploadsAt(answer.start, answer.end), timing: answer.timing, ...(error ? { error } : {}) });
  }
  const code = await new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.on("exit", resolve)));
  if (code !== 0) throw new Error(`the probe's process ended with ${code}`);
  return probes;
}

/** The items from share `from` to share `to` of the list (0.4 to 0.5: the tenth before half time), one at least. */
function share<T>(all: T[], from: number, to: number): T[] {
  const start = Math.floor(all.length * from);
  return all.slice(start, Math.max(start + 1, Math.floor(all.length * to)));
}


/** A process's event loop over the soak, from its monitor's samples: how long it was held, and its CPU meanwhile. */
function loopFigures(samples: MonitorSample[]): string {
  const loopP99 = samples.map((m) => m.loopP99).sort((a, b) => a - b);
  const cpu = samples.map((m) => m.cpu).sort((a, b) => a - b);
  return (
    `delay p99 per interval, median ${ms(percentile(loopP99, 50))}, worst ${ms(loopP99[loopP99.length - 1]!)}; ` +
    `longest single hold ${ms(Math.max(...samples.map((m) => m.loopMax)))}; its CPU, as a share of one core, median ${percentile(cpu, 50).toFixed(2)}, highest ${cpu[cpu.length - 1]!.toFixed(2)}`
  );
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 50);

const ms = (value: number) => `${value.toFixed(0)} ms`;

async function timedFetch(url: string, headers: Record<string, string>, init: RequestInit = {}): Promise<{ ms: number; status: number; hit: boolean }> {
  const started = performance.now();
  const response = await fetch(url, { ...init, headers: { ...BROWSER_HEADERS, ...headers }, redirect: "manual", signal: AbortSignal.timeout(TIMEOUT_MS) });
  await response.arrayBuffer();
  return { ms: performance.now() - started, status: response.status, hit: response.headers.get("x-segmenta-cache") === "hit" };
}

/** The launcher (its page cache answers most reads) and the Next server: their pids, for their memory. */
function serverProcesses(app: RunningApp): { label: string; pid: number }[] {
  const launcher = descendants(app.process.pid!).find((p) => {
    const cmd = fs.readFileSync(`/proc/${p}/cmdline`, "utf8");
    return cmd.includes("scripts/start.ts") && !cmd.startsWith("next-server");
  });
  return [...(launcher ? [{ label: "launcher (page cache)", pid: launcher }] : []), { label: "next-server", pid: app.nextServer() }];
}

export async function benchSoak({ minutes, readers, uploads, sessions }: SoakOptions): Promise<void> {
  const { csv, databaseUrl, pool, close } = await benchGround("segmenta-soak");
  let app: RunningApp | undefined;
  try {
    // The web server's own view (lib/monitor.ts): its event loop, its database pool's queue, its heap.
    app = await startApp(databaseUrl, { SEGMENTA_MONITOR_MS: String(MONITOR_EVERY_MS) });
    const running = app;
    const monitor: (MonitorSample & { at: number })[] = [];
    let pendingText = "";
    running.process.stdout!.on("data", (chunk: Buffer) => {
      const lines = (pendingText + chunk.toString()).split("\n");
      pendingText = lines.pop()!;
      for (const line of lines) {
        const at = line.indexOf(MONITOR_PREFIX);
        if (at >= 0) monitor.push({ ...(JSON.parse(line.slice(at + MONITOR_PREFIX.length)) as MonitorSample), at: performance.now() });
      }
    });
    const { base, session } = app;
    // The readers' sessions: the launcher's own sign-in, then one more sign-in each.
    const readerSessions = [session];
    while (readerSessions.length < Math.max(1, Math.min(sessions, readers))) readerSessions.push(await signIn(base));

    // The readers' dataset, its runs, every page prepared.
    log("soak: loading the readers' dataset (UCI Online Retail) and its runs…");
    const alone = await upload(running, csv, "online_retail.csv", "readers' dataset");
    await waitPrepared(pool);
    const rfm = (await postRun(running, alone.datasetId, { method: "rfm" })).id;
    const kmeans = (await postRun(running, alone.datasetId, { method: "kmeans", k: "auto" })).id;
    await waitPrepared(pool);
    const pages = [
      ...(await dashboardPages(pool, { home: "home", datasetId: alone.datasetId, rfm, kmeans })),
      { label: "upload", path: "/upload" },
      { label: "settings", path: "/settings" },
    ];

    // References on the quiet server: the probe alone, and (above) an upload alone.
    const probeUrl = `${base}/api/auth/me`;
    const quiet: number[] = [];
    for (let i = 0; i < 50; i++) quiet.push((await timedFetch(probeUrl, session)).ms);
    quiet.sort((a, b) => a - b);
    for (const page of pages) {
      for (const cookie of readerSessions) {
        const first = await timedFetch(`${base}${page.path}`, cookie);
        if (first.status !== 200) throw new Error(`${page.path} answered ${first.status}`);
      }
    }

    const processes = serverProcesses(running);
    const rss: { at: number; values: number[] }[] = [];
    const sampleMemory = () => rss.push({ at: performance.now(), values: processes.map((p) => memory(p.pid).rss) });
    sampleMemory();

    const answers: Answer[] = [];
    let end = 0;
    const uploadTimes: number[] = [];
    const uploadErrors: string[] = [];
    // When each upload ran (epoch ms; `to` null while it runs), for the probe's answers.
    const uploadSpans: { from: number; to: number | null }[] = [];
    const uploadsAt = (start: number, finish: number) => uploadSpans.some((u) => u.from <= finish && (u.to === null || u.to >= start));

    // The readers of the soak run until the last quiet point is measured (below), past `end`.
    let readersEnd = Number.POSITIVE_INFINITY;
    const reader = async (index: number, until = () => readersEnd, into = answers) => {
      for (let turn = index; performance.now() < until(); turn++) {
        const page = pages[turn % pages.length]!;
        const at = performance.now();
        try {
          const answer = await timedFetch(`${base}${page.path}`, readerSessions[index % readerSessions.length]!);
          into.push({ page: page.label, ms: answer.ms, at, hit: answer.hit, ...(answer.status === 200 ? {} : { error: `HTTP ${answer.status}` }) });
        } catch (error) {
          into.push({ page: page.label, ms: performance.now() - at, at, error: error instanceof Error ? error.name : String(error) });
        }
      }
    };
    // Uploads pause at each quiet point (below): each uploader ends the upload under way, then waits.
    let paused: Promise<void> | null = null;
    const uploader = async (index: number) => {
      for (let turn = 0; ; turn++) {
        while (paused) await paused;
        if (performance.now() >= end) break;
        const span = { from: Date.now(), to: null as number | null };
        uploadSpans.push(span);
        try {
          const loaded = await upload(running, csv, "online_retail.csv", `soak upload ${index}.${turn}`);
          uploadTimes.push(loaded.ms);
          const deleted = await fetch(`${base}/api/datasets/${loaded.datasetId}`, { method: "DELETE", headers: session });
          if (!deleted.ok) uploadErrors.push(`DELETE answered ${deleted.status}`);
        } catch (error) {
          uploadErrors.push(error instanceof Error ? error.message : String(error));
        } finally {
          span.to = Date.now();
        }
      }
    };
    /** The probe's process until `until` (performance time, as the readers' ends). */
    const probe = (until: number) => probeProcess(probeUrl, session, Date.now() + (until - performance.now()), uploadsAt);
    // The reference: the same readers without uploads, a tenth of the time (15 s at least), just before.
    const alonePhase: Answer[] = [];
    const referenceMs = Math.max(15_000, minutes * 6000);
    log(`soak: reference, ${readers} readers alone for ${seconds(referenceMs)}…`);
    const referenceEnd = performance.now() + referenceMs;
    // The probe beside them: how long a request waits behind the readers alone, to set beside its wait behind uploads.
    const [probesAlone] = await Promise.all([probe(referenceEnd), ...Array.from({ length: readers }, (_, i) => reader(i, () => referenceEnd, alonePhase))]);
    const probeAlone = probesAlone.map((p) => p.ms).sort((a, b) => a - b);
    const readersAlone = alonePhase.map((a) => a.ms).sort((a, b) => a - b);

    log(`soak: ${minutes} min, ${readers} readers (${readerSessions.length === 1 ? "one session" : `${readerSessions.length} sessions`}) over ${pages.length} pages, ${uploads} uploads at a time (541,909 lines each, deleted after), a probe every ${PROBE_EVERY_MS} ms…`);
    const started = performance.now();
    end = started + minutes * 60_000;
    const memoryTimer = setInterval(sampleMemory, 5000);
    // Quiet points, at half time and at the end: the uploads pause (the one under way ends), the readers go on, and
    // after QUIET_SETTLE_MS the servers' memory is read each second for QUIET_READ_MS. An upload holds some 30 to
    // 200 MB while it runs, so memory read under uploads says which phase they were in; read at the quiet points,
    // it is the same load (the readers alone) at two times, and a leak is what grows between them.
    // Half the reading is taken as the processes are, half after a full collection in each (SIGUSR2, lib/monitor.ts):
    // a process that serves few requests at that moment may not have collected for a while, and its resident set
    // then says when it last did rather than what it holds.
    const quietPoint = async (): Promise<{ as: number[][]; collected: number[][] }> => {
      let resume!: () => void;
      paused = new Promise((resolve) => (resume = resolve));
      while (uploadSpans.some((u) => u.to === null)) await sleep(100);
      await sleep(QUIET_SETTLE_MS);
      const read = async (ms: number) => {
        const samples: number[][] = [];
        for (const stop = performance.now() + ms; performance.now() < stop; await sleep(1000)) samples.push(processes.map((p) => memory(p.pid).rss));
        return samples;
      };
      const as = await read(QUIET_READ_MS / 2);
      for (const p of processes) process.kill(p.pid, "SIGUSR2");
      await sleep(1000);
      const collected = await read(QUIET_READ_MS / 2);
      paused = null;
      resume();
      return { as, collected };
    };
    const atQuietPoints = async () => {
      await sleep((end - started) / 2);
      const half = await quietPoint();
      // The soak's time does not count the pause.
      end += QUIET_SETTLE_MS + QUIET_READ_MS;
      await sleep(Math.max(0, end - performance.now()));
      const last = await quietPoint();
      readersEnd = performance.now();
      return { half, last };
    };
    const [probes, quietPoints] = await Promise.all([
      // (past the last uploads: the half-time pause moves the end, and the last uploads end after it)
      probe(end + QUIET_SETTLE_MS + QUIET_READ_MS + UPLOAD_TAIL_MS),
      atQuietPoints(),
      ...Array.from({ length: readers }, (_, i) => reader(i)),
      ...Array.from({ length: uploads }, (_, i) => uploader(i)),
    ]);
    clearInterval(memoryTimer);
    sampleMemory();
    const elapsed = performance.now() - started;

    // The figures, each beside its goal.
    const errors = answers.filter((a) => a.error);
    const all = answers.map((a) => a.ms).sort((a, b) => a - b);
    const p99 = percentile(all, 99);
    log("");
    log(`soak over ${seconds(elapsed)}: ${answers.length.toLocaleString("en")} reader answers (${(answers.length / (elapsed / 1000)).toFixed(0)}/s), ${uploadTimes.length} uploads`);
    const kinds = new Map<string, number>();
    for (const e of [...errors.map((a) => a.error!), ...uploadErrors, ...probes.filter((p) => p.error).map((p) => p.error!)]) kinds.set(e, (kinds.get(e) ?? 0) + 1);
    const errorCount = errors.length + uploadErrors.length + probes.filter((p) => p.error).length;
    log(`  errors (readers, uploads, probe): ${errorCount} (goal 0: ${met(errorCount === 0)})${kinds.size ? ` — ${[...kinds].map(([k, n]) => `${n}× ${k}`).join(", ")}` : ""}`);
    log(
      `  readers' answers p50 ${ms(percentile(all, 50))}, p95 ${ms(percentile(all, 95))}, p99 ${ms(p99)} (goal < 1 s: ${met(p99 < 1000)}), slowest ${ms(all[all.length - 1] ?? 0)} ` +
        `(reference, the readers alone just before: p50 ${ms(percentile(readersAlone, 50))}, p99 ${ms(percentile(readersAlone, 99))}, ${alonePhase.filter((a) => a.error).length} errors)`,
    );
    const hits = (list: Answer[]) => `${((100 * list.filter((a) => a.hit).length) / Math.max(1, list.length)).toFixed(0)}%`;
    log(`  answered from the page cache (the rest rendered by Next): ${hits(answers)} (readers alone just before: ${hits(alonePhase)})`);
    log("  per page (p50 / p99 / slowest, from the page cache):");
    for (const page of pages) {
      const its = answers.filter((a) => a.page === page.label);
      const times = its.map((a) => a.ms).sort((a, b) => a - b);
      log(`    ${page.label.padEnd(34)} ${String(times.length).padStart(6)} answers  ${ms(percentile(times, 50)).padStart(7)} / ${ms(percentile(times, 99)).padStart(7)} / ${ms(times[times.length - 1] ?? 0).padStart(7)}, ${hits(its)}`);
    }
    const during = probes.filter((p) => p.during).map((p) => p.ms).sort((a, b) => a - b);
    const worstDuring = during[during.length - 1] ?? 0;
    log(
      `  the probe (GET /api/auth/me, from a process of its own) during uploads: p50 ${ms(percentile(during, 50))}, p99 ${ms(percentile(during, 99))}, slowest ${ms(worstDuring)}, ` +
        `over 300 ms ${during.filter((t) => t > 300).length} of ${during.length} ` +
        `(goal: none over 300 ms: ${met(worstDuring <= 300)}; references: the probe alone on the quiet server p50 ${ms(percentile(quiet, 50))}, slowest ${ms(quiet[quiet.length - 1]!)}; ` +
        `beside the readers alone, before the uploads, p50 ${ms(percentile(probeAlone, 50))}, p99 ${ms(percentile(probeAlone, 99))}, slowest ${ms(probeAlone[probeAlone.length - 1] ?? 0)})`,
    );
    // Where the slowest probes' time went: the rest of each (outside the web server) is the launcher's front both
    // ways, the network and the probe's own process.
    const slowest = probes.filter((p) => p.during && !p.error).sort((a, b) => b.ms - a.ms).slice(0, 5);
    const split = (p: Probe) => {
      const t = p.timing ?? {};
      const inside = (t.queue ?? 0) + (t.auth ?? 0) + (t.app ?? 0);
      return `${ms(p.ms)} = from the launcher to the handler ${ms(t.queue ?? 0)} + session check ${ms(t.auth ?? 0)} + handler ${ms(t.app ?? 0)} + outside it ${ms(p.ms - inside)}`;
    };
    log(`  the slowest probes during uploads, where their time went (Server-Timing): ${slowest.map(split).join("; ")}`);
    const sortedUploads = [...uploadTimes].sort((a, b) => a - b);
    log(`  uploads under load: median ${seconds(percentile(sortedUploads, 50))}, slowest ${seconds(sortedUploads[sortedUploads.length - 1] ?? 0)} (reference: the same upload alone on the quiet server ${seconds(alone.ms)})`);
    // Flat: the last tenth of the samples against the tenth before the middle (the first half warms caches up).
    const window = (from: number, to: number, i: number) => median(share(rss, from, to).map((s) => s.values[i]!));
    // The web server's own view over the soak: what held its requests, and whether its heap grows.
    const seen = monitor.filter((m) => m.at >= started && !m.source && !m.collected);
    // Each process's heap after the full collection at each quiet point: at half time, then at the end.
    const collectedHeaps = (source?: "launcher") =>
      monitor
        .filter((m) => m.collected && m.source === source)
        .map((m, i) => `${mb(m.heapUsed)} ${i === 0 ? "at half time" : "at the end"}`)
        .join(", ");
    // The launcher's own loop (its page cache answers most reads; every request passes through it).
    const front = monitor.filter((m) => m.at >= started && m.source === "launcher" && !m.collected);
    if (front.length) {
      log(`  the launcher's event loop (the page cache; every ${seconds(MONITOR_EVERY_MS)}): ${loopFigures(front)}`);
      const kept = (m: MonitorSample) => `${mb(m.cacheBytes ?? 0)} in ${(m.cacheEntries ?? 0).toLocaleString("en")} answers`;
      log(
        `  the launcher's page cache kept ${kept(front[Math.floor(front.length / 2)]!)} at half time, ${kept(front[front.length - 1]!)} at the end (bounded: 64 MB); ` +
          `its heap after the quiet points' full collections ${collectedHeaps("launcher")}`,
      );
    }
    if (seen.length) {
      const waiting = seen.filter((m) => m.poolWaitingMax > 0).length;
      log(`  next-server's event loop (every ${seconds(MONITOR_EVERY_MS)}): ${loopFigures(seen)} (near 1: its own thread was the bottleneck; well under: it waited for a core)`);
      log(
        `  next-server's database pool (${Math.max(...seen.map((m) => m.poolTotal))} connections at most): callers waiting for a connection in ${waiting} of ${seen.length} intervals, ` +
          `at most ${Math.max(...seen.map((m) => m.poolWaitingMax))} at once`,
      );
      const last = seen[seen.length - 1]!;
      log(
        `  next-server's heap after the quiet points' full collections: ${collectedHeaps()} (a leak grows here); ` +
          `buffers outside the heap at the end ${mb(last.arrayBuffers)}, resident ${mb(last.rss)}`,
      );
    }
    const signed = (bytes: number) => `${bytes >= 0 ? "+" : ""}${mb(bytes)}`;
    processes.forEach((p, i) => {
      const first = rss[0]!.values[i]!;
      const peak = Math.max(...rss.map((s) => s.values[i]!));
      const half = median(quietPoints.half.collected.map((s) => s[i]!));
      const last = median(quietPoints.last.collected.map((s) => s[i]!));
      const growth = last - half;
      const flat = growth < Math.max(32 * 1024 ** 2, half * 0.05);
      log(
        `  ${p.label} RSS, readers alone at the quiet points (uploads paused), after a full collection: ${mb(half)} at half time, ${mb(last)} at the end ` +
          `(goal: flat in the second half, under max(32 MB, 5%) of growth: ${signed(growth)}, ${met(flat)}); ` +
          `before the collections ${mb(median(quietPoints.half.as.map((s) => s[i]!)))} and ${mb(median(quietPoints.last.as.map((s) => s[i]!)))}; ` +
          `under the uploads, median of the tenth before each: ${mb(window(0.4, 0.5, i))} and ${mb(window(0.9, 1, i))} (${signed(window(0.9, 1, i) - window(0.4, 0.5, i))}); ` +
          `${mb(first)} before the soak, peak ${mb(peak)}`,
      );
    });
  } finally {
    await app?.stop();
    await close();
  }
}
