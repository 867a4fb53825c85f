/**
 * The sample in the "purchases" layout: one row per order (order id, customer,
 * date, revenue, country) and the customers file beside it, generated as a
 * stream so a benchmark can make a million customers in flat memory. Nothing
 * is kept but the customer being written: rows come out customer by customer,
 * not in date order, since a streaming generator cannot sort globally (the
 * load does not need sorted rows).
 *
 * The customers and their behaviour are those of generateSample (same hidden
 * types, purchase days, basket sizes, quantities and price tastes), with more
 * orders per customer (PURCHASE_ORDERS) for about 10 rows per customer. The
 * mess of a real export is kept sparse, about 2.5% of rows: refunds (`C…`
 * order ids, negative revenue), guest orders without a customer id, and
 * zero-value orders.
 *
 * Pure: no I/O, no clock, no Math.random. Same options, same bytes.
 */
import { csvField, csvLine } from "../csv";
import { createRng } from "../segmentation/random";
import {
  atShopHours,
  CUSTOMER_COLUMNS,
  customerCsvLine,
  DAY,
  drawCustomer,
  formatDateTime,
  makeCatalog,
  PERIOD_DAYS,
  PERIOD_END,
  PERIOD_START,
  pickProduct,
  PROFILES,
  Random,
  sampleSize,
  type CustomerType,
  type Product,
  type SampleCustomer,
  type SampleOptions,
  type TypeProfile,
} from "./generate";

export const PURCHASE_COLUMNS = ["order_id", "customer_id", "order_date", "revenue", "country"] as const;

/**
 * Orders per customer by type: generateSample's ranges scaled by about 1.5.
 * With the type shares (10/25/30/25/10%) that is 10.1 orders drawn per
 * customer, 9.8 once coinciding days merge, and 10.0 rows with the refunds,
 * guest and zero-value orders.
 */
export const PURCHASE_ORDERS: Readonly<Record<CustomerType, readonly [number, number]>> = {
  loyal: [20, 60],
  bargain: [5, 16],
  oneOff: [1, 1],
  lapsed: [3, 12],
  wholesale: [6, 20],
};

/** Chances per order: a refund (bargain hunters return more), a zero-value order (voucher, free replacement), a guest order after it. */
const REFUND = { bargain: 0.025, other: 0.01 };
const ZERO_VALUE = 0.003;
const GUEST = 0.008;

const FIRST_ORDER_ID = 1_000_001;
const BULK = [6, 12] as const;

/**
 * The two PRNG streams: customers draw from `seed`, orders from `seed` with
 * the top bit flipped, which is the same mulberry32 sequence 2^31 draws
 * further on, so the streams never overlap (a million customers take about
 * 10^8 order draws). customers.csv thus needs no order draws, and both files
 * agree on every customer.
 */
const customerRandom = (options: SampleOptions) => new Random(createRng(options.seed ?? 42));
const orderRandom = (options: SampleOptions) => new Random(createRng(((options.seed ?? 42) ^ 0x8000_0000) >>> 0));

/**
 * The customers of the purchases sample, one at a time, with their hidden
 * type and purchase days. The size is checked at once, so a file fails before
 * its header; each walk draws them anew.
 */
export function sampleCustomers(options: SampleOptions): Iterable<{ customer: SampleCustomer; days: number[] }> {
  const size = sampleSize(options);
  return {
    *[Symbol.iterator]() {
      const rnd = customerRandom(options);
      for (let i = 0; i < size; i++) yield drawCustomer(rnd, i, PURCHASE_ORDERS);
    },
  };
}

/** The customers file of the purchases sample, line by line (header first). */
export function* customersCsvStream(options: SampleOptions = {}): Generator<string> {
  const customers = sampleCustomers(options);
  yield csvLine([...CUSTOMER_COLUMNS]);
  for (const { customer } of customers) yield customerCsvLine(customer);
}

/**
 * An order's value in pence: its number of lines × a quantity × a product's
 * price, one draw of each from the customer's type (generateSample's basket
 * sizes, quantities, price taste, favourites and trade price), plus postage
 * abroad. The mean per type is that of generateSample's baskets, the spread
 * per order wider (Gamma-Gamma fits p ≈ 2, q ≈ 1.6 on 20,000 customers; p ≈ 11,
 * q ≈ 1.9 on the lines sample); summing a drawn basket line by line instead
 * took most of the time at ten million orders.
 */
function orderPence(rnd: Random, byPrice: readonly Product[], customer: SampleCustomer, profile: TypeProfile, favourites: readonly Product[]): number {
  const lines = rnd.int(profile.lines[0], profile.lines[1]);
  const bulk = profile.quantity[1] >= 24 ? rnd.pick(BULK) : 1;
  const quantity = Math.max(1, Math.round(rnd.int(profile.quantity[0], profile.quantity[1]) / bulk) * bulk);
  const product = pickProduct(rnd, byPrice, profile.priceTaste, favourites);
  let pence = lines * quantity * Math.round(product.price * (customer.type === "wholesale" ? 0.85 : 1) * 100);
  if (customer.country !== "United Kingdom" && rnd.chance(0.6)) pence += rnd.int(1, 3) * 1800;
  return pence;
}

/**
 * A purchases row. Written without csvLine, whose quoting test cost a fifth
 * of the time: only the country could need quoting, and it comes quoted.
 */
const row = (orderId: string, customerId: string, at: number, pence: number, countryField: string) =>
  `${orderId},${customerId},${formatDateTime(at)},${(pence / 100).toFixed(2)},${countryField}\n`;

/** The purchases file, line by line (header first), customer by customer. */
export function* purchasesCsv(options: SampleOptions = {}): Generator<string> {
  const customers = sampleCustomers(options);
  const rnd = orderRandom(options);
  const byPrice = makeCatalog(rnd, 420).sort((a, b) => a.price - b.price);
  let orderId = FIRST_ORDER_ID;

  yield csvLine([...PURCHASE_COLUMNS]);
  const guestCountry = csvField("United Kingdom");
  for (const { customer, days } of customers) {
    const profile = PROFILES[customer.type];
    const country = csvField(customer.country);
    const favourites = Array.from({ length: customer.type === "loyal" ? 12 : customer.type === "wholesale" ? 8 : 0 }, () =>
      pickProduct(rnd, byPrice, profile.priceTaste, []),
    );
    for (const day of days) {
      const at = atShopHours(rnd, PERIOD_START + day * DAY);
      const pence = rnd.chance(ZERO_VALUE) ? 0 : orderPence(rnd, byPrice, customer, profile, favourites);
      yield row(String(orderId++), customer.id, at, pence, country);
      if (pence > 0 && rnd.chance(customer.type === "bargain" ? REFUND.bargain : REFUND.other)) {
        // Part or all of the order back, days later, at the latest by closing time on the last day.
        const refundAt = Math.min(PERIOD_END + 20 * 3600_000, at + rnd.int(1, 10) * DAY + 3600_000);
        const refund = Math.max(1, Math.round(pence * (0.15 + 0.85 * rnd.float())));
        yield row(`C${orderId++}`, customer.id, refundAt, -refund, country);
      }
      if (rnd.chance(GUEST)) {
        // A guest checkout in a British shop: a small basket of average taste, any day.
        const guestAt = atShopHours(rnd, PERIOD_START + rnd.int(0, PERIOD_DAYS) * DAY);
        const pence = rnd.int(1, 12) * rnd.int(1, 6) * Math.round(pickProduct(rnd, byPrice, 1, []).price * 100);
        yield row(String(orderId++), "", guestAt, pence, guestCountry);
      }
    }
  }
}
