/**
 * `npm run sample -- --customers 2000 --seed 42 --out DIR` writes customers.csv
 * and transactions.csv. Same seed and size, same bytes.
 */
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import { customersCsv, generateSample, transactionsCsv } from "../lib/sample/generate";

const { values } = parseArgs({
  options: {
    customers: { type: "string", default: "2000" },
    seed: { type: "string", default: "42" },
    out: { type: "string", default: "sample" },
  },
});
const customers = Number(values.customers);
const seed = Number(values.seed);
if (!Number.isInteger(customers) || customers < 1) throw new Error("--customers must be a positive whole number");
if (!Number.isInteger(seed)) throw new Error("--seed must be a whole number");

const sample = generateSample({ customers, seed });
fs.mkdirSync(values.out, { recursive: true });
for (const [name, lines] of [["customers.csv", customersCsv(sample)], ["transactions.csv", transactionsCsv(sample)]] as const) {
  const file = path.join(values.out, name);
  await pipeline(Readable.from(lines), fs.createWriteStream(file));
  console.log(`${file}: ${fs.statSync(file).size.toLocaleString("en")} bytes`);
}
console.log(`${sample.customers.length.toLocaleString("en")} customers, ${sample.lines.length.toLocaleString("en")} transaction lines`);
