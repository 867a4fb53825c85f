/**
 * The server's log: one line per event worth reading later (a preparation
 * finished, a run saved, with their times). Quiet under Vitest, whose output
 * is the tests'.
 */
export function logLine(line: string): void {
  if (process.env.VITEST) return;
  console.log(`[segmenta] ${line}`);
}
