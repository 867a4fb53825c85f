import { createHash } from "node:crypto";
import Papa from "papaparse";
import { describe, expect, test } from "vitest";
import { sniff, SNIFF_BYTES } from "../ingest/sniff";
import { customersCsvStream, purchasesCsv, sampleCustomers } from "./purchases";

const digest = (lines: Iterable<string>) => {
  const hash = createHash("sha256");
  for (const line of lines) hash.update(line);
  return hash.digest("hex");
};

const parse = (lines: Iterable<string>) => Papa.parse<string[]>([...lines].join(""), { skipEmptyLines: true });

const CUSTOMERS = 20_000;
const options = { customers: CUSTOMERS, seed: 11 };
const purchases = parse(purchasesCsv(options));
const [, ...rows] = purchases.data;
const customers = parse(customersCsvStream(options));
const [, ...customerRows] = customers.data;

const DAY = 86_400_000;
const day = (timestamp: string) => Math.floor(Date.parse(`${timestamp.replace(" ", "T")}Z`) / DAY);
const isRefund = (r: string[]) => r[0]!.startsWith("C");
const isGuest = (r: string[]) => r[1] === "";

describe("purchasesCsv and customersCsvStream", () => {
  test("same seed, same bytes; another seed, other bytes", () => {
    const small = { customers: 2000, seed: 7 };
    expect(digest(purchasesCsv(small))).toBe(digest(purchasesCsv({ ...small })));
    expect(digest(customersCsvStream(small))).toBe(digest(customersCsvStream({ ...small })));
    expect(digest(purchasesCsv({ ...small, seed: 8 }))).not.toBe(digest(purchasesCsv(small)));
    expect(digest(customersCsvStream({ ...small, seed: 8 }))).not.toBe(digest(customersCsvStream(small)));
  });

  test("writes the purchases header and the customers header", () => {
    expect(purchasesCsv().next().value).toBe("order_id,customer_id,order_date,revenue,country\n");
    expect(customersCsvStream().next().value).toBe("customer_id,age,gender,country,city,signup_date,preferred_channel\n");
  });

  test("every row parses into five well-formed fields, with dates in the period and unique order ids", () => {
    expect(purchases.errors).toEqual([]);
    expect(rows.every((r) => r.length === 5)).toBe(true);
    expect(rows.every((r) => /^C?\d+$/.test(r[0]!) && /^(\d+)?$/.test(r[1]!) && /^-?\d+\.\d\d$/.test(r[3]!) && r[4] !== "")).toBe(true);
    expect(rows.every((r) => /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(r[2]!))).toBe(true);
    expect(rows.every((r) => r[2]! >= "2023-01-03 07:00:00" && r[2]! <= "2024-12-20 20:00:00")).toBe(true);
    expect(new Set(rows.map((r) => r[0]!.replace(/^C/, ""))).size).toBe(rows.length);
  });

  test("about 10 rows per customer", () => {
    expect(rows.length / CUSTOMERS).toBeGreaterThan(9.5);
    expect(rows.length / CUSTOMERS).toBeLessThan(10.5);
  });

  test("refunds, guest orders and zero-value orders are there, and rare", () => {
    const refunds = rows.filter(isRefund);
    const guests = rows.filter(isGuest);
    const zeros = rows.filter((r) => r[3] === "0.00");
    expect(refunds.every((r) => Number(r[3]) < 0)).toBe(true);
    expect(rows.filter((r) => Number(r[3]) < 0).length).toBe(refunds.length);
    for (const mess of [refunds, guests, zeros]) expect(mess.length).toBeGreaterThan(0);
    expect((refunds.length + guests.length + zeros.length) / rows.length).toBeLessThan(0.03);
  });

  test("both files agree: every customer buys, in their own country", () => {
    expect(customers.errors).toEqual([]);
    expect(customerRows).toHaveLength(CUSTOMERS);
    const country = new Map(customerRows.map((c) => [c[0]!, c[3]!]));
    expect(country.size).toBe(CUSTOMERS);
    const bought = rows.filter((r) => !isGuest(r));
    expect(bought.filter((r) => r[4] !== country.get(r[1]!))).toEqual([]);
    expect(new Set(bought.map((r) => r[1])).size).toBe(CUSTOMERS);
  });

  test("types behave differently enough for segmentation to find them", () => {
    const orders = new Map<string, number>();
    const last = new Map<string, number>();
    const spend = new Map<string, number>();
    for (const r of rows) {
      if (isGuest(r) || isRefund(r)) continue;
      const id = r[1]!;
      orders.set(id, (orders.get(id) ?? 0) + 1);
      last.set(id, Math.max(last.get(id) ?? 0, day(r[2]!)));
      spend.set(id, (spend.get(id) ?? 0) + Number(r[3]));
    }
    const end = Math.max(...last.values());
    const types = new Map<string, string[]>();
    for (const { customer } of sampleCustomers(options)) types.set(customer.type, [...(types.get(customer.type) ?? []), customer.id]);
    const mean = (type: string, f: (id: string) => number) => {
      const ids = types.get(type)!;
      return ids.reduce((s, id) => s + f(id), 0) / ids.length;
    };
    const frequency = (id: string) => orders.get(id)!;
    const recency = (id: string) => end - last.get(id)!;
    const money = (id: string) => spend.get(id)!;

    expect(mean("oneOff", frequency)).toBe(1);
    expect(mean("loyal", frequency)).toBeGreaterThan(3 * mean("bargain", frequency));
    expect(mean("lapsed", recency)).toBeGreaterThan(200);
    expect(mean("loyal", recency)).toBeLessThan(30);
    expect(mean("wholesale", money)).toBeGreaterThan(5 * mean("bargain", money));
  });

  test("the upload reads it as purchases, every column mapped", () => {
    let head = "";
    for (const line of purchasesCsv(options)) {
      head += line;
      if (head.length >= SNIFF_BYTES) break;
    }
    const sniffed = sniff(Buffer.from(head.slice(0, SNIFF_BYTES)), "purchases.csv", false);
    expect(sniffed.layout).toBe("purchases");
    expect(sniffed.mapping).toEqual({
      customer_id: "customer_id",
      invoice_date: "order_date",
      amount: "revenue",
      invoice_no: "order_id",
      country: "country",
    });
    expect(sniffed.missing).toEqual([]);
    expect(sniffed.dateOrder).toBe("ymd");
  });

  test("rejects a size that is not a positive whole number", () => {
    expect(() => purchasesCsv({ customers: 0 }).next()).toThrow(/positive integer/);
    expect(() => customersCsvStream({ customers: 2.5 }).next()).toThrow(/positive integer/);
  });
});
