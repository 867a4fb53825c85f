/* eslint-disable max-lines -- one measurement script, with the observer it injects into the page. */
/**
 * Dashboard pages as a person waits for them: in Chromium, the time from
 * navigation until a page's last chart or table is drawn, with no spinner or
 * placeholder left. scripts/bench-dashboard.ts times the server's answers; on
 * a 2-core machine the HTML is ready in 0.03–0.5 s while people watch
 * "Loading…" for seconds more (JavaScript to fetch and run, hydration, charts
 * measuring their box before drawing), and only a browser sees that.
 *
 * Each page is loaded three ways, each in a fresh browser context (empty HTTP
 * cache) signed in with the bench's session cookie:
 *   - cold: the first load of the URL (the bench calls this right after an
 *     upload or a run, so the server's page cache is cold as well);
 *   - warm: full loads again, the server warm (median of `repeat`);
 *   - navigation: a client-side navigation from another page of the app, once
 *     that page is drawn and its <Link> prefetches are done (median of
 *     `repeat`). It calls `window.next.router.push(path)`: Next 16's App Router
 *     exposes its public router there (next/dist/client/components/
 *     app-router-instance.js), and it is what a <Link> click runs, without
 *     needing a link to the page on the page. The bench checks it stayed in
 *     the same document (a failed RSC fetch makes Next load the page fully).
 *
 * "Fully drawn" is what the product promises, checked in the page by an
 * observer installed before any of the page's scripts (addInitScript; a
 * MutationObserver schedules each check in the next animation frame, and React
 * commits schedule one too): the document loaded; no element matching PENDING
 * on screen (loading.tsx fallbacks, spinners, skeletons inside aria-busy);
 * every chart card ([data-chart], components/charts/chart-card.tsx) has its
 * body drawn (an SVG with marks, a table with rows, its .chart-empty message,
 * or an element marked [data-drawn]) and no Recharts ResponsiveContainer in it
 * still waiting to measure its box (one behind its static drawing, a
 * .lazy-chart not yet data-interactive, does not count: the drawing shows the
 * data); "interactive" is measured on as well, the first moment the page is
 * drawn and every .lazy-chart is data-interactive="ready"; every visible table has rows; after a
 * client-side navigation, the address is the page's and #main has changed.
 * The time reported is the first moment the condition held and then kept
 * holding for HOLD_MS (a fallback that flips back does not count), in ms of
 * performance.now(): from navigation start for full loads, from the push for
 * navigations. An error or not-found page fails the bench at once; a page
 * still not drawn after `timeoutMs` fails it naming what is pending.
 *
 * Along with the time, each load's breakdown says where the time went
 * (Navigation and Resource Timing, 'longtask' entries, React commits through
 * the hook React DevTools use, when each chart was drawn); --trace writes a
 * Chromium trace of each load (with V8 CPU samples) for a closer look.
 *
 * Used by scripts/bench.ts after the runs are made; on its own:
 *   npx tsx scripts/bench-browser.ts --base http://localhost:3000 --email E --password P [--details] /path1 /path2 …
 * (signs in through POST /api/auth/login, which also starts a new page-cache epoch: the first load is cold).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { chromium, type Browser, type BrowserContext, type Page } from "@playwright/test";

export interface BrowserPage {
  label: string;
  path: string;
  /** The page the client-side navigation starts from (default "/", or "/upload" for "/" itself). */
  from?: string;
}

/** Where the time of one load went; every time in ms from its start (navigation start, or the router push). */
export interface LoadBreakdown {
  /** Fully drawn (the measured time): every chart shows its data, as its static SVG from the server's HTML or interactive. */
  drawnMs: number;
  /** Every chart interactive: each static drawing replaced by its Recharts chart (components/charts/lazy-chart.tsx), drawn. */
  interactiveMs?: number;
  /** The page's main heading once drawn (which page was measured). */
  heading: string;
  /** Full loads: the server's first byte of HTML (Navigation Timing responseStart), its last byte, DOM parsed, load event. */
  responseStartMs?: number;
  responseEndMs?: number;
  domContentLoadedMs?: number;
  loadEventMs?: number;
  firstContentfulPaintMs?: number;
  /** Next's JavaScript chunks fetched during the load: how many, bytes over the wire, when the last one arrived. */
  scripts: { count: number; bytes: number; lastEndMs: number };
  /** Client-side navigations: the page's RSC payload requests sent before it was drawn (the first one sent and answered, the last answered). */
  rsc?: { count: number; bytes: number; firstStartMs: number; firstEndMs: number; lastEndMs: number };
  /** Main-thread tasks over 50 ms (PerformanceObserver 'longtask'), during the load (until every chart is interactive). */
  longTasks: { count: number; totalMs: number; longestMs: number; lastEndMs: number };
  /** React: the root hydrated (full loads), every chart card's section hydrated (its DOM node claimed by a fiber). */
  rootHydratedMs?: number;
  hydratedMs?: number;
  /** React commits during the load (hydration, Suspense boundaries revealed, charts re-rendered after measuring): how many, first and last. */
  commits: { count: number; firstMs?: number; lastMs?: number };
  /** A pending marker (loading.tsx fallback, spinner, aria-busy) on screen: first and last time seen. */
  pending?: { firstMs: number; lastMs: number; what: { element: string; firstMs: number; lastMs: number }[] };
  /** Chart cards: how many, when the first and the last had their body drawn, when some card was seen on screen not drawn yet. */
  charts: { count: number; firstDrawnMs?: number; lastDrawnMs?: number; waiting?: { firstMs: number; lastMs: number } };
  /** Time the observer's own checks took on the main thread (its overhead). */
  observerMs: number;
}

export interface BrowserTiming {
  label: string;
  path: string;
  /** First load in a fresh context, server cold. */
  coldMs: number;
  /** Second full load in a fresh context (empty HTTP cache), server warm. */
  warmMs: number;
  /** Client-side navigation to the page from `navigationFrom`. */
  navigationMs: number;
  navigationFrom: string;
  /** Every warm load's and navigation's time (warmMs and navigationMs are their medians). */
  warmRunsMs: number[];
  navigationRunsMs: number[];
  /** The server's time to first byte of the cold load's HTML, and of the warm load's. */
  serverMs?: number;
  warmServerMs?: number;
  cold: LoadBreakdown;
  warm: LoadBreakdown;
  navigation: LoadBreakdown;
}

export interface BrowserBenchOptions {
  /** Goals for the verdicts (each page must meet it); a missing goal gives no verdict. */
  coldGoalMs?: number;
  warmGoalMs?: number;
  navigationGoalMs?: number;
  /** How long a page may take to be fully drawn before the bench fails, naming what is still pending (default 30 s). */
  timeoutMs?: number;
  /** Print each load's breakdown (HTML, scripts, long tasks, hydration, charts) after its line. */
  details?: boolean;
  /** Write a Chromium performance trace of every load into this folder (opens in chrome://tracing or Perfetto). */
  traceDir?: string;
  /** Chromium binary (default CHROMIUM_PATH, then /usr/bin/chromium). */
  executablePath?: string;
  /** Warm loads and navigations per page, the median reported (default 3; the cold load is one, by definition). */
  repeat?: number;
  /** Window size (default 1280×900). */
  viewport?: { width: number; height: number };
}

/** What "not yet drawn" looks like in the product: loading.tsx fallbacks, spinners, busy regions. */
export const PENDING = '[data-pending], [data-preparing], .loading, .spinner, [aria-busy="true"]';
/** The condition must hold this long (ms) to count: a fallback that flips back does not. */
export const HOLD_MS = 200;
const LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

/**
 * The in-page observer, installed with addInitScript before any of the page's scripts. Plain JavaScript in a
 * string: a function passed to the browser would carry the helpers tsx adds to named functions.
 * window.__segmentaBench: { drawnAt, pending (what is still pending at the last check), arm(target) … }.
 */
const OBSERVER = String.raw`(() => {
  if (window.__segmentaBench) return;
  const PENDING = ${JSON.stringify(PENDING)};
  const HOLD = ${HOLD_MS};
  const MARKS = "path, rect, circle, ellipse, polygon, polyline, line";
  const state = {
    startAt: 0, target: null, drawnAt: null, interactiveAt: null, live: false, candidateAt: null, pending: ["not checked yet"],
    pendingFirstAt: null, pendingLastAt: null, pendingSeen: {}, chartsWaitingFirstAt: null, chartsWaitingLastAt: null, hydratedAt: null, cards: {}, cardCount: 0,
    longTasks: [], commits: [], rootHydratedAt: null, observerMs: 0, checks: 0, failed: null,
  };
  window.__segmentaBench = state;
  /** After a client-side navigation, the previous page's chart cards (React may keep them for the new page). */
  let oldCards = new WeakSet();
  // User-timing marks, for traces and DevTools: where the observer starts, each armed navigation, the drawn moment.
  const mark = (name, startTime) => { try { performance.mark(name, startTime === undefined ? undefined : { startTime }); } catch (e) {} };
  mark("segmenta:observer");
  // React's commits, through the hook React DevTools use (React calls it after each commit; nothing else changes):
  // when the page was hydrated and re-rendered, and a check at each (hydration changes no DOM the observer would see).
  if (!window.__REACT_DEVTOOLS_GLOBAL_HOOK__) {
    let renderers = 0;
    window.__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
      supportsFiber: true, renderers: new Map(),
      inject: () => ++renderers,
      checkDCE: () => {},
      onCommitFiberRoot: (id, root) => {
        const now = performance.now();
        state.commits.push(now);
        if (state.rootHydratedAt === null && root && root.current && root.current.memoizedState && root.current.memoizedState.isDehydrated === false) state.rootHydratedAt = now;
        schedule();
      },
    };
  }
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) state.longTasks.push([e.startTime, e.duration]);
    }).observe({ type: "longtask", buffered: true });
  } catch (e) {}

  const visible = (el) => (el.checkVisibility ? el.checkVisibility() : el.getClientRects().length > 0);
  const hasFiber = (el) => !!el && Object.keys(el).some((k) => k.startsWith("__reactFiber$"));
  const describe = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += "#" + el.id;
    const testid = el.getAttribute("data-testid") || el.getAttribute("data-chart") || el.getAttribute("aria-label");
    if (testid) s += "[" + testid + "]";
    else if (typeof el.className === "string" && el.className.trim()) s += "." + el.className.trim().split(/\s+/).slice(0, 3).join(".");
    return s;
  };
  const drawnSvg = (svg) => {
    if (svg.closest(".recharts-legend-wrapper")) return false;
    const box = svg.getBoundingClientRect();
    if (!(box.width > 0 && box.height > 0)) return false;
    for (const mark of svg.querySelectorAll(MARKS)) {
      if (mark.closest("defs, clipPath, mask, pattern, marker")) continue;
      if (mark.tagName.toLowerCase() === "path" && !(mark.getAttribute("d") || "").trim()) continue;
      return true;
    }
    return false;
  };
  const tableHasRows = (table) => {
    if (table.tBodies.length === 0) return table.rows.length > 0;
    for (const body of table.tBodies) if (body.rows.length > 0) return true;
    return false;
  };

  /** What keeps the page from being fully drawn now (empty: drawn). */
  const check = (now) => {
    const pending = [];
    // An error or not-found page is drawn too, but it is not the page: fail at once (app/error.tsx, app/not-found.tsx).
    for (const heading of document.querySelectorAll(".empty > h1")) {
      const text = (heading.textContent || "").trim();
      if (/^(something went wrong|not found)$/i.test(text)) state.failed = text + ": " + (heading.parentElement.textContent || "").slice(heading.textContent.length, 200);
    }
    if (document.readyState !== "complete") pending.push("document " + document.readyState);
    if (state.target) {
      const want = new URL(state.target, location.href);
      if (location.pathname !== want.pathname || location.search !== want.search) pending.push("location " + location.pathname + location.search + " (navigating)");
      // The new page's content has been committed: something under #main changed since the push.
      if (!state.mainChanged) pending.push("#main: unchanged since the navigation started");
    }
    // Only what is on screen: React's streamed segments wait in hidden containers until they are swapped in.
    const busy = [...document.querySelectorAll(PENDING)].filter(visible);
    if (busy.length) {
      state.pendingFirstAt ??= now;
      state.pendingLastAt = now;
      const seen = new Map();
      for (const el of busy) {
        const key = describe(el) + " matches " + PENDING.split(", ").filter((sel) => el.matches(sel)).join(", ");
        seen.set(key, (seen.get(key) || 0) + 1);
        const span = (state.pendingSeen[key] ??= [now, now]);
        span[1] = now;
      }
      for (const [key, n] of seen) pending.push(n > 1 ? key + " (×" + n + ")" : key);
    }
    const cards = document.querySelectorAll("[data-chart]");
    state.cardCount = cards.length;
    let allHydrated = hasFiber(document.getElementById("main") || document.body);
    let live = true;
    for (const card of cards) {
      const id = card.getAttribute("data-chart");
      const body = card.querySelector(".chart-body") || card;
      if (!hasFiber(card)) allHydrated = false;
      const measuring = [...body.querySelectorAll(".recharts-responsive-container")].filter((rc) => ![...rc.querySelectorAll("svg")].some(drawnSvg));
      if (measuring.length || body.querySelector(".lazy-chart:not([data-interactive])")) live = false;
      // A chart still behind its static drawing is drawn: the drawing shows the data.
      const waiting = measuring.filter((rc) => !rc.closest(".lazy-chart:not([data-interactive])")).length;
      const drawn =
        body.querySelector(".chart-empty, [data-drawn]") !== null ||
        [...body.querySelectorAll("table")].some(tableHasRows) ||
        [...body.querySelectorAll("svg")].some(drawnSvg);
      if (waiting || !drawn) {
        pending.push("[data-chart=" + id + "]: " + (waiting ? waiting + " chart(s) not drawn yet (ResponsiveContainer measuring)" : "body not drawn (no chart marks, table rows, .chart-empty or [data-drawn])"));
        if (!oldCards.has(card) && visible(card)) {
          state.chartsWaitingFirstAt ??= now;
          state.chartsWaitingLastAt = now;
        }
      }
      if (!waiting && drawn && state.cards[id] === undefined && !oldCards.has(card)) state.cards[id] = now;
    }
    if (allHydrated && state.hydratedAt === null) state.hydratedAt = now;
    state.live = live && allHydrated;
    for (const table of document.querySelectorAll("table")) if (visible(table) && !tableHasRows(table)) pending.push(describe(table) + ": table without rows");
    state.pending = pending;
    return pending.length === 0;
  };

  let frame = 0;
  let timer = 0;
  const run = () => {
    frame = 0;
    if (state.drawnAt !== null && state.interactiveAt !== null) return;
    const started = performance.now();
    const ok = check(started);
    state.checks++;
    if (state.drawnAt === null) {
      if (!ok) state.candidateAt = null;
      else if (state.candidateAt === null) state.candidateAt = started;
      if (state.candidateAt !== null && started - state.candidateAt >= HOLD) {
        state.drawnAt = state.candidateAt;
        mark("segmenta:drawn", state.drawnAt);
      }
    }
    if (ok && state.live && state.interactiveAt === null) {
      state.interactiveAt = started;
      mark("segmenta:interactive", started);
    }
    state.observerMs += performance.now() - started;
    if (state.drawnAt === null || state.interactiveAt === null) {
      clearTimeout(timer);
      // Holding, or waiting for what changes without touching the DOM (load event, layout, hydration): look again.
      timer = setTimeout(schedule, state.drawnAt === null && state.candidateAt !== null ? HOLD - (started - state.candidateAt) + 1 : 100);
    }
  };
  const schedule = () => {
    if (!frame && (state.drawnAt === null || state.interactiveAt === null)) frame = requestAnimationFrame(run);
  };
  new MutationObserver((records) => {
    if (state.target && !state.mainChanged) {
      const main = document.getElementById("main");
      state.mainChanged = !!main && records.some((r) => main.contains(r.target));
    }
    schedule();
  }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  document.addEventListener("readystatechange", schedule);
  window.addEventListener("load", schedule);
  schedule();

  /** A client-side navigation to target starts now: measure from here. */
  state.arm = (target) => {
    oldCards = new WeakSet(document.querySelectorAll("[data-chart]"));
    Object.assign(state, {
      startAt: performance.now(), target, drawnAt: null, interactiveAt: null, live: false, candidateAt: null, pending: ["not checked yet"],
      pendingFirstAt: null, pendingLastAt: null, pendingSeen: {}, chartsWaitingFirstAt: null, chartsWaitingLastAt: null, hydratedAt: null, cards: {}, longTasks: [], commits: [], observerMs: 0, checks: 0, failed: null, mainChanged: false,
    });
    mark("segmenta:navigation", state.startAt);
    schedule();
    return state.startAt;
  };
})();`;

/** The observer's state as read from Node (times in the page's performance.now()). */
interface ObserverState {
  startAt: number;
  drawnAt: number | null;
  interactiveAt: number | null;
  pending: string[];
  pendingFirstAt: number | null;
  pendingLastAt: number | null;
  pendingSeen: Record<string, [number, number]>;
  chartsWaitingFirstAt: number | null;
  chartsWaitingLastAt: number | null;
  hydratedAt: number | null;
  cards: Record<string, number>;
  cardCount: number;
  longTasks: [number, number][];
  commits: number[];
  rootHydratedAt: number | null;
  observerMs: number;
  failed?: string | null;
}

interface PerformanceSnapshot {
  /** The page's <h1> when it was read (to see which page was measured). */
  heading: string;
  state: ObserverState;
  navigation?: { responseStart: number; responseEnd: number; domContentLoadedEventEnd: number; loadEventEnd: number };
  fcp?: number;
  resources: { name: string; initiatorType: string; startTime: number; responseEnd: number; transferSize: number; encodedBodySize: number }[];
}

declare global {
  interface Window {
    __segmentaBench?: ObserverState & { arm(target: string): number };
    next?: { router?: { push(href: string): void } };
    __segmentaSoft?: string;
    __REACT_DEVTOOLS_GLOBAL_HOOK__?: unknown;
  }
}

function breakdown(snapshot: PerformanceSnapshot, target: string): LoadBreakdown {
  const { state } = snapshot;
  const t0 = state.startAt;
  const rel = (t: number) => Math.max(0, t - t0);
  const inWindow = (t: number) => t >= t0 && t <= (state.interactiveAt ?? state.drawnAt ?? Infinity);
  const scripts = snapshot.resources.filter((r) => r.initiatorType === "script" && r.startTime >= t0 && r.responseEnd <= (state.drawnAt ?? Infinity));
  // The navigation's own RSC requests (the target's path), not the prefetches of the links on the page it lands on.
  const rsc = snapshot.resources
    .filter((r) => /[?&]_rsc=/.test(r.name) && inWindow(r.startTime) && new URL(r.name).pathname === new URL(target, r.name).pathname)
    .sort((a, b) => a.startTime - b.startTime);
  const tasks = state.longTasks.filter(([start]) => inWindow(start));
  const cardTimes = Object.values(state.cards).map(rel);
  const commits = state.commits.filter(inWindow);
  const nav = snapshot.navigation;
  return {
    drawnMs: rel(state.drawnAt!),
    ...(state.interactiveAt !== null ? { interactiveMs: rel(state.interactiveAt) } : {}),
    heading: snapshot.heading,
    ...(nav && t0 === 0
      ? { responseStartMs: nav.responseStart, responseEndMs: nav.responseEnd, domContentLoadedMs: nav.domContentLoadedEventEnd, loadEventMs: nav.loadEventEnd, firstContentfulPaintMs: snapshot.fcp }
      : {}),
    scripts: { count: scripts.length, bytes: scripts.reduce((s, r) => s + (r.transferSize || r.encodedBodySize), 0), lastEndMs: scripts.length ? rel(Math.max(...scripts.map((r) => r.responseEnd))) : 0 },
    ...(t0 > 0 && rsc.length
      ? {
          rsc: {
            count: rsc.length,
            bytes: rsc.reduce((s, r) => s + (r.transferSize || r.encodedBodySize), 0),
            firstStartMs: rel(rsc[0]!.startTime),
            firstEndMs: rel(rsc[0]!.responseEnd),
            lastEndMs: rel(Math.max(...rsc.map((r) => r.responseEnd))),
          },
        }
      : {}),
    longTasks: {
      count: tasks.length,
      totalMs: tasks.reduce((s, [, d]) => s + d, 0),
      longestMs: tasks.reduce((m, [, d]) => Math.max(m, d), 0),
      lastEndMs: tasks.length ? rel(Math.max(...tasks.map(([s, d]) => s + d))) : 0,
    },
    ...(state.rootHydratedAt !== null && t0 === 0 ? { rootHydratedMs: rel(state.rootHydratedAt) } : {}),
    ...(state.hydratedAt !== null && t0 === 0 ? { hydratedMs: rel(state.hydratedAt) } : {}),
    commits: { count: commits.length, ...(commits.length ? { firstMs: rel(commits[0]!), lastMs: rel(commits[commits.length - 1]!) } : {}) },
    ...(state.pendingFirstAt !== null ? {
          pending: {
            firstMs: rel(state.pendingFirstAt),
            lastMs: rel(state.pendingLastAt!),
            what: Object.entries(state.pendingSeen).map(([element, [first, last]]) => ({ element, firstMs: rel(first), lastMs: rel(last) })),
          },
        } : {}),
    charts: {
      count: state.cardCount,
      ...(cardTimes.length ? { firstDrawnMs: Math.min(...cardTimes), lastDrawnMs: Math.max(...cardTimes) } : {}),
      ...(state.chartsWaitingFirstAt !== null ? { waiting: { firstMs: rel(state.chartsWaitingFirstAt), lastMs: rel(state.chartsWaitingLastAt!) } } : {}),
    },
    observerMs: state.observerMs,
  };
}

async function snapshot(page: Page): Promise<PerformanceSnapshot> {
  return page.evaluate(() => {
    const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming | undefined;
    const fcp = performance.getEntriesByName("first-contentful-paint")[0];
    const s = window.__segmentaBench!;
    return {
      heading: document.querySelector("#main h1")?.textContent?.trim() ?? "",
      state: {
        startAt: s.startAt, drawnAt: s.drawnAt, interactiveAt: s.interactiveAt, pending: s.pending, pendingFirstAt: s.pendingFirstAt, pendingLastAt: s.pendingLastAt, pendingSeen: s.pendingSeen, chartsWaitingFirstAt: s.chartsWaitingFirstAt, chartsWaitingLastAt: s.chartsWaitingLastAt,
        hydratedAt: s.hydratedAt, cards: s.cards, cardCount: s.cardCount, longTasks: s.longTasks, commits: s.commits, rootHydratedAt: s.rootHydratedAt, observerMs: s.observerMs,
      },
      navigation: nav && { responseStart: nav.responseStart, responseEnd: nav.responseEnd, domContentLoadedEventEnd: nav.domContentLoadedEventEnd, loadEventEnd: nav.loadEventEnd },
      fcp: fcp?.startTime,
      resources: (performance.getEntriesByType("resource") as PerformanceResourceTiming[]).map((r) => ({
        name: r.name, initiatorType: r.initiatorType, startTime: r.startTime, responseEnd: r.responseEnd, transferSize: r.transferSize, encodedBodySize: r.encodedBodySize,
      })),
    };
  });
}

/** Waits until the observer reports the page fully drawn; fails after timeoutMs naming what is still pending. */
async function waitDrawn(page: Page, what: string, timeoutMs: number): Promise<void> {
  const errors: string[] = [];
  const onError = (error: Error) => errors.push(error.message.split("\n")[0]!);
  page.on("pageerror", onError);
  try {
    await page.waitForFunction(() => window.__segmentaBench?.drawnAt != null || window.__segmentaBench?.failed != null, undefined, { timeout: timeoutMs, polling: 100 });
    const failed = await page.evaluate(() => window.__segmentaBench?.failed);
    if (failed) throw new Error(`${what}: the page shows “${failed.trim()}”${errors.length ? ` (errors in the page: ${errors.join("; ")})` : ""}`);
    // Then every chart interactive (its static drawing replaced), reported beside the drawn time.
    await page.waitForFunction(() => window.__segmentaBench?.interactiveAt != null, undefined, { timeout: timeoutMs, polling: 100 }).catch(() => {
      throw new Error(`${what}: drawn, but not every chart interactive after ${(timeoutMs / 1000).toFixed(0)} s`);
    });
  } catch (error) {
    if (error instanceof Error && error.message.startsWith(what)) throw error;
    const pending = await page.evaluate(() => window.__segmentaBench?.pending ?? ["the observer is not installed"]).catch(() => ["the page is gone"]);
    const reason = error instanceof Error && !/Timeout/i.test(error.name + error.message) ? ` (${error.message.split("\n")[0]})` : "";
    throw new Error(
      `${what}: not fully drawn after ${(timeoutMs / 1000).toFixed(0)} s${reason}; still pending: ${pending.length ? pending.join("; ") : "nothing (held for less than " + HOLD_MS + " ms)"}` +
        (errors.length ? `; errors in the page: ${errors.join("; ")}` : ""),
    );
  } finally {
    page.off("pageerror", onError);
  }
}

/** A fresh context (empty HTTP cache, no storage) signed in with the session cookie. */
async function newContext(browser: Browser, base: string, cookie: string, viewport: { width: number; height: number }): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport });
  const separator = cookie.indexOf("=");
  if (separator < 1) throw new Error(`the session cookie should read name=value, not ${JSON.stringify(cookie)}`);
  await context.addCookies([{ name: cookie.slice(0, separator).trim(), value: cookie.slice(separator + 1).split(";")[0]!.trim(), url: base }]);
  await context.addInitScript(OBSERVER);
  return context;
}

async function traced<T>(browser: Browser, page: Page, file: string | undefined, work: () => Promise<T>): Promise<T> {
  if (!file) return work();
  await browser.startTracing(page, { path: file, screenshots: false, categories: ["devtools.timeline", "disabled-by-default-devtools.timeline", "v8.execute", "v8", "blink.user_timing", "loading", "latencyInfo", "disabled-by-default-v8.compile", "disabled-by-default-v8.cpu_profiler"] });
  try {
    return await work();
  } finally {
    await browser.stopTracing();
  }
}

/** A full load of base+path in a fresh context. */
async function fullLoad(browser: Browser, base: string, target: BrowserPage, cookie: string, phase: string, options: Required<Pick<BrowserBenchOptions, "timeoutMs" | "viewport" | "repeat">> & BrowserBenchOptions): Promise<LoadBreakdown> {
  const context = await newContext(browser, base, cookie, options.viewport);
  try {
    const page = await context.newPage();
    const trace = options.traceDir && path.join(options.traceDir, `${slug(target.path)}-${phase}.json`);
    return await traced(browser, page, trace, async () => {
      const response = await page.goto(base + target.path, { waitUntil: "commit" });
      if (!response) throw new Error(`${target.label} (${target.path}), ${phase} load: no answer`);
      if (response.status() >= 400) throw new Error(`${target.label} (${target.path}), ${phase} load: the server answered ${response.status()}`);
      await waitDrawn(page, `${target.label} (${target.path}), ${phase} load`, options.timeoutMs);
      const wanted = new URL(base + target.path);
      const landed = new URL(page.url());
      if (landed.pathname !== wanted.pathname) throw new Error(`${target.label} (${target.path}), ${phase} load: landed on ${landed.pathname} (signed out?)`);
      return breakdown(await snapshot(page), target.path);
    });
  } finally {
    await context.close();
  }
}

/** A client-side navigation (Next's router, as a <Link> click) from `from` to the page, in a fresh context. */
async function softNavigation(browser: Browser, base: string, target: BrowserPage, from: string, cookie: string, phase: string, options: Required<Pick<BrowserBenchOptions, "timeoutMs" | "viewport" | "repeat">> & BrowserBenchOptions): Promise<LoadBreakdown> {
  const context = await newContext(browser, base, cookie, options.viewport);
  const what = `${target.label} (${target.path}), navigation from ${from}`;
  try {
    const page = await context.newPage();
    await page.goto(base + from, { waitUntil: "commit" });
    await waitDrawn(page, `${what}: the starting page`, options.timeoutMs);
    // The starting page's prefetches (visible <Link>s) done, as when a person reads the page before clicking.
    await page.waitForLoadState("networkidle");
    const trace = options.traceDir && path.join(options.traceDir, `${slug(target.path)}-${phase}.json`);
    return await traced(browser, page, trace, async () => {
      const router = await page.evaluate((href) => {
        window.__segmentaSoft = "same document";
        if (typeof window.next?.router?.push !== "function") return false;
        window.__segmentaBench!.arm(href);
        window.next.router.push(href);
        return true;
      }, target.path);
      if (!router) throw new Error(`${what}: window.next.router.push is missing (not a Next App Router page?)`);
      await waitDrawn(page, what, options.timeoutMs);
      if ((await page.evaluate(() => window.__segmentaSoft)) !== "same document") throw new Error(`${what}: the router loaded a new document instead of navigating client-side`);
      return breakdown(await snapshot(page), target.path);
    });
  } finally {
    await context.close();
  }
}

/** The load with the median drawn time (the lower middle of an even count). */
const median = (loads: LoadBreakdown[]) => [...loads].sort((a, b) => a.drawnMs - b.drawnMs)[Math.floor((loads.length - 1) / 2)]!;
const slug = (p: string) => p.replace(/^\//, "").replace(/[^A-Za-z0-9]+/g, "-").replace(/-$/, "") || "home";
const ms = (n: number | undefined, width = 5) => (n === undefined ? "–" : n.toFixed(0)).padStart(width);

function describeLoad(name: string, b: LoadBreakdown): string {
  const parts = [`${name.padEnd(10)} “${b.heading.slice(0, 30)}” drawn ${ms(b.drawnMs)} ms, interactive ${ms(b.interactiveMs)} ms`];
  if (b.responseStartMs !== undefined) parts.push(`HTML ${ms(b.responseStartMs, 0)}–${ms(b.responseEndMs, 0)}`, `FCP ${ms(b.firstContentfulPaintMs, 0)}`, `DCL ${ms(b.domContentLoadedMs, 0)}`, `load ${ms(b.loadEventMs, 0)}`);
  if (b.rsc) parts.push(`RSC ${ms(b.rsc.firstStartMs, 0)}–${ms(b.rsc.firstEndMs, 0)}` + (b.rsc.count > 1 ? ` (${b.rsc.count} requests, the last answered at ${ms(b.rsc.lastEndMs, 0)})` : "") + ` ${(b.rsc.bytes / 1024).toFixed(0)} kB`);
  parts.push(`JS ${b.scripts.count} chunks ${(b.scripts.bytes / 1024).toFixed(0)} kB by ${ms(b.scripts.lastEndMs, 0)}`);
  parts.push(`long tasks ${b.longTasks.count} = ${ms(b.longTasks.totalMs, 0)} ms (longest ${ms(b.longTasks.longestMs, 0)}, last ends ${ms(b.longTasks.lastEndMs, 0)})`);
  if (b.rootHydratedMs !== undefined) parts.push(`root hydrated ${ms(b.rootHydratedMs, 0)}`);
  if (b.hydratedMs !== undefined) parts.push(`cards hydrated ${ms(b.hydratedMs, 0)}`);
  if (b.commits.count) parts.push(`React commits ${b.commits.count} ${ms(b.commits.firstMs, 0)}–${ms(b.commits.lastMs, 0)}`);
  if (b.pending) parts.push(`spinner/placeholder ${ms(b.pending.firstMs, 0)}–${ms(b.pending.lastMs, 0)} (${b.pending.what.map((w) => `${w.element} ${ms(w.firstMs, 0)}–${ms(w.lastMs, 0)}`).join("; ")})`);
  if (b.charts.count) parts.push(`${b.charts.count} charts drawn ${ms(b.charts.firstDrawnMs, 0)}–${ms(b.charts.lastDrawnMs, 0)}` + (b.charts.waiting ? ` (a card on screen, not drawn: ${ms(b.charts.waiting.firstMs, 0)}–${ms(b.charts.waiting.lastMs, 0)})` : ""));
  parts.push(`observer ${ms(b.observerMs, 0)} ms`);
  return `      ${parts.join(", ")}`;
}

/**
 * Loads every page cold, warm and by client-side navigation in headless Chromium, signed in with
 * session.cookie ("segmenta_session=…"), and prints one line per page and the verdicts against the goals.
 */
export async function measurePagesInBrowser(base: string, pages: BrowserPage[], session: { cookie: string }, log: (line: string) => void, options: BrowserBenchOptions = {}): Promise<BrowserTiming[]> {
  const executablePath = options.executablePath ?? process.env.CHROMIUM_PATH ?? ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => fs.existsSync(p));
  if (!executablePath) throw new Error("Chromium was not found. Install it with `apt-get install -y chromium` (Debian), or set CHROMIUM_PATH to a Chromium binary.");
  const settings = { timeoutMs: 30_000, viewport: { width: 1280, height: 900 }, repeat: 3, ...options };
  if (settings.traceDir) fs.mkdirSync(settings.traceDir, { recursive: true });
  base = base.replace(/\/$/, "");
  const browser = await chromium.launch({ executablePath, headless: true, args: LAUNCH_ARGS });
  const timings: BrowserTiming[] = [];
  try {
    log("");
    log(
      `dashboard pages in Chromium (${browser.version()}, headless, ${settings.viewport.width}×${settings.viewport.height}, ${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(2)}), ` +
        `until fully drawn: a cold full load, then warm full loads and client-side navigations (median of ${settings.repeat}):`,
    );
    for (const target of pages) {
      const from = target.from ?? (target.path === "/" ? "/upload" : "/");
      const cold = await fullLoad(browser, base, target, session.cookie, "cold", settings);
      // Warm loads and navigations: the median of `repeat` (the machine is shared with the server: single loads vary).
      const warms: LoadBreakdown[] = [];
      const navigations: LoadBreakdown[] = [];
      for (let i = 1; i <= settings.repeat; i++) warms.push(await fullLoad(browser, base, target, session.cookie, settings.repeat > 1 ? `warm-${i}` : "warm", settings));
      for (let i = 1; i <= settings.repeat; i++) navigations.push(await softNavigation(browser, base, target, from, session.cookie, settings.repeat > 1 ? `navigation-${i}` : "navigation", settings));
      const warm = median(warms);
      const navigation = median(navigations);
      const timing: BrowserTiming = {
        label: target.label,
        path: target.path,
        coldMs: cold.drawnMs,
        warmMs: warm.drawnMs,
        navigationMs: navigation.drawnMs,
        navigationFrom: from,
        warmRunsMs: warms.map((w) => w.drawnMs),
        navigationRunsMs: navigations.map((n) => n.drawnMs),
        ...(cold.responseStartMs !== undefined ? { serverMs: cold.responseStartMs } : {}),
        ...(warm.responseStartMs !== undefined ? { warmServerMs: warm.responseStartMs } : {}),
        cold,
        warm,
        navigation,
      };
      timings.push(timing);
      log(
        `  ${target.label.padEnd(34)} cold ${ms(timing.coldMs)} ms (HTML ${ms(timing.serverMs, 4)} ms)  warm ${ms(timing.warmMs)} ms (HTML ${ms(timing.warmServerMs, 4)} ms)  navigation ${ms(timing.navigationMs)} ms` +
          (navigation.rsc ? ` (RSC ${ms(navigation.rsc.firstEndMs, 4)} ms)` : "") +
          `  interactive: cold ${ms(cold.interactiveMs)} warm ${ms(warm.interactiveMs)} navigation ${ms(navigation.interactiveMs)} ms`,
      );
      if (settings.details) {
        log(describeLoad("cold", cold));
        log(describeLoad("warm", warm) + (warms.length > 1 ? ` [all: ${warms.map((w) => w.drawnMs.toFixed(0)).join(", ")}]` : ""));
        log(describeLoad(`nav from ${from}`, navigation) + (navigations.length > 1 ? ` [all: ${navigations.map((n) => n.drawnMs.toFixed(0)).join(", ")}]` : ""));
      }
    }
  } finally {
    await browser.close();
  }
  // Chromium shares the cores with the server (and anything else running): a busy machine slows every figure.
  log(`  load average at the end: ${os.loadavg()[0]!.toFixed(2)}`);
  const verdict = (name: string, goal: number | undefined, pick: (t: BrowserTiming) => number) => {
    if (goal === undefined || timings.length === 0) return;
    const worst = timings.reduce((w, t) => (pick(t) > pick(w) ? t : w));
    log(`  every page ${name} < ${goal} ms: ${pick(worst) < goal ? "met" : "NOT met"} (slowest: ${worst.label}, ${pick(worst).toFixed(0)} ms)`);
  };
  verdict("cold, fully drawn,", settings.coldGoalMs, (t) => t.coldMs);
  verdict("warm, fully drawn,", settings.warmGoalMs, (t) => t.warmMs);
  verdict("by client-side navigation, fully drawn,", settings.navigationGoalMs, (t) => t.navigationMs);
  return timings;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      base: { type: "string", default: "http://localhost:3000" },
      email: { type: "string", default: process.env.ADMIN_EMAIL },
      password: { type: "string", default: process.env.ADMIN_PASSWORD },
      "cold-goal": { type: "string" },
      "warm-goal": { type: "string", default: "1000" },
      "navigation-goal": { type: "string" },
      timeout: { type: "string", default: "30000" },
      repeat: { type: "string", default: "3" },
      details: { type: "boolean", default: false },
      trace: { type: "string" },
      json: { type: "string" },
      from: { type: "string" },
    },
  });
  if (!values.email || !values.password) throw new Error("usage: npx tsx scripts/bench-browser.ts --base URL --email E --password P [--details] [--repeat N] [--from PATH] [--trace DIR] [--json FILE] [--warm-goal MS] /path …");
  const base = values.base.replace(/\/$/, "");
  const login = await fetch(`${base}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: values.email, password: values.password }) });
  if (!login.ok) throw new Error(`signing in failed: ${login.status} ${await login.text()}`);
  const cookie = login.headers.get("set-cookie")?.split(";")[0];
  if (!cookie) throw new Error("signing in answered no session cookie");
  const number = (value: string | undefined) => (value === undefined ? undefined : Number(value));
  const pages = (positionals.length ? positionals : ["/"]).map((p) => ({ label: p.length > 34 ? `…${p.slice(-33)}` : p, path: p.startsWith("/") ? p : `/${p}`, ...(values.from ? { from: values.from } : {}) }));
  const timings = await measurePagesInBrowser(base, pages, { cookie }, (line) => console.log(line), {
    coldGoalMs: number(values["cold-goal"]),
    warmGoalMs: number(values["warm-goal"]),
    navigationGoalMs: number(values["navigation-goal"]),
    timeoutMs: Number(values.timeout),
    repeat: Number(values.repeat),
    details: values.details,
    traceDir: values.trace,
  });
  if (values.json) fs.writeFileSync(values.json, JSON.stringify(timings, null, 2));
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename ?? "")) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
