import { createHash } from "node:crypto";
import { describe, expect, test } from "vitest";
import { CUSTOMER_TYPES, customersCsv, generateSample, transactionsCsv, type Sample } from "./generate";

const digest = (lines: Iterable<string>) => {
  const hash = createHash("sha256");
  for (const line of lines) hash.update(line);
  return hash.digest("hex");
};

const sample = generateSample({ customers: 600, seed: 7 });
const DAY = 86_400_000;
const day = (timestamp: string) => Date.parse(`${timestamp.slice(0, 10)}T00:00:00Z`) / DAY;

function invoicesPerCustomer(s: Sample): Map<string, Set<string>> {
  const map = new Map<string, Set<string>>();
  for (const l of s.lines) {
    if (!l.customerId || l.invoiceNo.startsWith("C")) continue;
    if (!map.has(l.customerId)) map.set(l.customerId, new Set());
    map.get(l.customerId)!.add(l.invoiceNo);
  }
  return map;
}

describe("generateSample", () => {
  test("same seed, same bytes; another seed, other bytes", () => {
    const again = generateSample({ customers: 600, seed: 7 });
    expect(digest(transactionsCsv(again))).toBe(digest(transactionsCsv(sample)));
    expect(digest(customersCsv(again))).toBe(digest(customersCsv(sample)));
    const other = generateSample({ customers: 600, seed: 8 });
    expect(digest(transactionsCsv(other))).not.toBe(digest(transactionsCsv(sample)));
  });

  test("writes the Online Retail columns and the customer columns", () => {
    expect(transactionsCsv(sample).next().value).toBe("InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n");
    expect(customersCsv(sample).next().value).toBe("customer_id,age,gender,country,city,signup_date,preferred_channel\n");
  });

  test("has every hidden type, each customer buying at least once", () => {
    const types = new Set(sample.customers.map((c) => c.type));
    expect([...types].sort()).toEqual([...CUSTOMER_TYPES].sort());
    const buyers = invoicesPerCustomer(sample);
    expect(sample.customers.every((c) => buyers.has(c.id))).toBe(true);
    expect(new Set(sample.customers.map((c) => c.id)).size).toBe(sample.customers.length);
  });

  test("types behave differently enough for segmentation to find them", () => {
    const buyers = invoicesPerCustomer(sample);
    const last = new Map<string, number>();
    const spend = new Map<string, number>();
    for (const l of sample.lines) {
      if (!l.customerId || l.invoiceNo.startsWith("C")) continue;
      last.set(l.customerId, Math.max(last.get(l.customerId) ?? 0, day(l.invoiceDate)));
      spend.set(l.customerId, (spend.get(l.customerId) ?? 0) + l.quantity * l.unitPrice);
    }
    const end = Math.max(...last.values());
    const mean = (type: string, f: (id: string) => number) => {
      const ids = sample.customers.filter((c) => c.type === type).map((c) => c.id);
      return ids.reduce((s, id) => s + f(id), 0) / ids.length;
    };
    const orders = (id: string) => buyers.get(id)!.size;
    const recency = (id: string) => end - last.get(id)!;
    const money = (id: string) => spend.get(id)!;

    expect(mean("oneOff", orders)).toBe(1);
    expect(mean("loyal", orders)).toBeGreaterThan(3 * mean("bargain", orders));
    expect(mean("lapsed", recency)).toBeGreaterThan(200);
    expect(mean("loyal", recency)).toBeLessThan(30);
    expect(mean("wholesale", money)).toBeGreaterThan(5 * mean("bargain", money));
  });

  test("carries the mess of a real export", () => {
    const cancellations = sample.lines.filter((l) => l.invoiceNo.startsWith("C"));
    expect(cancellations.length).toBeGreaterThan(0);
    expect(cancellations.every((l) => l.quantity < 0)).toBe(true);
    expect(sample.lines.some((l) => l.customerId === null)).toBe(true);
    expect(sample.lines.some((l) => l.stockCode === "POST")).toBe(true);
    expect(sample.lines.some((l) => l.unitPrice === 0)).toBe(true);
    expect(sample.lines.some((l) => /[",]/.test(l.description))).toBe(true);
    expect(sample.customers.some((c) => c.age === null)).toBe(true);
  });

  test("rejects a size that is not a positive whole number", () => {
    expect(() => generateSample({ customers: 0 })).toThrow(/positive integer/);
    expect(() => generateSample({ customers: 2.5 })).toThrow(/positive integer/);
  });
});
