-- The 20 products of one dataset with the most revenue: stock code, its most used description, units sold,
-- revenue, orders and customers, and the product's share of all product revenue. Default cleaning: only
-- lines under no cleaning rule count (excluded & 63 = 0), so postage, fees, cancellations and free items
-- are not products here.
-- It reads transaction_lines (the product grain is not in invoice_totals): first the revenue of every
-- product (a hash aggregate), then orders, customers and descriptions of the top 20 only, which keeps it
-- fast on 400,000 lines. Codes and ids are compared in byte order (collate "C").
--
-- Run it yourself:  psql "$DATABASE_URL" -v dataset_id=1 -f lib/queries/sql/top-products.sql
with kept as not materialized (
  select stock_code collate "C" as stock_code, description, invoice_no, customer_id, quantity, quantity * unit_price as value
  from transaction_lines
  where dataset_id = :dataset_id and excluded & 63 = 0 and stock_code is not null
),
per_product as (
  select stock_code, sum(quantity) as quantity, sum(value) as revenue
  from kept
  group by stock_code
),
top as (
  select *, row_number() over (order by revenue desc, stock_code) as rank
  from (select *, sum(revenue) over () as all_revenue from per_product) p
  order by revenue desc, stock_code
  limit 20
),
top_lines as materialized (              -- the lines of the top products only
  select k.stock_code, k.description, k.invoice_no, k.customer_id
  from kept k
  where k.stock_code in (select stock_code from top)
),
counts as (
  select stock_code,
         count(distinct invoice_no collate "C")  as orders,
         count(distinct customer_id collate "C") as customers
  from top_lines
  group by stock_code
),
descriptions as (                        -- each top product's most used description
  select distinct on (stock_code) stock_code, description
  from (select stock_code, description, count(*) as n
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
       c.customers,
       round(t.revenue / nullif(t.all_revenue, 0), 4) as revenue_share
from top t
join counts c using (stock_code)
left join descriptions d using (stock_code)
order by t.rank;
