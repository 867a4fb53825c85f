/**
 * Cleaning rules: what the analysis leaves out by default. Nothing is deleted:
 * each loaded line carries the rules it falls under as bits in
 * `transaction_lines.excluded`, the import report counts them, and analysis
 * queries filter on the bits the analyst keeps switched on.
 */
export const CLEANING_RULES = [
  { key: "noCustomer", bit: 1, label: "No customer id", detail: "Guest purchases: rows without a customer id." },
  { key: "cancellation", bit: 2, label: "Cancellations", detail: "Invoices starting with C, and lines with a negative quantity." },
  { key: "adjustment", bit: 4, label: "Adjustments", detail: "Invoices starting with A (bad-debt adjustments)." },
  { key: "nonProduct", bit: 8, label: "Non-product codes", detail: "Postage, carriage, fees, discounts, manual and sample lines (POST, DOT, C2, M, D, BANK CHARGES, AMAZONFEE, CRUK, …)." },
  { key: "badPrice", bit: 16, label: "Zero or negative price", detail: "Free items and price corrections." },
  { key: "duplicate", bit: 32, label: "Exact duplicates", detail: "Rows written exactly as an earlier row of the same file, character for character." },
] as const;

export type CleaningRule = (typeof CLEANING_RULES)[number]["key"];
export type CleaningCounts = Record<CleaningRule, number> & { excluded: number; included: number };

export const ALL_RULES_MASK = CLEANING_RULES.reduce((mask, r) => mask | r.bit, 0);

/** The rule keys, for validating a run's `cleaning` list. */
export const RULE_KEYS = CLEANING_RULES.map((r) => r.key) as [CleaningRule, ...CleaningRule[]];

/** The `excluded` bits of the rules a run applies. */
/** The names of the cleaning rules in a set of bits. */
export const ruleLabels = (bits: number) => CLEANING_RULES.filter((r) => (bits & r.bit) !== 0).map((r) => r.label);

export function rulesMask(rules: readonly CleaningRule[]): number {
  return CLEANING_RULES.filter((r) => rules.includes(r.key)).reduce((mask, r) => mask | r.bit, 0);
}

/** Stock codes that are not products, compared upper-cased. */
export const NON_PRODUCT_CODES = new Set([
  "POST", "DOT", "C2", "M", "D", "S", "B", "PADS", "CRUK", "BANK CHARGES", "AMAZONFEE", "ADJUST", "ADJUST2", "TEST001", "TEST002",
]);

export function isNonProductCode(code: string | null): boolean {
  if (code === null) return false;
  const first = code.charCodeAt(0);
  if (first >= 48 && first <= 57) return false; // product codes start with a digit; none of the others do
  const upper = code.toUpperCase();
  return NON_PRODUCT_CODES.has(upper) || upper.startsWith("GIFT_") || upper.startsWith("DCGS");
}

export function emptyCounts(): CleaningCounts {
  return { noCustomer: 0, cancellation: 0, adjustment: 0, nonProduct: 0, badPrice: 0, duplicate: 0, excluded: 0, included: 0 };
}

/** The rule bits of one line, from its parsed values (duplicates are found by the caller). */
export function lineFlags(invoiceNo: string, stockCode: string | null, quantity: number, unitPrice: number, customerId: string | null): number {
  let flags = 0;
  if (customerId === null) flags |= 1;
  const first = invoiceNo.charCodeAt(0) | 0x20; // lower-cased first letter
  if (first === 0x63 /* c */ || quantity < 0) flags |= 2;
  if (first === 0x61 /* a */) flags |= 4;
  if (isNonProductCode(stockCode)) flags |= 8;
  if (unitPrice <= 0) flags |= 16;
  return flags;
}

export function countFlags(counts: CleaningCounts, flags: number): void {
  if (flags === 0) {
    counts.included++;
    return;
  }
  counts.excluded++;
  if (flags & 1) counts.noCustomer++;
  if (flags & 2) counts.cancellation++;
  if (flags & 4) counts.adjustment++;
  if (flags & 8) counts.nonProduct++;
  if (flags & 16) counts.badPrice++;
  if (flags & 32) counts.duplicate++;
}
