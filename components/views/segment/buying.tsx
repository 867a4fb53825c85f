import { ChartCard } from "@/components/charts/chart-card";
import { ShareBars } from "@/components/segments/segment-charts";
import { ShowSql } from "@/components/show-sql";
import { formatInteger, formatMoney } from "@/lib/format";
import type { SegmentPage } from "@/lib/services/segment-page";
import { RankTable } from "./tables";

/** What and where the segment buys against the base: top products and countries (segment-top-products.sql, segment-countries.sql). */
export function SegmentBuying({ data, name }: { data: SegmentPage; name: string }) {
  const { run, currency } = data;
  return (
    <>
      <h2 className="seg-section">What and where they buy</h2>
      <div className="grid-2 seg-grid">
        <ChartCard
          id="segment-top-products"
          title="Top products"
          description="The segment’s ten best-selling products by revenue: their share of the segment’s product revenue (%) against their share for all customers. Lines no cleaning rule applies to, up to the run’s analysis date."
          sql={<ShowSql name="segment-top-products" id={run.id} />}
          empty={data.products.length === 0 ? <p>No product lines for these customers (all their lines fall under a cleaning rule).</p> : undefined}
        >
          <ShareBars
            id="products"
            data={data.products.map((p) => ({
              label: p.description ?? p.stockCode,
              share: p.share,
              baseShare: p.baseShare,
              lift: p.lift,
              details: [
                ["Stock code", p.stockCode],
                ["Revenue", formatMoney(p.revenue, currency)],
                ["Units", formatInteger(p.quantity)],
                ["Customers", formatInteger(p.customers)],
              ],
            }))}
            segmentName={name}
            measure="Share of revenue"
            maxLabel={22}
          />
          <RankTable
            currency={currency}
            testId="top-products-table"
            head="Product"
            rows={data.products.map((p) => ({
              key: p.stockCode,
              label: (
                <>
                  {p.description ?? "–"} <span className="muted small">{p.stockCode}</span>
                </>
              ),
              revenue: p.revenue,
              customers: p.customers,
              lift: p.lift,
              attributes: { "data-stock-code": p.stockCode },
            }))}
          />
        </ChartCard>
        <ChartCard
          id="segment-countries"
          title="Top countries"
          description="Countries of the segment’s invoices by revenue (top 10): their share of the segment’s revenue (%) against their share for all customers."
          sql={<ShowSql name="segment-countries" id={run.id} />}
          empty={data.countries.length === 0 ? <p>No invoices for these customers.</p> : undefined}
        >
          <ShareBars
            id="countries"
            data={data.countries.slice(0, 10).map((c) => ({
              label: c.country,
              share: c.share,
              baseShare: c.baseShare,
              lift: c.lift,
              details: [
                ["Revenue", formatMoney(c.revenue, currency)],
                ["Orders", formatInteger(c.orders)],
                ["Customers", formatInteger(c.customers)],
              ],
            }))}
            segmentName={name}
            measure="Share of revenue"
          />
          <RankTable
            currency={currency}
            testId="countries-table"
            head="Country"
            rows={data.countries.slice(0, 10).map((c) => ({ key: c.country, label: c.country, revenue: c.revenue, customers: c.customers, lift: c.lift, attributes: { "data-country": c.country } }))}
          />
          {data.countries.length > 10 && <p className="muted small">{data.countries.length - 10} more countries in the query’s answer.</p>}
        </ChartCard>
      </div>
    </>
  );
}
