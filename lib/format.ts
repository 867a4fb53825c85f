/** Number and date formatting for people: one place, so every screen agrees. */
const integer = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 0 });
const money = new Intl.NumberFormat("en-GB", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export const formatInteger = (n: number) => integer.format(n);

/**
 * Money, everywhere the same: two decimals, grouped, with the dataset's currency when it has one
 * (Intl's currency style: `£1,234.50`, `€1,234.50`, `US$1,234.50` in en-GB; JPY has no decimals);
 * without one, the bare number. `currency` is an ISO 4217 code.
 */
export const formatMoney = (value: string | number, currency?: string | null) => moneyFormat(currency).format(Number(value));
/** Money in whole units, where cents would crowd a cell (the RFM grid): `£1,235`. */
export const formatMoneyWhole = (value: number, currency?: string | null) =>
  (currency ? cached(`whole:${currency}`, () => new Intl.NumberFormat("en-GB", { style: "currency", currency, maximumFractionDigits: 0, minimumFractionDigits: 0 })) : integer).format(value);
/** How a column or axis of amounts is labelled: `Revenue (GBP)`, or `Revenue` without a currency. */
export const moneyLabel = (label: string, currency?: string | null) => (currency ? `${label} (${currency})` : label);

const formats = new Map<string, Intl.NumberFormat>();
function cached(key: string, make: () => Intl.NumberFormat): Intl.NumberFormat {
  let f = formats.get(key);
  if (!f) formats.set(key, (f = make()));
  return f;
}
const moneyFormat = (currency?: string | null) => (currency ? cached(`money:${currency}`, () => new Intl.NumberFormat("en-GB", { style: "currency", currency })) : money);

/** `2024-12-20 19:59:00` → `20 Dec 2024`. Dates stay in the shop's local time. */
export function formatDay(timestamp: string | null): string {
  if (!timestamp) return "–";
  const [y, m, d] = timestamp.slice(0, 10).split("-").map(Number);
  return new Date(Date.UTC(y!, m! - 1, d!)).toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
}

/** An instant (when a run, an import or a link was made) in UTC: `22 Nov 2026, 21:30 UTC`; null → `–`. */
export function formatMoment(iso: string | Date | null | undefined): string {
  if (!iso) return "–";
  return `${new Date(iso).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" })} UTC`;
}

// Segmentation screens (runs, segments): shares, decimals, compact amounts, durations.
/** A share from 0 to 1 as a percentage: 0.1234 → `12.3%`. */
export const formatShare = (share: number | null | undefined, digits = 1) =>
  share === null || share === undefined || !Number.isFinite(share) ? "–" : `${(share * 100).toFixed(digits)}%`;
/** A segment's lift against the base (a ratio): 1.234 → `×1.23`. */
export const formatLift = (lift: number | null) => (lift === null ? "–" : `×${lift.toFixed(2)}`);
/** A number with a fixed number of decimals, grouped: 1234.5 → `1,234.5`. */
export const formatDecimal = (value: number | null | undefined, digits = 1) =>
  value === null || value === undefined || !Number.isFinite(value) ? "–" : new Intl.NumberFormat("en-GB", { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
/** Short form of a large amount: 1234567 → `1.2M`. */
export const formatCompact = (value: number) => new Intl.NumberFormat("en-GB", { notation: "compact", maximumFractionDigits: 1 }).format(value);
/** Milliseconds for people: 840 → `0.8 s`, 75000 → `1 min 15 s`. */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

// Dataset overview: periods of time series.
/** First day of a month → `Dec 2011`. */
export function formatMonth(day: string): string {
  const [y, m] = day.slice(0, 10).split("-").map(Number);
  return new Date(Date.UTC(y!, m! - 1, 1)).toLocaleDateString("en-GB", { month: "short", year: "numeric", timeZone: "UTC" });
}
