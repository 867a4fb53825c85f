/**
 * `npm run sample -- --customers 2000 --seed 42 --out DIR` writes customers.csv
 * and transactions.csv (invoice lines). With `--layout purchases` it writes
 * customers.csv and purchases.csv (one row per order) instead, streamed as
 * they are generated, so memory stays flat at a million customers. Same
 * options, same bytes.
 */
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import { customersCsv, generateSample, transactionsCsv } from "../lib/sample/generate";
import { customersCsvStream, purchasesCsv } from "../lib/sample/purchases";

const { values } = parseArgs({
  options: {
    customers: { type: "string", default: "2000" },
    seed: { type: "string", default: "42" },
    layout: { type: "string", default: "lines" },
    out: { type: "string", default: "sample" },
  },
});
const customers = Number(values.customers);
const seed = Number(values.seed);
if (!Number.isInteger(customers) || customers < 1) throw new Error("--customers must be a positive whole number");
if (!Number.isInteger(seed)) throw new Error("--seed must be a whole number");
if (values.layout !== "lines" && values.layout !== "purchases") throw new Error("--layout must be lines or purchases");

/** Lines joined into chunks of about 64 KB: a stream chunk per line would make ten million rows slow to write. */
function* batched(lines: Iterable<string>, counter: { lines: number }): Generator<string> {
  let chunk = "";
  for (const line of lines) {
    counter.lines++;
    chunk += line;
    if (chunk.length >= 65_536) {
      yield chunk;
      chunk = "";
    }
  }
  if (chunk !== "") yield chunk;
}

/** Writes the lines to DIR/name (with backpressure) and prints its size; answers the number of data rows. */
async function write(name: string, lines: Iterable<string>): Promise<number> {
  const file = path.join(values.out, name);
  const counter = { lines: 0 };
  await pipeline(Readable.from(batched(lines, counter)), fs.createWriteStream(file));
  console.log(`${file}: ${fs.statSync(file).size.toLocaleString("en")} bytes`);
  return counter.lines - 1;
}

fs.mkdirSync(values.out, { recursive: true });
if (values.layout === "purchases") {
  const written = await write("customers.csv", customersCsvStream({ customers, seed }));
  const rows = await write("purchases.csv", purchasesCsv({ customers, seed }));
  console.log(`${written.toLocaleString("en")} customers, ${rows.toLocaleString("en")} purchase rows`);
} else {
  const sample = generateSample({ customers, seed });
  const written = await write("customers.csv", customersCsv(sample));
  const rows = await write("transactions.csv", transactionsCsv(sample));
  console.log(`${written.toLocaleString("en")} customers, ${rows.toLocaleString("en")} transaction lines`);
}
