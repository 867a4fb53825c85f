import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { PageVersions } from "../queries/page-versions";
import { createPageCache, isCacheablePath } from "./page-cache";

/** A real upstream (what Next would be) that counts its renders, and the cache in front of it. */
let renders = 0;
/** What the database would say: datasets 1 and 2, runs 1, 11 and 12 of dataset 1, 21 of dataset 2. */
const versions: PageVersions = {
  shared: "s1",
  lists: "names-1",
  datasets: new Map([
    [1, "a1"],
    [2, "b1"],
  ]),
  runs: new Map([
    [1, 1],
    [11, 1],
    [12, 1],
    [21, 2],
  ]),
};
/** Datasets with share links (the settings page lists them): deleting one moves the settings page's version. */
const linked = new Set([2]);
/**
 * What a change the upstream answers does to the versions, as the database would as it commits: an upload's new
 * dataset changes the names; a write to a dataset (an append, a run, its delete) moves its version, a delete the
 * names too, and the links' when it had some. Server actions and other addresses move nothing the versions read.
 */
function commit(method: string, url: string): void {
  const bump = (value: string | undefined) => `${value ?? ""}'`;
  const path = url.split("?", 1)[0]!;
  if (method === "POST" && path === "/api/datasets") versions.lists = bump(versions.lists);
  const dataset = /^\/api\/datasets\/(\d+)(\/|$)/.exec(path);
  const run = /^\/api\/segmentations\/(\d+)/.exec(path);
  const id = dataset ? Number(dataset[1]) : run ? versions.runs.get(Number(run[1])) : undefined;
  if (id === undefined || !versions.datasets.has(id)) return;
  versions.datasets.set(id, bump(versions.datasets.get(id)));
  if (method === "DELETE" && dataset && dataset[2] === "") {
    versions.lists = bump(versions.lists);
    if (linked.has(id) && versions.settings) versions.settings = { ...versions.settings, version: bump(versions.settings.version) };
  }
}

/** Requests the upstream holds until the test lets them go (by method and address). */
const holds = new Map<string, { arrived: () => void; release: Promise<void> }>();
function hold(method: string, path: string): { arrived: Promise<void>; release: () => void } {
  let arrived = () => {};
  let release = () => {};
  const arrival = new Promise<void>((resolve) => (arrived = resolve));
  holds.set(`${method} ${path}`, { arrived: () => arrived(), release: new Promise<void>((resolve) => (release = resolve)) });
  return { arrived: arrival, release };
}
let upstream: http.Server;
let cache: ReturnType<typeof createPageCache>;
let base = "";

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    renders++;
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", async () => {
      const held = holds.get(`${req.method} ${req.url}`);
      if (held) {
        holds.delete(`${req.method} ${req.url}`);
        held.arrived();
        await held.release;
      }
      if (req.method !== "GET" && req.method !== "HEAD") commit(req.method!, req.url ?? "/");
      if (req.method === "POST" && req.url === "/api/datasets") return res.writeHead(201, { "content-type": "application/json", location: "/api/datasets/3" }).end('{"datasetId":3}');
      if (req.url?.startsWith("/tiny")) return res.writeHead(200, { "content-type": "text/html" }).end("t");
      if (req.url === "/missing") return res.writeHead(404, { "content-type": "text/html" }).end("not found");
      if (req.url === "/cookie") return res.writeHead(200, { "content-type": "text/html", "set-cookie": "a=1" }).end("with cookie");
      if (req.url === "/received") return res.writeHead(200, { "content-type": "application/json" }).end(String(req.headers["x-segmenta-received"]));
      if (req.url === "/whoami") return res.writeHead(200, { "content-type": "text/html" }).end(`${req.headers["x-forwarded-for"]} ${renders}`);
      const type = req.headers.rsc ? "text/x-component" : "text/html; charset=utf-8";
      res.writeHead(200, { "content-type": type });
      // Streamed in two chunks, as Next streams a page.
      res.write(`<p>${req.method} ${req.url} render ${renders}`);
      setTimeout(() => res.end(`${body ? ` body ${body}` : ""}</p>`), 5);
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  cache = createPageCache({ upstream: { host: "127.0.0.1", port: (upstream.address() as AddressInfo).port }, versions: async () => ({ ...versions, datasets: new Map(versions.datasets), runs: new Map(versions.runs) }), versionTtlMs: 0 });
  await new Promise<void>((resolve) => cache.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(cache.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => cache.close(resolve));
  await new Promise((resolve) => upstream.close(resolve));
});

let requests = 0;
/** A signed-in reader by default: pages are cached per session cookie. */
const get = async (path: string, headers: Record<string, string> = {}, session: string | null = "ses_a") => {
  requests++;
  const response = await fetch(`${base}${path}`, { headers: { ...(session ? { cookie: `theme=dark; segmenta_session=${session}` } : {}), ...headers } });
  return { status: response.status, body: await response.text(), hit: response.headers.get("x-segmenta-cache") === "hit", type: response.headers.get("content-type") };
};

describe("page cache", () => {
  test("answers a repeated page from memory, whole, with its headers", async () => {
    const first = await get("/datasets/1");
    const again = await get("/datasets/1");
    expect(first.hit).toBe(false);
    expect(again).toEqual({ ...first, hit: true });
    expect(again.body).toMatch(/^<p>GET \/datasets\/1 render \d+<\/p>$/);
    expect(again.type).toBe("text/html; charset=utf-8");
  });

  test("readers arriving while a page is rendered get that render: the page is rendered once", async () => {
    const before = renders;
    const answers = await Promise.all(Array.from({ length: 20 }, () => get("/runs/7?stampede=1")));
    expect(renders - before).toBe(1);
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    expect(answers.filter((a) => a.hit)).toHaveLength(19);
  });

  test("keeps apart addresses, and the RSC payload of the same address", async () => {
    const week = await get("/datasets/1?grain=week");
    expect(week.hit).toBe(false);
    expect(week.body).toContain("grain=week");
    const rsc = await get("/datasets/1", { rsc: "1" });
    expect(rsc.hit).toBe(false);
    expect(rsc.type).toBe("text/x-component");
    expect((await get("/datasets/1", { rsc: "1" })).hit).toBe(true);
  });

  test("forgets a dataset's pages when a change to it passes through, and every page when the shared version moves", async () => {
    await get("/runs/1");
    expect((await get("/runs/1")).hit).toBe(true);
    requests++;
    const posted = await fetch(`${base}/api/datasets/1/segmentations`, { method: "POST", body: "{}" });
    expect(await posted.text()).toContain("body {}");
    expect((await get("/runs/1")).hit).toBe(false);
    expect((await get("/runs/1")).hit).toBe(true);
    versions.shared = "s2";
    expect((await get("/runs/1")).hit).toBe(false);
  });

  test("never keeps API answers, downloads, errors or answers that set cookies", async () => {
    for (const path of ["/api/datasets", "/runs/1/report.md", "/missing", "/cookie"]) {
      await get(path);
      expect((await get(path)).hit, path).toBe(false);
    }
    expect(isCacheablePath("/_next/static/chunk.js")).toBe(false);
    expect(isCacheablePath("/runs/1/customers?sort=monetary")).toBe(true);
  });

  test("keeps each session's pages to that session, and never keeps pages asked for without one", async () => {
    await get("/datasets/7");
    expect((await get("/datasets/7")).hit).toBe(true);
    expect((await get("/datasets/7", {}, "ses_b")).hit).toBe(false);
    expect((await get("/datasets/7", {}, "ses_b")).hit).toBe(true);
    await get("/datasets/7", {}, null);
    expect((await get("/datasets/7", {}, null)).hit).toBe(false);
  });

  test("never keeps share links or sign-in; nor settings when the versions do not say its version", async () => {
    for (const path of ["/share/shr_abc", "/login", "/setup", "/settings", "/invite/inv_abc"]) {
      await get(path);
      expect((await get(path)).hit, path).toBe(false);
    }
  });

  test("passes the client's own address on, whatever x-forwarded-for it sent", async () => {
    const { body } = await get("/whoami", { "x-forwarded-for": "203.0.113.9" }, null);
    expect(body).toMatch(/^127\.0\.0\.1 /);
  });

  test("stamps what it passes on with when it arrived (the handlers' Server-Timing), replacing a stamp the client sent", async () => {
    const before = Date.now();
    const { body } = await get("/received", { "x-segmenta-received": "1" });
    expect(Number(body)).toBeGreaterThanOrEqual(before);
    expect(Number(body)).toBeLessThanOrEqual(Date.now());
  });

  test("renders only what it did not answer from memory", () => {
    expect(cache.stats.hits).toBeGreaterThanOrEqual(4);
    expect(renders).toBe(requests - cache.stats.hits);
  });
});

describe("pages kept per dataset (issue 17, item 11: every upload and preparation step forgot every page)", () => {
  const HOME = "/";
  const A = ["/datasets/1", "/datasets/1?grain=week", "/datasets/1/segmentations", "/datasets/1/customers/17850", "/runs/11", "/runs/11?compare=12", "/runs/11/segments/0", "/runs/12/customers?sort=monetary"];
  const B = ["/datasets/2", "/datasets/2/segmentations", "/runs/21", "/runs/21/segments/1", "/runs/21/moves?to=21"];
  /** Pages that read both: run 21 compared with run 11 (the page says they segment other customers). */
  const BOTH = ["/runs/21?compare=11"];
  const send = async (method: string, path: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`${base}${path}`, { method, headers: { cookie: "segmenta_session=ses_a", ...headers }, body: method === "DELETE" ? undefined : "{}" });
    await response.text();
    return response.status;
  };
  const warm = async (paths: string[]) => {
    for (const path of paths) {
      await get(path);
      expect((await get(path)).hit, path).toBe(true);
    }
  };
  const kept = async (paths: string[]) => Object.fromEntries(await Promise.all(paths.map(async (path) => [path, (await get(path)).hit] as const)));
  const all = (paths: string[], hit: boolean) => Object.fromEntries(paths.map((path) => [path, hit]));

  test.each([
    ["POST", "/api/datasets/1/segmentations"],
    ["POST", "/api/datasets/1/imports"],
    ["DELETE", "/api/datasets/1"],
    ["DELETE", "/api/segmentations/11"],
    ["PATCH", "/api/segmentations/12"],
  ])("%s %s forgets dataset 1's pages (its runs' too) and the home page, keeps dataset 2's", async (method, path) => {
    await warm([HOME, ...A, ...B, ...BOTH]);
    expect(await send(method, path)).toBe(200);
    expect(await kept([HOME, ...A, ...BOTH])).toEqual(all([HOME, ...A, ...BOTH], false));
    expect(await kept(B)).toEqual(all(B, true));
  });

  test("a dataset's version moving (a load, a preparation step, a run prepared) forgets its pages and the home page, keeps the others'", async () => {
    await warm([HOME, ...A, ...B, ...BOTH]);
    versions.datasets.set(2, "b2");
    expect(await kept([HOME, ...B, ...BOTH])).toEqual(all([HOME, ...B, ...BOTH], false));
    expect(await kept(A)).toEqual(all(A, true));
    // A run added to dataset 1 (the versions now know it): its page is dataset 1's.
    versions.runs.set(13, 1);
    await warm(["/runs/13"]);
    versions.datasets.set(1, "a2");
    expect((await get("/runs/13")).hit).toBe(false);
    expect(await kept(B)).toEqual(all(B, true));
  });

  test("a dataset deleted (gone from the versions) has none of its pages answered from memory", async () => {
    versions.datasets.set(4, "d1");
    versions.runs.set(41, 4);
    await warm(["/datasets/4", "/runs/41"]);
    versions.datasets.delete(4);
    versions.runs.delete(41);
    expect(await kept(["/datasets/4", "/runs/41"])).toEqual(all(["/datasets/4", "/runs/41"], false));
  });

  test("an upload keeps every dataset's pages and forgets the home page; the new dataset's pages read while it was made are not kept after", async () => {
    await warm([HOME, "/upload", ...A, ...B]);
    const upload = hold("POST", "/api/datasets");
    const answered = send("POST", "/api/datasets");
    await upload.arrived;
    // Nothing of it shows before it commits, as it answers: the pages rendered before it are served meanwhile.
    expect(await kept([HOME, "/upload"])).toEqual(all([HOME, "/upload"], true));
    // Its rows are in (the versions know it) before its answer: a reader gets its page, the cache keeps it meanwhile.
    versions.datasets.set(3, "c1");
    await warm(["/datasets/3"]);
    upload.release();
    expect(await answered).toBe(201);
    expect((await get("/datasets/3")).hit).toBe(false);
    expect(await kept([HOME, "/upload"])).toEqual(all([HOME, "/upload"], false));
    expect(await kept([...A, ...B])).toEqual(all([...A, ...B], true));
    versions.datasets.delete(3);
  });

  test("the home page is rendered again once per version it shows, not at a change's start and again at its end", async () => {
    await warm([HOME]);
    const before = renders;
    const deleting = hold("DELETE", "/api/datasets/1");
    const answered = send("DELETE", "/api/datasets/1");
    await deleting.arrived;
    // Not committed yet: the page shows what it did.
    expect((await get(HOME)).hit).toBe(true);
    deleting.release();
    expect(await answered).toBe(200);
    expect((await get(HOME)).hit).toBe(false);
    expect((await get(HOME)).hit).toBe(true);
    expect(renders - before).toBe(2); // the delete and the one render of the home page after it
  });

  test("the versions are read again as a change ends: trusted for a minute, they still show an append at once", async () => {
    const trusting = createPageCache({
      upstream: { host: "127.0.0.1", port: (upstream.address() as AddressInfo).port },
      versions: async () => ({ ...versions, datasets: new Map(versions.datasets), runs: new Map(versions.runs) }),
      versionTtlMs: 60_000,
    });
    await new Promise<void>((resolve) => trusting.listen(0, "127.0.0.1", resolve));
    const front = `http://127.0.0.1:${(trusting.address() as AddressInfo).port}`;
    const read = async (path: string) => {
      requests++;
      const response = await fetch(`${front}${path}`, { headers: { cookie: "segmenta_session=ses_a" } });
      await response.text();
      return response.headers.get("x-segmenta-cache") === "hit";
    };
    try {
      for (const path of [HOME, "/datasets/2"]) {
        await read(path);
        expect(await read(path), path).toBe(true);
      }
      requests++;
      await (await fetch(`${front}/api/datasets/1/imports`, { method: "POST", body: "{}" })).text();
      expect(await read(HOME)).toBe(false);
      expect(await read(HOME)).toBe(true);
      expect(await read("/datasets/2")).toBe(true);
    } finally {
      await new Promise((resolve) => trusting.close(resolve));
    }
  });

  test("a preview of an upload's first bytes changes nothing: every page kept", async () => {
    await warm([HOME, ...A, ...B]);
    expect(await send("POST", "/api/uploads/preview?fileName=a.csv")).toBe(200);
    expect(await kept([HOME, ...A, ...B])).toEqual(all([HOME, ...A, ...B], true));
  });

  test.each([
    ["a server action, posted to the page it was called from (sign-out, a role, a setting)", "POST", "/datasets/2", { "next-action": "7f00" }],
    ["signing out", "POST", "/api/auth/logout", {}],
    ["a share link", "POST", "/api/shares", {}],
    ["a run the versions do not know", "DELETE", "/api/segmentations/99", {}],
  ])("a change whose address does not say what it writes forgets every page: %s", async (_what, method, path, headers) => {
    await warm([HOME, ...A, ...B]);
    expect(await send(method, path, headers)).toBe(200);
    expect(await kept([HOME, ...A, ...B])).toEqual(all([HOME, ...A, ...B], false));
  });

  test("the upload page (its form lists the datasets' names) outlives runs, appends and preparation steps; a new dataset, a delete, a rename forget it", async () => {
    const UPLOAD = ["/upload", "/upload?dataset=2"];
    await warm(UPLOAD);
    expect(await send("POST", "/api/datasets/2/segmentations")).toBe(200);
    expect(await send("POST", "/api/datasets/2/imports")).toBe(200);
    versions.datasets.set(1, "a-upload");
    expect(await kept(UPLOAD)).toEqual(all(UPLOAD, true));
    for (const [method, path] of [
      ["POST", "/api/datasets"],
      ["DELETE", "/api/datasets/2"],
      ["POST", "/datasets/2"], // a server action: a rename
    ] as const) {
      expect(await send(method, path)).toBeLessThan(300);
      expect(await kept(UPLOAD), `${method} ${path}`).toEqual(all(UPLOAD, false));
      await warm(UPLOAD);
    }
    // Renamed or added past the cache (psql, another server): the names' digest moves.
    versions.lists = "names-2";
    expect(await kept(UPLOAD)).toEqual(all(UPLOAD, false));
  });

  test("a page whose run the versions do not know is forgotten at any change", async () => {
    await warm(["/runs/99", "/runs/11?compare=99"]);
    expect(await send("POST", "/api/datasets/2/segmentations")).toBe(200);
    expect(await kept(["/runs/99", "/runs/11?compare=99"])).toEqual(all(["/runs/99", "/runs/11?compare=99"], false));
  });

  test("a page rendered while its dataset changed is not kept; while another dataset changed, it is", async () => {
    const a = hold("GET", "/datasets/1?render=slow");
    const renderingA = get("/datasets/1?render=slow");
    await a.arrived;
    expect(await send("POST", "/api/datasets/1/segmentations")).toBe(200);
    a.release();
    await renderingA;
    expect((await get("/datasets/1?render=slow")).hit).toBe(false);

    const b = hold("GET", "/datasets/2?render=slow");
    const renderingB = get("/datasets/2?render=slow");
    await b.arrived;
    expect(await send("POST", "/api/datasets/1/segmentations")).toBe(200);
    b.release();
    await renderingB;
    expect((await get("/datasets/2?render=slow")).hit).toBe(true);
  });
});

describe("the cache's memory", () => {
  test("is bounded with the pages' addresses and headers counted, not their bodies alone", async () => {
    // 200 pages of a few bytes each under long addresses: the bodies alone are under the limit, the entries are not.
    const front = createPageCache({ upstream: { host: "127.0.0.1", port: (upstream.address() as AddressInfo).port }, versions: async () => versions, maxBytes: 64 * 1024 });
    await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
    const at = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
    const read = async (path: string) => (await fetch(`${at}${path}`, { headers: { cookie: "segmenta_session=ses_m" } })).headers.get("x-segmenta-cache") === "hit";
    try {
      const long = "x".repeat(2000);
      for (let i = 0; i < 200; i++) await read(`/tiny?n=${i}&q=${long}`);
      expect(await read(`/tiny?n=199&q=${long}`)).toBe(true);
      expect(await read(`/tiny?n=0&q=${long}`)).toBe(false);
      expect(front.stats.bytes).toBeLessThanOrEqual(64 * 1024);
    } finally {
      await new Promise((resolve) => front.close(resolve));
    }
  });
});

describe("the cache's memory, page by page (issue 17, item 11: with 50 sessions the launcher grew 39 MB in the soak's second half)", () => {
  test("a page rendered again after a change takes its older answer's place: one answer per page and session, however many changes", async () => {
    const own = { ...versions, datasets: new Map(versions.datasets) };
    const front = createPageCache({ upstream: { host: "127.0.0.1", port: (upstream.address() as AddressInfo).port }, versions: async () => own, versionTtlMs: 0 });
    await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
    const at = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
    const read = async (path: string, session: string) => (await fetch(`${at}${path}`, { headers: { cookie: `segmenta_session=${session}` } })).headers.get("x-segmenta-cache") === "hit";
    try {
      const sessions = ["ses_p1", "ses_p2", "ses_p3"];
      const pages = ["/", "/datasets/1", "/datasets/2"];
      let first = 0;
      for (let round = 0; round < 10; round++) {
        // Each page read twice: the change's end may pass just after a first read began, whose render is not kept.
        for (let twice = 0; twice < 2; twice++) for (const session of sessions) for (const page of pages) await read(page, session);
        first ||= front.stats.bytes;
        // A change to dataset 1 passing through (the home page and dataset 1's are rendered again), then its version moving.
        await (await fetch(`${at}/api/datasets/1/segmentations`, { method: "POST", body: "{}" })).text();
        own.datasets.set(1, `a1-${round}`);
      }
      for (let twice = 0; twice < 2; twice++) for (const session of sessions) for (const page of pages) await read(page, session);
      // The memory kept is that of one render of each (a render's number in its body may have grown a digit).
      expect(front.stats.bytes).toBeLessThan(first * 1.1);
      expect(front.stats.entries).toBe(sessions.length * pages.length);
      // Dataset 2's pages were never rendered again: still answered from memory.
      expect(await read("/datasets/2", "ses_p1")).toBe(true);
    } finally {
      await new Promise((resolve) => front.close(resolve));
    }
  });
});

describe("a kept-alive connection Next closes as a read goes out on it", () => {
  test("the read is sent again on a new connection: the reader gets Next's answer, not a 502", async () => {
    // What Next does at the end of its keep-alive timeout, at the worst moment: the first connection is closed
    // as the request arrives on it (no answer: "socket hang up"); the next connection answers.
    const net = await import("node:net");
    let connections = 0;
    const next = net.createServer((socket) => {
      const first = ++connections === 1;
      socket.once("data", () => {
        if (first) socket.destroy();
        else socket.end("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\nconnection: close\r\n\r\n{\"ok\":true}");
      });
    });
    await new Promise<void>((resolve) => next.listen(0, "127.0.0.1", resolve));
    const front = createPageCache({ upstream: { host: "127.0.0.1", port: (next.address() as AddressInfo).port }, versions: async () => ({ shared: "v", lists: "", datasets: new Map(), runs: new Map() }) });
    await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
    try {
      const answer = await fetch(`http://127.0.0.1:${(front.address() as AddressInfo).port}/api/datasets`);
      expect(answer.status).toBe(200);
      expect(await answer.json()).toEqual({ ok: true });
      expect(connections).toBe(2);
    } finally {
      await new Promise((resolve) => front.close(resolve));
      await new Promise((resolve) => next.close(resolve));
    }
  });
});

describe("renders let through to Next at once (issue 17, item 11: a change made every reader's pages miss at once, and their renders flooded Next's pool)", () => {
  /** A Next that renders each page in 40 ms (or holds them all until `open` when `held`), counting the renders under way and the most at once. */
  async function countingNext(held = false) {
    const counts = { now: 0, most: 0, renders: 0 };
    let open = () => {};
    const gate = held ? new Promise<void>((resolve) => (open = resolve)) : Promise.resolve();
    const server = http.createServer((req, res) => {
      if (req.url?.startsWith("/api/")) return res.writeHead(200, { "content-type": "application/json" }).end('{"user":{}}');
      counts.now++;
      counts.renders++;
      counts.most = Math.max(counts.most, counts.now);
      void gate.then(() =>
        setTimeout(() => {
          counts.now--;
          res.writeHead(200, { "content-type": "text/html" }).end(`<p>${req.url} for ${req.headers.cookie}</p>`);
        }, 40),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const front = createPageCache({
      upstream: { host: "127.0.0.1", port: (server.address() as AddressInfo).port },
      versions: async () => ({ shared: "v", lists: "", datasets: new Map([[1, "a"]]), runs: new Map() }),
      maxRenders: 3,
    });
    await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
    const at = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
    const read = async (path: string, session: string, signal?: AbortSignal) => {
      const response = await fetch(`${at}${path}`, { headers: { cookie: `segmenta_session=${session}` }, signal });
      return { status: response.status, body: await response.text() };
    };
    const close = async () => {
      await new Promise((resolve) => front.close(resolve));
      await new Promise((resolve) => server.close(resolve));
    };
    return { counts, read, close, front, open };
  }

  test("20 sessions missing the same page at once: at most maxRenders reach Next together, each session gets its own render", async () => {
    const next = await countingNext();
    try {
      const sessions = Array.from({ length: 20 }, (_, i) => `ses_r${i}`);
      const answers = await Promise.all(sessions.map((s) => next.read("/datasets/1", s)));
      expect(answers.map((a) => a.status)).toEqual(sessions.map(() => 200));
      expect(answers.map((a) => a.body)).toEqual(sessions.map((s) => `<p>/datasets/1 for segmenta_session=${s}</p>`));
      expect(next.counts.renders).toBe(20);
      expect(next.counts.most).toBe(3);
      expect(next.front.stats.rendersAtOnceMax).toBe(3);
    } finally {
      await next.close();
    }
  });

  test("an API call (a session check) goes past the renders waiting for their turn", async () => {
    const next = await countingNext(true);
    try {
      let answered = 0;
      const pages = Array.from({ length: 12 }, (_, i) => next.read("/", `ses_q${i}`).then((a) => (answered++, a)));
      while (next.counts.now < 3 || next.front.stats.rendersWaiting < 9) await new Promise((resolve) => setTimeout(resolve, 5));
      const me = await next.read("/api/auth/me", "ses_q0");
      expect(me.status).toBe(200);
      // Answered while the three renders let through are held and nine wait for their turn.
      expect([answered, next.counts.now, next.front.stats.rendersWaiting]).toEqual([0, 3, 9]);
      next.open();
      expect((await Promise.all(pages)).map((a) => a.status)).toEqual(Array.from({ length: 12 }, () => 200));
      expect(next.counts.most).toBe(3);
    } finally {
      await next.close();
    }
  });

  test("a reader who leaves while waiting for its turn holds no place: the renders after it still go", async () => {
    const next = await countingNext(true);
    try {
      const leaving = new AbortController();
      const first = Array.from({ length: 3 }, (_, i) => next.read("/", `ses_w${i}`));
      const gone = next.read("/", "ses_gone", leaving.signal).catch((error: Error) => error.name);
      while (next.counts.now < 3 || next.front.stats.rendersWaiting < 1) await new Promise((resolve) => setTimeout(resolve, 5));
      leaving.abort();
      expect(await gone).toBe("AbortError");
      await new Promise((resolve) => setTimeout(resolve, 20)); // its leaving reaches the front
      next.open();
      await Promise.all(first);
      const after = await Promise.all(Array.from({ length: 3 }, (_, i) => next.read("/", `ses_after${i}`)));
      expect(after.map((a) => a.status)).toEqual([200, 200, 200]);
      expect(next.counts.renders).toBe(6); // the reader who left was never rendered for
      expect(next.front.stats.rendersWaiting).toBe(0);
    } finally {
      await next.close();
    }
  });
});

describe("the settings page (issue 17, item 11: it always reached Next, the readers' p99)", () => {
  const warm = async (path = "/settings", headers: Record<string, string> = {}) => {
    await get(path, headers);
    expect((await get(path, headers)).hit, path).toBe(true);
  };
  const since = async (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  test("is kept per session, its RSC payload apart", async () => {
    versions.settings = { version: "links-1", freshUntil: null };
    const first = await get("/settings");
    expect(first.hit).toBe(false);
    const again = await get("/settings");
    expect(again).toEqual({ ...first, hit: true });
    await warm("/settings", { rsc: "1" });
    expect((await get("/settings", {}, "ses_other")).hit).toBe(false);
  });

  test("a share link's view passing through forgets it (its view count), so does a request with an API token (its last use)", async () => {
    versions.settings = { version: "links-2", freshUntil: null };
    await warm();
    expect((await get("/share/shr_counted", {}, null)).status).toBe(200);
    expect((await get("/settings")).hit).toBe(false);
    expect((await get("/settings")).hit).toBe(true);
    await get("/api/datasets", { authorization: "Bearer seg_abc" }, null);
    expect((await get("/settings")).hit).toBe(false);
  });

  test("a dataset deleted (its links with it) or a change the address does not place forgets it; an upload, an append or a run does not", async () => {
    versions.settings = { version: "links-3", freshUntil: null };
    await warm();
    for (const path of ["/api/datasets", "/api/datasets/2/imports", "/api/datasets/2/segmentations"]) {
      requests++;
      await (await fetch(`${base}${path}`, { method: "POST", body: "{}" })).text();
      expect((await get("/settings")).hit, path).toBe(true);
    }
    // A dataset without links deleted: the page shows the same.
    requests++;
    await (await fetch(`${base}/api/datasets/1`, { method: "DELETE" })).text();
    expect((await get("/settings")).hit).toBe(true);
    requests++;
    await (await fetch(`${base}/api/datasets/2`, { method: "DELETE" })).text();
    expect((await get("/settings")).hit).toBe(false);
    expect((await get("/settings")).hit).toBe(true);
    // A server action (posted to the page it was called from: a link revoked, a role changed).
    requests++;
    await (await fetch(`${base}/settings`, { method: "POST", body: "{}" })).text();
    expect((await get("/settings")).hit).toBe(false);
  });

  test("its version moving (a view or a token's use counted by another server) forgets it; a dataset's does not", async () => {
    versions.settings = { version: "links-4", freshUntil: null };
    await warm();
    versions.datasets.set(2, "b-settings");
    expect((await get("/settings")).hit).toBe(true);
    versions.settings = { version: "links-5", freshUntil: null };
    expect((await get("/settings")).hit).toBe(false);
  });

  test("is rendered again once the first link or invitation it lists has expired", async () => {
    const expiry = Date.now() + 400;
    versions.settings = { version: "links-6", freshUntil: expiry };
    await warm();
    await since(expiry - Date.now() + 5);
    expect(Date.now()).toBeGreaterThan(expiry);
    // The versions not read again yet (same key): the page past its expiry is neither served nor kept.
    expect((await get("/settings")).hit).toBe(false);
    expect((await get("/settings")).hit).toBe(false);
    // Read again: the link now expired, the next expiry later.
    versions.settings = { version: "links-7", freshUntil: Date.now() + 60_000 };
    await warm();
  });
});
