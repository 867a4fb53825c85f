import http from "node:http";
import { cookieFrom, SESSION_COOKIE } from "./cookies";

/**
 * The dashboard's page cache: a small HTTP front in the launcher's process
 * that keeps the rendered pages (HTML, and the RSC payloads of client-side
 * navigation) and answers repeated reads of them from memory, while Next
 * renders only what changed. Pages show saved rows that change only when the
 * data does, so a rendered page is good until the next load, run or delete:
 * every POST, PUT, PATCH or DELETE that passes through starts a new epoch, and
 * a version read from the database (at most once a second) covers changes
 * made past it (psql, scripts, a second server). Uploads, API calls and
 * assets stream through untouched.
 *
 * Pages are private: an answer is kept for the session cookie it was rendered
 * for and served to that cookie only (the data version covers sessions ending,
 * so a signed-out or expired cookie gets nothing from here). Requests without
 * a session, share links (each view is counted, and a revoked link must answer
 * 404 at once), sign-in and settings always reach Next. The client's address is
 * passed on in x-forwarded-for (replacing any the client sent), for the
 * per-address limits on sign-in and share links.
 */
export interface PageCacheOptions {
  /** Where Next listens. */
  upstream: { host: string; port: number };
  /** Reads a value that changes whenever the data behind any page does. */
  dataVersion: () => Promise<string>;
  /** Memory for cached answers (default 64 MiB). */
  maxBytes?: number;
  /** How long a data version read is trusted (default 1,000 ms). */
  versionTtlMs?: number;
}

interface Entry {
  status: number;
  headers: http.OutgoingHttpHeaders;
  body: Buffer;
}

/** Request headers a rendered answer depends on (Next varies on the RSC ones; compression on accept-encoding). */
const VARY = ["rsc", "next-router-state-tree", "next-router-prefetch", "next-router-segment-prefetch", "next-url", "accept-encoding"];
const UNCACHED_PREFIXES = ["/_next/", "/api/", "/samples/", "/upload", "/share/", "/login", "/setup", "/invite/", "/settings"];
/** This front's own answer (Next is down) carries what Next's do (next.config.js), strictest: it is plain text. */
const OWN_ANSWER_HEADERS = {
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
};
const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "upgrade", "proxy-connection", "te", "trailer"]);

export function isCacheablePath(url: string): boolean {
  const path = url.split("?")[0]!;
  return !UNCACHED_PREFIXES.some((p) => path === p.replace(/\/$/, "") || path.startsWith(p)) && !/\.(md|csv|png|ico|svg|txt|json)$/.test(path);
}

export function createPageCache(options: PageCacheOptions): http.Server & { stats: { hits: number; misses: number } } {
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  const ttl = options.versionTtlMs ?? 1000;
  const entries = new Map<string, Entry>(); // insertion order = least recently used first
  // Pages being rendered: readers who ask for one meanwhile wait for it instead of rendering it again
  // (50 readers arriving at a page the cache lost kept both cores busy rendering it 50 times).
  const rendering = new Map<string, Promise<Entry | null>>();
  let bytes = 0;
  let epoch = 0;
  let version: { value: string; at: number; pending?: Promise<string> } = { value: "", at: 0 };
  const stats = { hits: 0, misses: 0 };

  const currentVersion = async (): Promise<string> => {
    if (Date.now() - version.at < ttl) return version.value;
    version.pending ??= options.dataVersion().then(
      (value) => ((version = { value, at: Date.now() }), value),
      () => ((version = { value: `unknown-${Date.now()}`, at: 0 }), version.value), // unknown: never reuse
    );
    return version.pending;
  };

  const store = (key: string, entry: Entry) => {
    if (entry.body.length > maxBytes / 8) return;
    entries.set(key, entry);
    bytes += entry.body.length;
    for (const [oldKey, old] of entries) {
      if (bytes <= maxBytes) break;
      entries.delete(oldKey);
      bytes -= old.body.length;
    }
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
    const method = req.method ?? "GET";
    if (method !== "GET" && method !== "HEAD") {
      // A change may follow: what was rendered before it is not reused.
      epoch++;
      res.on("finish", () => epoch++);
      forward(req, res);
      return;
    }
    const session = cookieFrom(req.headers.cookie, SESSION_COOKIE) ?? "";
    if (!session || !isCacheablePath(req.url ?? "/")) {
      forward(req, res);
      return;
    }
    const key = `${epoch}|${await currentVersion()}|${session}|${method}|${req.url}|${VARY.map((h) => req.headers[h] ?? "").join("|")}`;
    const serve = (hit: Entry) => {
      res.writeHead(hit.status, { ...hit.headers, "content-length": hit.body.length, "x-segmenta-cache": "hit" });
      res.end(method === "HEAD" ? undefined : hit.body);
    };
    const hit = entries.get(key);
    if (hit) {
      stats.hits++;
      entries.delete(key);
      entries.set(key, hit);
      serve(hit);
      return;
    }
    const pending = rendering.get(key);
    if (pending) {
      const rendered = await pending;
      if (rendered) {
        stats.hits++;
        serve(rendered);
        return;
      }
    }
    stats.misses++;
    const startedEpoch = epoch;
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
    forward(req, res, (answer) => {
      const headers = answer.headers;
      const type = String(headers["content-type"] ?? "");
      const cacheable = answer.statusCode === 200 && method === "GET" && !headers["set-cookie"] && /^text\/(html|x-component)/.test(type);
      if (cacheable) {
        (answer as http.IncomingMessage & { onBody?: (body: Buffer) => void }).onBody = (body) => {
          // Only if nothing changed while it was rendered.
          const entry = epoch === startedEpoch ? { status: 200, headers: withoutHopByHop(headers), body } : null;
          if (entry) store(key, entry);
          done(entry);
        };
      } else done(null);
      return cacheable;
    });
  });
  return Object.assign(server, { stats });
}

function withoutHopByHop(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase())));
}

/** Raw headers (name, value, name, value, …) without the hop-by-hop ones, keeping repeated headers (set-cookie) apart. */
function pairs(raw: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if (!HOP_BY_HOP.has(raw[i]!.toLowerCase())) out.push(raw[i]!, raw[i + 1]!);
  return out;
}
