"use client";

import { useEffect, useRef, useState, type ReactNode } from "react";
import "./static-chart.css";

/**
 * A chart that the server's HTML shows as a static SVG (`drawing`, a
 * <StaticChart>), replaced by the interactive Recharts version (`children`)
 * once the page has hydrated, the chart is near the viewport, and the main
 * thread is idle: one chart per idle period (requestIdleCallback), the ones
 * near the screen first, then the rest in page order, so hydration is not one
 * long task drawing every chart of the page. The static drawing stays until
 * the interactive chart has drawn its SVG (a ResponsiveContainer measures its
 * box first), and the wrapper then carries data-interactive="ready": what
 * tests that hover or click a chart wait for.
 */
export function LazyChart({ drawing, children }: { drawing: ReactNode; children: ReactNode }) {
  const box = useRef<HTMLDivElement>(null);
  const [stage, setStage] = useState<"static" | "mounting" | "ready">("static");
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    return enqueue(element, () => setStage("mounting"));
  }, []);
  useEffect(() => {
    if (stage !== "mounting") return;
    let frame = 0;
    let frames = 0;
    const look = () => {
      const live = box.current?.querySelector(".lazy-chart-live .recharts-wrapper > svg");
      // An interactive chart with nothing to draw never shows a surface: give it a second.
      if (live || ++frames > 60) setStage("ready");
      else frame = requestAnimationFrame(look);
    };
    frame = requestAnimationFrame(look);
    return () => cancelAnimationFrame(frame);
  }, [stage]);
  return (
    <div ref={box} className="lazy-chart" data-stage={stage} data-interactive={stage === "ready" ? "ready" : undefined}>
      {stage !== "ready" && drawing}
      {stage !== "static" && <div className="lazy-chart-live">{children}</div>}
    </div>
  );
}

// --- One queue for the page: which chart goes interactive next ---

interface Job {
  element: Element;
  start: () => void;
  near: boolean;
}

const jobs: Job[] = [];
let observer: IntersectionObserver | null = null;
let waiting = false;

type Idle = (callback: () => void, options?: { timeout: number }) => number;
const whenIdle: Idle = (callback, options) =>
  typeof window.requestIdleCallback === "function" ? window.requestIdleCallback(callback, options) : window.setTimeout(callback, 50);

function enqueue(element: Element, start: () => void): () => void {
  const job: Job = { element, start, near: false };
  jobs.push(job);
  // Page order: jobs are enqueued as charts mount, which is mostly that order already.
  jobs.sort((a, b) => (a.element.compareDocumentPosition(b.element) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
  observer ??= new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        const j = jobs.find((x) => x.element === entry.target);
        if (j) j.near = entry.isIntersecting;
      }
      pump();
    },
    { rootMargin: "300px 0px" },
  );
  observer.observe(element);
  pump();
  return () => {
    const i = jobs.indexOf(job);
    if (i >= 0) jobs.splice(i, 1);
    observer?.unobserve(element);
  };
}

/** Starts the next chart when the main thread is idle, then waits for idle again before the one after. */
function pump() {
  if (waiting || jobs.length === 0) return;
  waiting = true;
  whenIdle(
    () => {
      waiting = false;
      const next = jobs.find((j) => j.near) ?? jobs[0];
      if (!next) return;
      jobs.splice(jobs.indexOf(next), 1);
      observer?.unobserve(next.element);
      next.start();
      pump();
    },
    { timeout: 4000 },
  );
}
