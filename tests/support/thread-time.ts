import fs from "node:fs";

/**
 * How long the calling thread held its event loop at once, as issue 17 item 1 means it ("never block the event
 * loop for more than 100 ms on one chunk"): the most CPU time the thread ran between two turns of a 5 ms timer,
 * from Linux's /proc/thread-self/schedstat (its first field: nanoseconds run on a CPU). A wall-clock gap between
 * the timer's turns (or monitorEventLoopDelay's max) also counts the time the thread waited for a core that other
 * processes held: on the shared 2-core machine (load average 6-14) it reached 114-160 ms while the thread itself
 * ran at most 14 ms between two turns. CPU time counts what our code (and its garbage collection) did on the
 * thread, whatever the machine's load.
 */
export function longestRun(): { stop(): number } {
  const ranNs = () => Number(fs.readFileSync("/proc/thread-self/schedstat", "utf8").split(" ")[0]);
  let last = ranNs();
  let max = 0;
  const take = () => {
    const now = ranNs();
    max = Math.max(max, now - last);
    last = now;
  };
  const timer = setInterval(take, 5);
  return {
    /** Stops the timer; the longest run seen, in ms. */
    stop: () => {
      clearInterval(timer);
      take();
      return max / 1e6;
    },
  };
}
