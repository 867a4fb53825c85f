-- One row per customer of a dataset: the inputs of every segmentation method.
-- It reads the dataset's invoice_totals (its lines summed per invoice and cleaning bits, which give
-- the same figures as the lines for any rules and analysis date), and customer_products for distinct
-- products at the defaults (the lines under no rule, summed per customer and product), else the lines.
-- At the defaults below, a dataset's preparation saves these rows in customer_summaries (with those of
-- repeat-summary.sql) once per load, and runs read them from there.
-- Customers are grouped by customer_key, which is their id on every row here (no guest rows: customer_id is
-- not null) and the column a Citus cluster distributes the lines and invoice sums on, with the per-customer
-- tables: there each customer's rows are on one worker and the whole query runs on the workers.
--
-- Defaults, which the app may change per run at the marked places:
--   /*analysis_date*/ the day after the dataset's last invoice; purchases after that day are left out;
--   /*rules*/ lines under any cleaning rule are left out (bits of transaction_lines.excluded:
--     1 no customer, 2 cancellation, 4 adjustment, 8 non-product code, 16 price <= 0, 32 exact duplicate).
--
-- Run it yourself:  psql "$DATABASE_URL" -v dataset_id=1 -f lib/queries/sql/customer-features.sql
with settings as (                       -- the analysis date, and whether the run keeps the defaults
  select coalesce(/*analysis_date*/null::date,
                  (select max(invoice_date)::date + 1 from invoice_totals where dataset_id = :dataset_id)) as analysis_date,
         /*analysis_date*/null::date is null and /*rules*/63 = 63 as defaults
),
customer_invoices as not materialized (  -- invoices of known customers up to the analysis date (read where used)
  select i.*
  from invoice_totals i cross join settings s
  where i.dataset_id = :dataset_id and i.customer_id is not null and i.invoice_date < s.analysis_date + 1
),
per_customer as (                        -- what the cleaning rules leave for the analysis
  select customer_key as customer_id,
         min(invoice_date)          as first_purchase,
         max(invoice_date)          as last_purchase,
         count(distinct invoice_no) as frequency,
         sum(value)                 as monetary
  from customer_invoices
  where excluded & /*rules*/63 = 0
  group by customer_key
),
products as (                            -- distinct products bought up to the analysis date, under the same rules, at
  -- the defaults: one row per product in customer_products (this runs only when its condition holds: PostgreSQL
  -- tests it once, before reading anything)
  select cp.customer_id, count(*) as products
  from customer_products cp
  where cp.dataset_id = :dataset_id and (select defaults from settings)
  group by cp.customer_id
),
line_products as (                       -- otherwise counted from the lines (this runs only when that one does not)
  select l.customer_key as customer_id, count(distinct l.stock_code) as products
  from transaction_lines l cross join settings s
  where not (select defaults from settings)
    and l.dataset_id = :dataset_id and l.customer_id is not null and l.stock_code is not null
    and l.invoice_date < s.analysis_date + 1 and l.excluded & /*rules*/63 = 0
  group by l.customer_key
),
returns as (                             -- value sent back (cancellations), whatever the rules, against value bought
  select customer_key as customer_id,
         sum(-negative_value) filter (where excluded & 2 <> 0) as returned,
         sum(positive_value)  filter (where excluded & 2 = 0)  as bought
  from customer_invoices
  group by customer_key
)
select c.customer_id,
       s.analysis_date - c.last_purchase::date                      as recency_days,
       c.frequency,
       c.monetary,
       round(c.monetary / c.frequency, 2)                           as average_order_value,
       s.analysis_date - c.first_purchase::date                     as tenure_days,
       coalesce(p.products, lp.products, 0)                         as products,
       round(coalesce(r.returned, 0) / nullif(r.bought, 0), 4)      as return_rate,
       cu.age,
       cu.gender,
       cu.country
from per_customer c
cross join settings s
left join products p on p.customer_id = c.customer_id
left join line_products lp on lp.customer_id = c.customer_id
left join returns r on r.customer_id = c.customer_id
left join customers cu on cu.dataset_id = :dataset_id and cu.external_id = c.customer_id
order by c.customer_id collate "C";
