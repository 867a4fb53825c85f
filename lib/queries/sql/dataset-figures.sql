-- Headline figures of one dataset, over every line as loaded (no cleaning rule applied), and the customers and
-- revenue left after the default cleaning (excluded & 63 = 0: no guests, cancellations, adjustments, non-product
-- codes, free items or duplicates), which is what a segmentation run at the defaults counts.
-- It reads invoice_totals, the dataset's lines summed per invoice (and cleaning bits), and counts the
-- customers of its customers file (a dataset may hold a customers file alone: then every other figure is 0).
-- The customers file's count is added to the figures after they are summed (on a Citus cluster a subquery
-- beside the aggregates of a distributed table cannot be pushed down; README, "Running on Citus").
-- Run it yourself:  psql "$DATABASE_URL" -v dataset_id=1 -f lib/queries/sql/dataset-figures.sql
with figures as (
select
  coalesce(sum(lines), 0)                   as lines,             -- invoice lines
  count(distinct invoice_no)                as invoices,          -- includes cancellations (C...)
  count(distinct customer_id)               as customers,         -- distinct customer ids present
  coalesce(sum(value), 0)                   as revenue,           -- line values (line total, else quantity x unit price), all lines
  min(invoice_date)                         as first_invoice_at,
  max(invoice_date)                         as last_invoice_at,
  count(distinct country)                   as countries,
  count(distinct customer_id) filter (where excluded & 63 = 0)   as customers_kept,  -- after the default cleaning
  coalesce(sum(value) filter (where excluded & 63 = 0), 0)       as revenue_kept     -- after the default cleaning
from invoice_totals
where dataset_id = :dataset_id
)
select f.*,
       (select count(*) from customers c where c.dataset_id = :dataset_id) as customers_on_file  -- rows of its customers file(s)
from figures f;
