import { customersCsv, generateSample, transactionsCsv } from "./generate";

/** The sample dataset loaded on first start and offered for download: one definition for both. */
export const SAMPLE = {
  name: "Sample shop (generated)",
  description: "2,000 generated customers of an online gift shop over two years, with the mess of a real export.",
  customers: 2000,
  seed: 42,
  files: { transactions: "sample-transactions.csv", customers: "sample-customers.csv" },
} as const;

/**
 * Both sample files, as lines, from one generation (about 0.5 s). Nothing is
 * kept afterwards: the launcher and the web server would otherwise hold the
 * 143,000 generated lines for as long as they run.
 */
export function sampleFiles(): { transactions: Generator<string>; customers: Generator<string> } {
  const sample = generateSample({ customers: SAMPLE.customers, seed: SAMPLE.seed });
  return { transactions: transactionsCsv(sample), customers: customersCsv(sample) };
}
