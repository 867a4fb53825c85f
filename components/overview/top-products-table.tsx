import { formatInteger, formatMoney, formatShare } from "@/lib/format";
import type { TopProductRow } from "@/lib/queries/top-products";

/** The products with the most revenue, as a table; the revenue cell carries a bar scaled to the first product. */
export function TopProductsTable({ products, currency = null }: { products: TopProductRow[]; /** ISO 4217, or null. */ currency?: string | null }) {
  const top = products[0]?.revenue ?? 0;
  return (
    <div className="table-scroll">
      <table className="table top-products" data-testid="top-products">
        <caption className="visually-hidden">Top {products.length} products by revenue</caption>
        <thead>
          <tr>
            <th scope="col" className="num">
              #
            </th>
            <th scope="col">Stock code</th>
            <th scope="col">Description</th>
            <th scope="col" className="num">
              Units
            </th>
            <th scope="col" className="num">
              Orders
            </th>
            <th scope="col" className="num">
              Customers
            </th>
            <th scope="col" className="num">
              Revenue
            </th>
            <th scope="col" className="num">
              Share
            </th>
          </tr>
        </thead>
        <tbody>
          {products.map((p) => (
            <tr key={p.stockCode} data-stock-code={p.stockCode}>
              <td className="num muted">{p.rank}</td>
              <td>
                <code>{p.stockCode}</code>
              </td>
              <th scope="row" title={p.description}>
                <span className="product-name">{p.description || "–"}</span>
              </th>
              <td className="num" data-quantity={p.quantity}>
                {formatInteger(p.quantity)}
              </td>
              <td className="num">{formatInteger(p.orders)}</td>
              <td className="num" data-customers={p.customers}>
                {formatInteger(p.customers)}
              </td>
              <td className="num revenue-cell" data-revenue={p.revenue}>
                {formatMoney(p.revenue, currency)}
                <span className="share-bar" aria-hidden="true">
                  <span style={{ width: `${top > 0 ? Math.max(1, (100 * p.revenue) / top) : 0}%` }} />
                </span>
              </td>
              <td className="num muted">{formatShare(p.revenueShare)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
