-- The 20 products of one dataset with the most revenue: stock code, its most used description, units sold,
-- revenue, orders and customers, and the product's share of all product revenue. Default cleaning: only
-- lines under no cleaning rule count (excluded & 63 = 0), so postage, fees, cancellations and free items
-- are not products here.
-- It reads customer_products (those lines summed per customer and product) for the revenue, units and
-- customers of every product, then the lines of the top 20 only for their orders and descriptions.
-- Codes and ids are compared in byte order (collate "C").
--
-- Run it yourself:  psql "$DATABASE_URL" -v dataset_id=1 -f lib/queries/sql/top-products.sql
with kept as not materialized (
  select stock_code collate "C" as stock_code, description, invoice_no
  from transaction_lines
  where dataset_id = :dataset_id and excluded & 63 = 0 and stock_code is not null
),
per_product as (
  select stock_code collate "C" as stock_code, sum(quantity) as quantity, sum(revenue) as revenue, count(*) as customers
  from customer_products
  where dataset_id = :dataset_id
  group by 1
),
top as (
  select *, row_number() over (order by revenue desc, stock_code) as rank
  from (select *, sum(revenue) over () as all_revenue from per_product) p
  order by revenue desc, stock_code
  limit 20
),
top_lines as materialized (              -- the lines of the top products only, counted per description and invoice
  -- (on a Citus cluster each worker counts its own, and the coordinator adds up these counts, not the lines)
  select k.stock_code, k.description, k.invoice_no, count(*) as n
  from kept k
  where k.stock_code in (select stock_code from top)
  group by 1, 2, 3
),
counts as (
  select stock_code, count(distinct invoice_no collate "C") as orders
  from top_lines
  group by stock_code
),
descriptions as (                        -- each top product's most used description
  select distinct on (stock_code) stock_code, description
  from (select stock_code, description, sum(n) as n
        from top_lines
        where description is not null
        group by 1, 2) d
  order by stock_code, n desc, description
)
select t.rank,
       t.stock_code,
       coalesce(d.description, '')                    as description,
       t.quantity,
       round(t.revenue, 2)                            as revenue,
       c.orders,
       t.customers,
       round(t.revenue / nullif(t.all_revenue, 0), 4) as revenue_share
from top t
join counts c using (stock_code)
left join descriptions d using (stock_code)
order by t.rank;
