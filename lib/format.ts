/** Number and date formatting for people: one place, so every screen agrees. */
const integer = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 0 });
const money = new Intl.NumberFormat("en-GB", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export const formatInteger = (n: number) => integer.format(n);
export const formatMoney = (value: string | number) => money.format(Number(value));

/** `2024-12-20 19:59:00` → `20 Dec 2024`. Dates stay in the shop's local time. */
export function formatDay(timestamp: string | null): string {
  if (!timestamp) return "–";
  const [y, m, d] = timestamp.slice(0, 10).split("-").map(Number);
  return new Date(Date.UTC(y!, m! - 1, d!)).toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
}
