import http from "node:http";
import { createHash } from "node:crypto";
import os from "node:os";
import type { PageVersions } from "../queries/page-versions";
import { cookieFrom, SESSION_COOKIE } from "./cookies";
import { changeScope, locationDataset, pageScope, type ChangeScope, type PageScope } from "./page-scope";
import { pairs, withoutHopByHop } from "./proxy-headers";
import { RECEIVED_HEADER } from "./timing";

/**
 * The dashboard's page cache: a small HTTP front in the launcher's process
 * that keeps the rendered pages (HTML, and the RSC payloads of client-side
 * navigation) and answers repeated reads of them from memory, while Next
 * renders only what changed. Pages show saved rows that change only when the
 * data does, so a rendered page is good until the next load, run or delete
 * of the datasets it reads (page-scope.ts says which, from its address):
 * every POST, PUT, PATCH or DELETE that passes through forgets, as it starts
 * and as it ends, the pages of the datasets it writes (every page when its
 * address does not say), and the versions read from the database (at most
 * once a second, and again as each change ends; lib/queries/page-versions.ts)
 * cover changes made past it (a preparation's steps, psql, scripts, a second
 * server), dataset by dataset. The pages that list datasets follow versions
 * of their own: the home page every dataset's (a new dataset, a load, a run,
 * a preparation step, a delete), the upload page the datasets' names, the
 * settings page its links, invitations and tokens; a change whose address does
 * not say what it writes (a server action) forgets them too. Uploads, API
 * calls and assets stream through untouched.
 *
 * Pages are private: an answer is kept for the session cookie it was rendered
 * for and served to that cookie only (the versions cover sessions ending, so
 * a signed-out or expired cookie gets nothing from here). Requests without
 * a session, share links (each view is counted, and a revoked link must answer
 * 404 at once) and sign-in always reach Next. The settings page is kept too, per
 * session, but forgotten at any share link's view and any request with an API
 * token passing through (its view counts and tokens' last use), when its
 * version moves (page-versions.ts: links, invitations, tokens, counted by
 * another server too; a dataset deleted with its links), at a change the
 * address does not place, and when the first link or invitation it lists expires
 * (its freshUntil: the page then shows another status, by the clock alone). The client's address is
 * passed on in x-forwarded-for (replacing any the client sent), for the
 * per-address limits on sign-in and share links.
 */
export interface PageCacheOptions {
  /** Where Next listens. */
  upstream: { host: string; port: number };
  /** Reads the versions of the data behind the pages (lib/queries/page-versions.ts). */
  versions: () => Promise<PageVersions>;
  /** Memory for cached answers, their addresses and headers included (default 64 MiB). */
  maxBytes?: number;
  /** How long a versions read is trusted (default 1,000 ms). */
  versionTtlMs?: number;
  /**
   * Renders of signed-in pages let through to Next at once (default: twice the cores); more wait here, in
   * arrival order. Under the soak (issue 17, item 11) a change made many pages of many readers miss at once,
   * and their renders, each a handful of queries at once, queued 67 callers on Next's ten connections: a
   * session check (GET /api/auth/me, each page's own) waited a second behind them. Past a few renders on a
   * few cores Next renders no faster, it only shares them out: the bound keeps its pool for what is not a render.
   */
  maxRenders?: number;
}

interface Entry {
  /** What it was rendered from (the changes seen and the versions of what it reads): good while they are the same. */
  version: string;
  status: number;
  headers: http.OutgoingHttpHeaders;
  body: Buffer;
  /** What it takes in memory: its body, address and headers. */
  size: number;
  /** When it stops being good whatever passes through (epoch ms; the settings page's first expiry). */
  until?: number | null;
}

/** A versions read, with one digest of all of it (the key of the pages that read every dataset). */
interface Snapshot extends PageVersions {
  all: string;
  at: number;
}

/** Request headers a rendered answer depends on (Next varies on the RSC ones; compression on accept-encoding). */
const VARY = ["rsc", "next-router-state-tree", "next-router-prefetch", "next-router-segment-prefetch", "next-url", "accept-encoding"];
const UNCACHED_PREFIXES = ["/_next/", "/api/", "/samples/", "/share/", "/login", "/setup", "/invite/"];
/** This front's own answer (Next is down) carries what Next's do (next.config.js), strictest: it is plain text. */
const OWN_ANSWER_HEADERS = {
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
};

export function isCacheablePath(url: string): boolean {
  const path = url.split("?")[0]!;
  return !UNCACHED_PREFIXES.some((p) => path === p.replace(/\/$/, "") || path.startsWith(p)) && !/\.(md|csv|png|ico|svg|txt|json)$/.test(path);
}

export interface PageCacheStats {
  hits: number;
  misses: number;
  bytes: number;
  /** Answers kept: one per page, session and variant at most (a newer render replaces the older one). */
  entries: number;
  /** Renders waiting for their turn (maxRenders) now, and the most let through at once so far. */
  rendersWaiting: number;
  rendersAtOnceMax: number;
}

export function createPageCache(options: PageCacheOptions): http.Server & { stats: PageCacheStats } {
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  const ttl = options.versionTtlMs ?? 1000;
  // One answer per page, session and variant (its slot), the latest rendered: an answer whose version has moved is
  // never served again, so it gives its place to the next render at once rather than filling the memory until
  // evicted (50 sessions' home pages, rendered again after each upload, grew the launcher by 39 MB in the soak's
  // second half). Insertion order = least recently used first.
  const entries = new Map<string, Entry>();
  // Pages being rendered: readers who ask for one meanwhile wait for it instead of rendering it again
  // (50 readers arriving at a page the cache lost kept both cores busy rendering it 50 times).
  const rendering = new Map<string, Promise<Entry | null>>();
  let bytes = 0;
  // Changes seen passing through, counted: `changes` moves at each one's start and end; `everything` is
  // its value at the last one no dataset covers, `touched` at the last one of each dataset.
  let changes = 0;
  let everything = 0;
  // Changes that have ended (changed()).
  let generation = 0;
  const touched = new Map<number, number>();
  // Reads that write what the settings page shows (a share link's view, an API token's use), counted like changes.
  let accountReads = 0;
  let snapshot: Snapshot | null = null;
  let reading: Promise<Snapshot> | null = null;
  const stats = { hits: 0, misses: 0, bytes: 0, entries: 0, rendersWaiting: 0, rendersAtOnceMax: 0 };
  // Renders let through to Next, and those waiting for one of them to end (first come, first let through).
  const maxRenders = Math.max(1, options.maxRenders ?? os.availableParallelism() * 2);
  let renderingNow = 0;
  const renderQueue: (() => void)[] = [];
  /** Runs `start` when fewer than maxRenders renders are under way; `release` (once) frees its place for the next. */
  const whenRenderSlot = (start: (release: () => void) => void) => {
    const begin = () => {
      renderingNow++;
      stats.rendersAtOnceMax = Math.max(stats.rendersAtOnceMax, renderingNow);
      let released = false;
      start(() => {
        if (released) return;
        released = true;
        renderingNow--;
        const next = renderQueue.shift();
        stats.rendersWaiting = renderQueue.length;
        next?.();
      });
    };
    if (renderingNow < maxRenders) begin();
    else {
      renderQueue.push(begin);
      stats.rendersWaiting = renderQueue.length;
    }
  };

  const change = (scope: ChangeScope) => {
    if (scope === "none") return;
    changes++;
    if (scope === "all") everything = changes;
    else if (scope !== "lists") for (const id of scope) touched.set(id, changes);
  };
  // A change has ended: the versions are read again for the next page asked (a read under way began before the end,
  // so it is not reused, nor kept). The pages that list datasets (home, upload, settings) are keyed by their versions
  // alone for what the datasets API changes (a new dataset, an append, a run, a delete: each moves a version they
  // read), so after each change they are rendered again only when what they show moved. Under the soak's uploads
  // every one of those pages was forgotten at each upload's start and end and at each delete's, for 50 sessions.
  const changed = () => {
    generation++;
    snapshot = null;
    reading = null;
  };

  const readVersions = (): Promise<Snapshot> => {
    const before = changes;
    const began = generation;
    const at = Date.now();
    return options.versions().then(
      (versions) => {
        const text = `${versions.shared}|${versions.lists}|${[...versions.datasets].map(([id, v]) => `${id}=${v}`).join(",")}`;
        const read = { ...versions, all: createHash("sha1").update(text).digest("base64url"), at };
        // A read that began before a change ended may miss it: its callers use it, nobody after them.
        if (began === generation) snapshot = read;
        // A dataset gone (or not there yet) has "all" pages: its count goes unless it changed since the read began.
        for (const [id, stamp] of touched) if (!versions.datasets.has(id) && stamp <= before) touched.delete(id);
        return read;
      },
      // Unknown: nothing read with it is reused.
      () => ({ shared: `unknown-${at}-${Math.random()}`, lists: "unknown", datasets: new Map(), runs: new Map(), all: `unknown-${at}-${Math.random()}`, at: 0 }),
    );
  };
  const currentVersions = async (): Promise<Snapshot> => {
    if (snapshot && Date.now() - snapshot.at < ttl) return snapshot;
    reading ??= readVersions().finally(() => (reading = null));
    return reading;
  };

  /** The part of a page's key that moves with the changes and versions of what it reads. */
  const stampOf = (scope: PageScope) =>
    scope === "all" || scope === "lists"
      ? `${scope}:${everything}`
      : scope === "settings"
        ? `settings:${everything}:${accountReads}`
        : `${everything}:${scope.map((id) => touched.get(id) ?? 0).join(",")}`;
  const versionOf = (scope: PageScope, versions: Snapshot) =>
    scope === "all"
      ? versions.all
      : scope === "settings"
        ? `${versions.shared}|${versions.settings!.version}`
        : scope === "lists"
          ? `${versions.shared}|${versions.lists}`
        : `${versions.shared}|${scope.map((id) => `${id}=${versions.datasets.get(id)}`).join(",")}`;
  const fresh = (entry: Entry) => entry.until === undefined || entry.until === null || Date.now() < entry.until;

  const store = (key: string, entry: Entry) => {
    if (entry.size > maxBytes / 8) return;
    const previous = entries.get(key);
    if (previous) bytes -= previous.size;
    entries.delete(key);
    entries.set(key, entry);
    bytes += entry.size;
    for (const [oldKey, old] of entries) {
      if (bytes <= maxBytes) break;
      entries.delete(oldKey);
      bytes -= old.size;
    }
    stats.bytes = bytes;
    stats.entries = entries.size;
  };
  const drop = (slot: string, entry: Entry) => {
    entries.delete(slot);
    bytes -= entry.size;
    stats.bytes = bytes;
    stats.entries = entries.size;
  };

  const forward = (req: http.IncomingMessage, res: http.ServerResponse, onAnswer?: (upstream: http.IncomingMessage) => boolean, retried = false) => {
    // A read has no body: it can be sent again. A change (a body streamed through) goes on a connection of its own,
    // never a kept-alive one that Next may be closing as it goes out.
    const read = req.method === "GET" || req.method === "HEAD";
    const headers = { ...req.headers, "x-forwarded-for": req.socket.remoteAddress ?? "unknown" };
    const upstream = http.request(
      { host: options.upstream.host, port: options.upstream.port, method: req.method, path: req.url, headers, ...(read ? {} : { agent: false }) },
      (answer) => {
        const keep = onAnswer?.(answer) ?? false;
        res.writeHead(answer.statusCode ?? 502, answer.rawHeaders.length ? pairs(answer.rawHeaders) : answer.headers);
        if (!keep) {
          answer.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        answer.on("data", (chunk: Buffer) => {
          chunks.push(chunk);
          res.write(chunk);
        });
        answer.on("end", () => {
          res.end();
          (answer as http.IncomingMessage & { onBody?: (body: Buffer) => void }).onBody?.(Buffer.concat(chunks));
        });
      },
    );
    upstream.on("error", (error: NodeJS.ErrnoException) => {
      // A kept-alive connection Next closed just as this read went out on it ("socket hang up", before any
      // answer): the read goes again, once, on a new connection, instead of a 502 saying Segmenta is restarting.
      if (read && !retried && !res.headersSent && error.code === "ECONNRESET") {
        forward(req, res, onAnswer, true);
        return;
      }
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain; charset=utf-8", ...OWN_ANSWER_HEADERS });
      res.end("Segmenta is starting or restarting; try again in a moment.");
    });
    res.on("close", () => {
      if (!res.writableFinished) upstream.destroy();
    });
    if (read) upstream.end();
    else req.pipe(upstream);
  };

  const server = http.createServer(async (req, res) => {
    // When it arrived, for the handlers' Server-Timing (lib/http/timing.ts): this front's stamp, never a client's.
    req.headers[RECEIVED_HEADER] = String(Date.now());
    const method = req.method ?? "GET";
    if (method !== "GET" && method !== "HEAD") {
      // A change may follow: what was rendered before it, of what it writes, is not reused; nor, after it, of the
      // dataset its answer names (a new one). A change the address does not place forgets every page; the pages
      // that list datasets follow their versions, read again as it ends (changed()).
      const scope = changeScope(method, req.url ?? "/", snapshot ?? (await currentVersions()));
      change(scope);
      let named: number | null = null;
      // At its end (or the client's leaving: the change may be made all the same).
      res.on("close", () => {
        change(scope);
        if (named !== null) change([named]);
        changed();
      });
      forward(req, res, (answer) => {
        named = locationDataset(answer.headers.location);
        return false;
      });
      return;
    }
    if ((req.url ?? "").startsWith("/share/") || req.headers.authorization) {
      // A view counted, a token's use written: the settings pages rendered before its end are not reused.
      accountReads++;
      res.on("close", () => accountReads++);
    }
    const session = cookieFrom(req.headers.cookie, SESSION_COOKIE) ?? "";
    if (!session || !isCacheablePath(req.url ?? "/")) {
      forward(req, res);
      return;
    }
    const versions = await currentVersions();
    const scope = pageScope(req.url ?? "/", versions);
    if (scope === "settings" && !versions.settings) {
      forward(req, res);
      return;
    }
    const until = scope === "settings" ? versions.settings!.freshUntil : undefined;
    const stamp = stampOf(scope);
    const version = `${stamp}|${versionOf(scope, versions)}`;
    const slot = `${session}|${method}|${req.url}|${VARY.map((h) => req.headers[h] ?? "").join("|")}`;
    // Readers of the same render wait for it (a render of an older version is not theirs).
    const key = `${version}|${slot}`;
    const serve = (hit: Entry) => {
      res.writeHead(hit.status, { ...hit.headers, "content-length": hit.body.length, "x-segmenta-cache": "hit" });
      res.end(method === "HEAD" ? undefined : hit.body);
    };
    let hit = entries.get(slot);
    if (hit && (hit.version !== version || !fresh(hit))) {
      drop(slot, hit);
      hit = undefined;
    }
    if (hit) {
      stats.hits++;
      entries.delete(slot);
      entries.set(slot, hit);
      serve(hit);
      return;
    }
    const inFlight = rendering.get(key);
    if (inFlight) {
      const rendered = await inFlight;
      if (rendered && fresh(rendered)) {
        stats.hits++;
        serve(rendered);
        return;
      }
    }
    stats.misses++;
    // The first reader of a page renders it for those who arrive meanwhile (once: its answer, or null if it is not cacheable).
    let done = (_entry: Entry | null) => {};
    if (!rendering.has(key)) {
      let resolve: (entry: Entry | null) => void = () => {};
      rendering.set(key, new Promise<Entry | null>((r) => (resolve = r)));
      done = (entry) => {
        done = () => {};
        rendering.delete(key);
        resolve(entry);
      };
      res.on("close", () => done(null)); // an answer cut short is nobody's
    }
    const renderPage = () => forward(req, res, (answer) => {
      const headers = answer.headers;
      const type = String(headers["content-type"] ?? "");
      const cacheable = answer.statusCode === 200 && method === "GET" && !headers["set-cookie"] && /^text\/(html|x-component)/.test(type);
      if (cacheable) {
        (answer as http.IncomingMessage & { onBody?: (body: Buffer) => void }).onBody = (body) => {
          const kept = withoutHopByHop(headers);
          const size = body.length + key.length + JSON.stringify(kept).length;
          // Only if nothing it reads moved while it was rendered (a render of an older version, ending after a newer
          // one, would take the newer one's slot); after a change has ended, by the versions read again.
          const keep = (now: Snapshot) => {
            const current = now.settings || scope !== "settings" ? `${stampOf(scope)}|${versionOf(scope, now)}` : null;
            const entry = current === version ? { version, status: 200, headers: kept, body, size, until } : null;
            if (entry && fresh(entry)) store(slot, entry);
            done(entry);
          };
          if (snapshot) keep(snapshot);
          else void currentVersions().then(keep);
        };
      } else done(null);
      return cacheable;
    });
    // Its turn among the renders let through to Next (maxRenders); readers of the same page wait for it meanwhile.
    whenRenderSlot((release) => {
      res.once("close", release); // answered, or the reader left: the next render goes
      if (res.destroyed || res.writableFinished) return release(); // the reader left while it waited
      renderPage();
    });
  });
  return Object.assign(server, { stats });
}
