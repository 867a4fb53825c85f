import { monitorEventLoopDelay } from "node:perf_hooks";
import { describe, expect, test } from "vitest";
import type { HoldoutRow } from "../queries/churn-holdout";
import { checkChurnModels, checkChurnModelsOffThread } from "../services/churn-check";
import { FitError } from "../segmentation/clv";

/**
 * The churn check's fits run on a worker thread (issue 17, item 20: the home
 * page waited seconds behind a preparation's fits on the server's thread).
 * The result must equal the same check on this thread, and this thread must
 * stay free meanwhile: its event loop never held for 100 ms, where the check
 * run here holds it for longer (which is what the test would see before).
 */

/** 20,000 customers of a made-up shop (deterministic): purchases at a steady pace, some stopping. */
function shop(n: number): HoldoutRow[] {
  let seed = 7;
  const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
  return Array.from({ length: n }, (_, i) => {
    const tDays = 200 + Math.floor(random() * 400);
    const stopped = random() < 0.4;
    const life = stopped ? Math.floor(random() * tDays) : tDays;
    const pace = 20 + random() * 80;
    const frequency = Math.floor(life / pace);
    const recencyDays = frequency > 0 ? Math.min(life, Math.floor(frequency * pace)) : 0;
    const holdoutDays = stopped ? [] : Array.from({ length: Math.floor(120 / pace) }, (_, k) => Math.max(1, Math.floor((k + 1) * pace)));
    return { customerId: `c${i}`, frequency, recencyDays, tDays, holdoutDays };
  });
}

const dates = { calibrationDate: "2024-06-30", endDate: "2024-10-28", sampleShare: 1 };

async function longestStall<T>(work: () => Promise<T>): Promise<{ result: T; stallMs: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  const result = await work();
  histogram.disable();
  return { result, stallMs: histogram.max / 1e6 };
}

describe("the churn check on a worker thread", () => {
  const rows = shop(20_000);

  test("gives the same check as on this thread, while this thread's event loop never stalls 100 ms", async () => {
    const here = await longestStall(() => checkChurnModels(rows, dates));
    const away = await longestStall(() => checkChurnModelsOffThread(rows, dates));
    expect(away.result).toEqual(here.result);
    expect(here.result.models.filter((m) => "params" in m).length).toBeGreaterThan(0);
    // The same fits on this thread hold it far longer: the bound below is what the worker buys.
    expect(here.stallMs).toBeGreaterThan(100);
    expect(away.stallMs).toBeLessThan(100);
  }, 300_000);

  test("a FitError in the worker reaches the caller as a FitError", async () => {
    const short = { calibrationDate: "2024-10-25", endDate: "2024-10-28", sampleShare: 1 };
    await expect(checkChurnModelsOffThread(rows.slice(0, 100), short)).rejects.toBeInstanceOf(FitError);
  }, 120_000);
});
