/* eslint-disable max-lines -- the sample shop's generator: customers, orders and their quirks drawn from one seeded stream, in order. */
/**
 * A seeded generator of realistic sample data: a customers file and a
 * transactions file in the UCI Online Retail columns. Behaviour differs by a
 * hidden customer type, so segmentation has real structure to find, and the
 * files carry the mess real exports have: cancellations (`C…` invoices with
 * negative quantities), lines without a customer, postage lines, zero prices,
 * manual adjustments, descriptions with commas and quotes.
 *
 * Pure: no I/O, no clock, no Math.random. Same options, same bytes.
 * purchases.ts streams customers drawn the same way as one row per order.
 */
import { csvLine } from "../csv";
import { createRng } from "../segmentation/random";

export const CUSTOMER_TYPES = ["loyal", "bargain", "oneOff", "lapsed", "wholesale"] as const;
export type CustomerType = (typeof CUSTOMER_TYPES)[number];

export interface SampleOptions {
  /** Number of customers (default 2000). */
  customers?: number;
  /** PRNG seed (default 42). */
  seed?: number;
}

export interface SampleCustomer {
  id: string;
  type: CustomerType;
  age: number | null;
  gender: "F" | "M" | null;
  country: string;
  city: string;
  signupDate: string;
  channel: string;
}

export interface SampleLine {
  invoiceNo: string;
  stockCode: string;
  description: string;
  quantity: number;
  invoiceDate: string;
  unitPrice: number;
  customerId: string | null;
  country: string;
}

export interface Sample {
  customers: SampleCustomer[];
  lines: SampleLine[];
}

export const TRANSACTION_COLUMNS = [
  "InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID", "Country",
] as const;
export const CUSTOMER_COLUMNS = [
  "customer_id", "age", "gender", "country", "city", "signup_date", "preferred_channel",
] as const;

export const DAY = 86_400_000;
export const PERIOD_START = Date.UTC(2023, 0, 3);
export const PERIOD_END = Date.UTC(2024, 11, 20);
export const PERIOD_DAYS = (PERIOD_END - PERIOD_START) / DAY;

export interface TypeProfile {
  share: number;
  orders: [number, number];
  lines: [number, number];
  quantity: [number, number];
  /** Below 1 prefers cheap products, above 1 dear ones. */
  priceTaste: number;
  channels: Record<string, number>;
  ages: [number, number];
}

export const PROFILES: Record<CustomerType, TypeProfile> = {
  loyal: { share: 0.1, orders: [12, 40], lines: [6, 22], quantity: [2, 12], priceTaste: 1.6, channels: { app: 5, web: 3, store: 2 }, ages: [38, 10] },
  bargain: { share: 0.25, orders: [3, 10], lines: [4, 14], quantity: [2, 10], priceTaste: 0.45, channels: { web: 6, app: 3, store: 1 }, ages: [29, 7] },
  oneOff: { share: 0.3, orders: [1, 1], lines: [1, 7], quantity: [1, 4], priceTaste: 1, channels: { web: 5, store: 4, app: 1 }, ages: [41, 15] },
  lapsed: { share: 0.25, orders: [2, 8], lines: [3, 12], quantity: [1, 8], priceTaste: 0.9, channels: { store: 5, web: 4, catalog: 2 }, ages: [52, 12] },
  wholesale: { share: 0.1, orders: [4, 14], lines: [8, 24], quantity: [12, 48], priceTaste: 0.7, channels: { phone: 5, email: 4, web: 1 }, ages: [47, 9] },
};

const COUNTRIES: [string, number, string[]][] = [
  ["United Kingdom", 78, ["London", "Manchester", "Birmingham", "Leeds", "Glasgow", "Bristol", "Liverpool", "Edinburgh"]],
  ["Germany", 5, ["Berlin", "Hamburg", "Munich", "Cologne"]],
  ["France", 5, ["Paris", "Lyon", "Marseille", "Lille"]],
  ["EIRE", 3, ["Dublin", "Cork"]],
  ["Spain", 2, ["Madrid", "Barcelona", "Valencia"]],
  ["Netherlands", 2, ["Amsterdam", "Rotterdam"]],
  ["Belgium", 1.5, ["Brussels", "Antwerp"]],
  ["Switzerland", 1, ["Zurich", "Geneva"]],
  ["Portugal", 1, ["Lisbon", "Porto"]],
  ["Norway", 0.8, ["Oslo", "Bergen"]],
  ["Australia", 0.7, ["Sydney", "Melbourne"]],
];
const TYPE_WEIGHTS = CUSTOMER_TYPES.map((t) => [t, PROFILES[t].share] as const);
const COUNTRY_WEIGHTS = COUNTRIES.map(([name, w]) => [name, w] as const);
const ABROAD = COUNTRIES.slice(1);
const CITIES = new Map(COUNTRIES.map(([name, , cities]) => [name, cities]));
const CHANNEL_WEIGHTS = Object.fromEntries(CUSTOMER_TYPES.map((t) => [t, Object.entries(PROFILES[t].channels)])) as Record<CustomerType, [string, number][]>;

const ADJECTIVES = ["RED", "WHITE", "PINK", "BLUE", "VINTAGE", "RETRO", "REGENCY", "JUMBO", "SMALL", "LARGE", "HEART", "STAR", "GLASS", "WOODEN", "ENAMEL", "PAPER", "SPOTTY", "FLORAL", "CHRISTMAS", "GARDEN"];
const NOUNS = ["LANTERN", "TEA CUP", "LUNCH BAG", "CAKE STAND", "BUNTING", "DOORMAT", "MUG", "CANDLE", "NAPKINS", "PHOTO FRAME", "TIN", "BOTTLE", "CUSHION COVER", "CLOCK", "NOTEBOOK", "PURSE", "SIGN", "BASKET", "BOWL", "JAR"];
const EXTRAS = ["", "", "", " SET OF 3", " SET/6", ", ASSORTED", " \"LOVE\"", " WITH LID"];

export class Random {
  constructor(private readonly next: () => number) {}
  float(): number {
    return this.next();
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  normal(mean: number, sd: number): number {
    const u = 1 - this.next();
    const v = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    const total = entries.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [item, w] of entries) {
      r -= w;
      if (r < 0) return item;
    }
    return entries[entries.length - 1]![0];
  }
}

export interface Product {
  code: string;
  description: string;
  price: number;
}

export function makeCatalog(rnd: Random, size: number): Product[] {
  const products: Product[] = [];
  const used = new Set<string>();
  while (products.length < size) {
    const code = `${rnd.int(20_000, 90_000)}${rnd.chance(0.3) ? rnd.pick(["A", "B", "C", "L", "S"]) : ""}`;
    const description = `${rnd.pick(ADJECTIVES)} ${rnd.pick(ADJECTIVES)} ${rnd.pick(NOUNS)}${rnd.pick(EXTRAS)}`;
    if (used.has(code)) continue;
    used.add(code);
    const price = Math.min(39.95, Math.max(0.19, Math.exp(rnd.normal(Math.log(2.5), 0.8))));
    products.push({ code, description, price: Math.round(price * 20) / 20 });
  }
  return products;
}

const TWO_DIGITS = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, "0"));

/**
 * "YYYY-MM-DD" of a day since 1970, remembered: toISOString takes 1.5 µs a
 * call on Node 20, most of the time of a ten-million-row purchases file, and
 * the generators only write about a thousand distinct days.
 */
const dayTexts = new Map<number, string>();
function dayText(day: number): string {
  let text = dayTexts.get(day);
  if (text === undefined) {
    text = new Date(day * DAY).toISOString().slice(0, 10);
    dayTexts.set(day, text);
  }
  return text;
}

function formatDate(ms: number): string {
  return dayText(Math.floor(ms / DAY));
}

export function formatDateTime(ms: number): string {
  const day = Math.floor(ms / DAY);
  const second = Math.floor((ms - day * DAY) / 1000);
  return `${dayText(day)} ${TWO_DIGITS[Math.floor(second / 3600)]}:${TWO_DIGITS[Math.floor(second / 60) % 60]}:${TWO_DIGITS[second % 60]}`;
}

/** A shop-hours time on the given day. */
export function atShopHours(rnd: Random, dayMs: number): number {
  return dayMs + rnd.int(7 * 60, 19 * 60 + 59) * 60_000;
}

interface Invoice {
  at: number;
  customer: SampleCustomer | null;
  country: string;
  lines: Omit<SampleLine, "invoiceNo" | "invoiceDate" | "customerId" | "country">[];
  cancels?: Invoice;
}

/** Purchase days of one customer, sorted, as day offsets from the period start. */
function purchaseDays(rnd: Random, type: CustomerType, orders: readonly [number, number]): number[] {
  const count = rnd.int(orders[0], orders[1]);
  let first: number;
  let last: number;
  switch (type) {
    case "loyal":
      first = rnd.int(0, Math.floor(PERIOD_DAYS * 0.4));
      last = PERIOD_DAYS - rnd.int(0, 20);
      break;
    case "lapsed":
      first = rnd.int(0, Math.floor(PERIOD_DAYS * 0.35));
      last = Math.min(PERIOD_DAYS - 200, first + rnd.int(60, 300));
      break;
    case "oneOff":
      first = rnd.int(0, PERIOD_DAYS);
      last = first;
      break;
    default:
      first = rnd.int(0, Math.floor(PERIOD_DAYS * 0.7));
      last = Math.min(PERIOD_DAYS, first + rnd.int(120, PERIOD_DAYS));
  }
  if (count === 1) return [first];
  // Sorted, then without repeats: a Set and a comparator sort were a third of the time of drawing a customer.
  const drawn = new Int32Array(count);
  drawn[0] = first;
  drawn[1] = last;
  for (let i = 2; i < count; i++) drawn[i] = first + Math.floor(rnd.float() * (last - first + 1));
  drawn.sort();
  const days = [drawn[0]!];
  for (let i = 1; i < count; i++) if (drawn[i] !== drawn[i - 1]) days.push(drawn[i]!);
  return days;
}

/** The number of customers asked for, checked. */
export function sampleSize(options: SampleOptions): number {
  const size = options.customers ?? 2000;
  if (!Number.isInteger(size) || size < 1) throw new Error("customers must be a positive integer");
  return size;
}

/**
 * The `index`-th customer and their purchase days (`orders` overrides the
 * type's order range). The draws come in the order generateSample has always
 * made them: its bytes depend on it.
 */
export function drawCustomer(
  rnd: Random,
  index: number,
  orders?: Readonly<Record<CustomerType, readonly [number, number]>>,
): { customer: SampleCustomer; days: number[] } {
  const type = rnd.weighted(TYPE_WEIGHTS);
  const profile = PROFILES[type];
  const country = type === "wholesale" && rnd.chance(0.5) ? rnd.pick(ABROAD)[0] : rnd.weighted(COUNTRY_WEIGHTS);
  const cities = CITIES.get(country)!;
  const days = purchaseDays(rnd, type, orders?.[type] ?? profile.orders);
  const signupOffset = rnd.int(0, 400);
  const customer: SampleCustomer = {
    id: String(12_346 + index * 3 + rnd.int(0, 2)),
    type,
    age: rnd.chance(0.02) ? null : Math.round(Math.min(88, Math.max(18, rnd.normal(profile.ages[0], profile.ages[1])))),
    gender: rnd.chance(0.015) ? null : rnd.chance(type === "wholesale" ? 0.35 : type === "bargain" ? 0.62 : 0.52) ? "F" : "M",
    country,
    city: rnd.pick(cities),
    signupDate: formatDate(PERIOD_START + days[0]! * DAY - signupOffset * DAY),
    channel: rnd.weighted(CHANNEL_WEIGHTS[type]),
  };
  return { customer, days };
}

/** A product for a customer of the given price taste, from their favourites 45% of the time when they have some. */
export function pickProduct(rnd: Random, byPrice: readonly Product[], taste: number, favourites: readonly Product[]): Product {
  if (favourites.length > 0 && rnd.chance(0.45)) return rnd.pick(favourites);
  // Skew the price rank by taste: taste < 1 leans to cheap items, > 1 to dear ones.
  const u = Math.pow(rnd.float(), 1 / taste);
  return byPrice[Math.min(byPrice.length - 1, Math.floor(u * byPrice.length))]!;
}

export function generateSample(options: SampleOptions = {}): Sample {
  const size = sampleSize(options);
  const rnd = new Random(createRng(options.seed ?? 42));
  const catalog = makeCatalog(rnd, 420);
  const byPrice = [...catalog].sort((a, b) => a.price - b.price);

  const customers: SampleCustomer[] = [];
  const invoices: Invoice[] = [];

  for (let i = 0; i < size; i++) {
    const { customer, days } = drawCustomer(rnd, i);
    const { type, country } = customer;
    const profile = PROFILES[type];
    customers.push(customer);

    const favourites = Array.from({ length: type === "loyal" ? 12 : type === "wholesale" ? 8 : 0 }, () =>
      pickProduct(rnd, byPrice, profile.priceTaste, []),
    );
    for (const day of days) {
      const at = atShopHours(rnd, PERIOD_START + day * DAY);
      const lineCount = rnd.int(profile.lines[0], profile.lines[1]);
      const lines: Invoice["lines"] = [];
      const seen = new Set<string>();
      for (let l = 0; l < lineCount; l++) {
        const product = pickProduct(rnd, byPrice, profile.priceTaste, favourites);
        if (seen.has(product.code)) continue;
        seen.add(product.code);
        const bulk = profile.quantity[1] >= 24 ? rnd.pick([6, 12]) : 1;
        const quantity = Math.max(1, Math.round(rnd.int(profile.quantity[0], profile.quantity[1]) / bulk) * bulk);
        // Wholesale buyers get the trade price; now and then an item is a free gift.
        const price = rnd.chance(0.004) ? 0 : type === "wholesale" ? Math.round(product.price * 0.85 * 100) / 100 : product.price;
        lines.push({ stockCode: product.code, description: product.description, quantity, unitPrice: price });
      }
      if (country !== "United Kingdom" && rnd.chance(0.6)) {
        lines.push({ stockCode: "POST", description: "POSTAGE", quantity: rnd.int(1, 3), unitPrice: 18 });
      }
      if (rnd.chance(0.003)) {
        lines.push({ stockCode: "M", description: "Manual", quantity: 1, unitPrice: Math.round(rnd.float() * 4000) / 100 });
      }
      const invoice: Invoice = { at, customer, country, lines };
      invoices.push(invoice);
      if (rnd.chance(type === "bargain" ? 0.07 : 0.03)) {
        const returned = lines.filter((line) => line.stockCode !== "POST").slice(0, rnd.int(1, 3));
        invoices.push({
          at: Math.min(PERIOD_END + 19 * 3600_000, at + rnd.int(1, 10) * DAY + 3600_000),
          customer,
          country,
          lines: returned.map((line) => ({ ...line, quantity: -rnd.int(1, line.quantity) })),
          cancels: invoice,
        });
      }
    }
  }

  // Guest checkouts: invoices with no customer id, as about a quarter of the UCI lines are.
  const guests = Math.round(invoices.length * 0.08);
  for (let g = 0; g < guests; g++) {
    const at = atShopHours(rnd, PERIOD_START + rnd.int(0, PERIOD_DAYS) * DAY);
    const lines: Invoice["lines"] = Array.from({ length: rnd.int(1, 12) }, () => {
      const product = pickProduct(rnd, byPrice, 1, []);
      return { stockCode: product.code, description: product.description, quantity: rnd.int(1, 6), unitPrice: product.price };
    });
    if (rnd.chance(0.5)) lines.push({ stockCode: "DOT", description: "DOTCOM POSTAGE", quantity: 1, unitPrice: Math.round(rnd.float() * 3000 + 500) / 100 });
    invoices.push({ at, customer: null, country: "United Kingdom", lines });
  }

  invoices.sort((a, b) => a.at - b.at);
  const lines: SampleLine[] = [];
  let number = 500_001;
  for (const invoice of invoices) {
    const invoiceNo = invoice.cancels ? `C${number++}` : String(number++);
    for (const line of invoice.lines) {
      lines.push({
        invoiceNo,
        ...line,
        invoiceDate: formatDateTime(invoice.at),
        customerId: invoice.customer?.id ?? null,
        country: invoice.country,
      });
    }
  }
  return { customers, lines };
}

export function* transactionsCsv(sample: Sample): Generator<string> {
  yield csvLine([...TRANSACTION_COLUMNS]);
  for (const l of sample.lines) {
    yield csvLine([l.invoiceNo, l.stockCode, l.description, l.quantity, l.invoiceDate, l.unitPrice.toFixed(2), l.customerId, l.country]);
  }
}

/** A customer as a line of the customers file. */
export const customerCsvLine = (c: SampleCustomer) => csvLine([c.id, c.age, c.gender, c.country, c.city, c.signupDate, c.channel]);

export function* customersCsv(sample: Sample): Generator<string> {
  yield csvLine([...CUSTOMER_COLUMNS]);
  for (const c of sample.customers) yield customerCsvLine(c);
}
