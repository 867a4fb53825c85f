import { customersCsv, generateSample, transactionsCsv, type Sample } from "./generate";

/** The sample dataset loaded on first start and offered for download: one definition for both. */
export const SAMPLE = {
  name: "Sample shop (generated)",
  description: "2,000 generated customers of an online gift shop over two years, with the mess of a real export.",
  customers: 2000,
  seed: 42,
  files: { transactions: "sample-transactions.csv", customers: "sample-customers.csv" },
} as const;

let cached: Sample | undefined;

/** The default sample, generated once per process. */
export function defaultSample(): Sample {
  cached ??= generateSample({ customers: SAMPLE.customers, seed: SAMPLE.seed });
  return cached;
}

export function sampleFile(kind: "transactions" | "customers"): Generator<string> {
  return kind === "transactions" ? transactionsCsv(defaultSample()) : customersCsv(defaultSample());
}
