import type { InsightGroup, ProfileRow } from "./insights";

/**
 * The Markdown report of a run: what was run, the insights, the segment
 * table, and the SQL behind every number (to paste into a deck or rerun in
 * psql). Pure: the caller passes the numbers and the query texts.
 */
export interface ReportInput {
  datasetName: string;
  run: { id: number; datasetId: number; method: string; params: Record<string, unknown>; customers: number; createdAt: string };
  profiles: readonly ProfileRow[];
  groups: readonly InsightGroup[];
  queries: readonly { name: string; text: string; parameter: string }[];
  /** The dataset's currency (ISO 4217), or null: the amount columns say it. */
  currency?: string | null;
}

const integer = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 0 });
const money = new Intl.NumberFormat("en-GB", { minimumFractionDigits: 2, maximumFractionDigits: 2 }); // the table's cells: the header says the currency
const pct = (x: number | null) => (x === null ? "–" : `${(x * 100).toFixed(1)}%`);
/**
 * Text from the data (a dataset's or a segment's name, a product, a column) as Markdown text, never markup:
 * HTML's < > & as entities (no tag, comment or autolink survives a renderer), the inline syntax
 * (\ ` * _ [ ] ~ |) escaped, and what a line may start with (# > + - = and "1.") when it starts the text.
 */
export function markdownText(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/[\\`*_[\]~|]/g, "\\$&")
    .replace(/[\r\n]+/g, " ")
    .replace(/^(\s*)([#+\-=])/, "$1\\$2")
    .replace(/^(\s*\d+)([.)])/, "$1\\$2");
}
const cell = markdownText;

export function buildReport({ datasetName, run, profiles, groups, queries, currency = null }: ReportInput): string {
  const lines: string[] = [];
  const method = run.method === "rfm" ? "RFM" : run.method === "kmeans" ? "k-means" : "hierarchical (Ward)";
  lines.push(`# ${cell(datasetName)}: ${method} segmentation (run ${run.id})`, "");
  lines.push(`- Customers: ${integer.format(run.customers)}`);
  lines.push(`- Analysis date: ${run.params.analysisDate ?? "the day after the last invoice"}`);
  if (run.params.chosenK !== undefined) lines.push(`- k: ${run.params.chosenK}${run.params.k === "auto" ? " (chosen automatically)" : ""}`);
  if (Array.isArray(run.params.features)) lines.push(`- Features: ${(run.params.features as string[]).map(String).map(cell).join(", ")}`);
  if (currency) lines.push(`- Currency: ${currency} (amounts in it, two decimals)`);
  lines.push(`- Run at: ${run.createdAt}`, "");

  lines.push("## Insights", "");
  // The queries behind the bullets, said once (each is printed under "The queries").
  const sources = [...new Set(groups.flatMap((g) => g.bullets.map((b) => `${b.query}.sql`)))];
  if (sources.length) lines.push(`_From ${sources.join(" and ")}._`, "");
  for (const group of groups) {
    lines.push(`### ${cell(group.title)}${group.action ? ` (action: ${group.action})` : ""}`, "");
    for (const b of group.bullets) lines.push(`- ${cell(b.text)}`);
    lines.push("");
  }

  lines.push("## Segments", "", "_From segment-profile.sql._", "");
  const inCurrency = (label: string) => (currency ? `${label} (${currency})` : label);
  lines.push(`| Segment | Customers | Share of customers | ${inCurrency("Revenue")} | Share of revenue | ${inCurrency("Average order")} | Mean recency (days) | Mean orders | Mean P(alive) | At-risk customers | ${inCurrency("At-risk revenue")} |`);
  lines.push("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const p of profiles) {
    lines.push(
      `| ${cell(p.name)} | ${integer.format(p.customers)} | ${pct(p.customerShare)} | ${money.format(p.revenue)} | ${pct(p.revenueShare)} | ${p.averageOrderValue === null ? "–" : money.format(p.averageOrderValue)} | ${p.recencyDays.toFixed(1)} | ${p.frequency.toFixed(2)} | ${p.pAlive === null ? "–" : p.pAlive.toFixed(3)} | ${integer.format(p.atRiskCustomers)} | ${money.format(p.atRiskRevenue)} |`,
    );
  }
  lines.push("");

  lines.push("## The queries", "", "Every number above comes from these files; rerun them in psql:", "");
  for (const q of queries) {
    lines.push(`### ${q.name}.sql`, "", "```sh", `psql "$DATABASE_URL" -v ${q.parameter}=${q.parameter === "run_id" ? run.id : run.datasetId} -f lib/queries/sql/${q.name}.sql`, "```", "", "```sql", q.text.trim(), "```", "");
  }
  return lines.join("\n");
}
