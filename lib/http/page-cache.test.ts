import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createPageCache, isCacheablePath } from "./page-cache";

/** A real upstream (what Next would be) that counts its renders, and the cache in front of it. */
let renders = 0;
let version = "v1";
let upstream: http.Server;
let cache: ReturnType<typeof createPageCache>;
let base = "";

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    renders++;
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      if (req.url === "/missing") return res.writeHead(404, { "content-type": "text/html" }).end("not found");
      if (req.url === "/cookie") return res.writeHead(200, { "content-type": "text/html", "set-cookie": "a=1" }).end("with cookie");
      if (req.url === "/whoami") return res.writeHead(200, { "content-type": "text/html" }).end(`${req.headers["x-forwarded-for"]} ${renders}`);
      const type = req.headers.rsc ? "text/x-component" : "text/html; charset=utf-8";
      res.writeHead(200, { "content-type": type });
      // Streamed in two chunks, as Next streams a page.
      res.write(`<p>${req.method} ${req.url} render ${renders}`);
      setTimeout(() => res.end(`${body ? ` body ${body}` : ""}</p>`), 5);
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  cache = createPageCache({ upstream: { host: "127.0.0.1", port: (upstream.address() as AddressInfo).port }, dataVersion: async () => version, versionTtlMs: 0 });
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

  test("forgets everything when a change passes through, or when the data version moves", async () => {
    await get("/runs/1");
    expect((await get("/runs/1")).hit).toBe(true);
    requests++;
    const posted = await fetch(`${base}/api/datasets/1/segmentations`, { method: "POST", body: "{}" });
    expect(await posted.text()).toContain("body {}");
    expect((await get("/runs/1")).hit).toBe(false);
    expect((await get("/runs/1")).hit).toBe(true);
    version = "v2";
    expect((await get("/runs/1")).hit).toBe(false);
  });

  test("never keeps API answers, downloads, errors or answers that set cookies", async () => {
    for (const path of ["/api/datasets", "/runs/1/report.md", "/missing", "/cookie", "/upload"]) {
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

  test("never keeps share links, sign-in or settings", async () => {
    for (const path of ["/share/shr_abc", "/login", "/setup", "/settings", "/invite/inv_abc"]) {
      await get(path);
      expect((await get(path)).hit, path).toBe(false);
    }
  });

  test("passes the client's own address on, whatever x-forwarded-for it sent", async () => {
    const { body } = await get("/whoami", { "x-forwarded-for": "203.0.113.9" }, null);
    expect(body).toMatch(/^127\.0\.0\.1 /);
  });

  test("renders only what it did not answer from memory", () => {
    expect(cache.stats.hits).toBeGreaterThanOrEqual(4);
    expect(renders).toBe(requests - cache.stats.hits);
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
    const front = createPageCache({ upstream: { host: "127.0.0.1", port: (next.address() as AddressInfo).port }, dataVersion: async () => "v" });
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
