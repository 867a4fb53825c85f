-- Customers on file for one dataset (the customers file, table customers) by gender as written in the file
-- (empty or missing: "Unknown"): customers and their share, how many bought, the revenue they brought and
-- its share, and the average spend per buyer. Revenue uses the default cleaning: only lines under no
-- cleaning rule count (excluded & 63 = 0). Empty when the dataset has no customers file.
-- It reads customers, and invoice_totals (the dataset's lines summed per invoice and cleaning bits).
--
-- Run it yourself:  psql "$DATABASE_URL" -v dataset_id=2 -f lib/queries/sql/gender-split.sql
with spend as (
  select customer_id, sum(value) as spend
  from invoice_totals
  where dataset_id = :dataset_id and excluded & 63 = 0 and customer_id is not null
  group by customer_id
),
people as (
  select coalesce(nullif(trim(c.gender), ''), 'Unknown') as gender, s.spend
  from customers c
  left join spend s on s.customer_id = c.external_id
  where c.dataset_id = :dataset_id
),
per_gender as (
  select gender, count(*) as customers, count(spend) as buyers, coalesce(sum(spend), 0) as revenue
  from people
  group by gender
)
select g.gender,
       g.customers,
       round(g.customers::numeric / sum(g.customers) over (), 4)         as customer_share,
       g.buyers,
       round(g.revenue, 2)                                               as revenue,
       round(g.revenue / nullif(sum(g.revenue) over (), 0), 4)           as revenue_share,
       round(g.revenue / nullif(g.buyers, 0), 2)                         as spend_per_buyer
from per_gender g
order by g.gender = 'Unknown', g.customers desc, g.gender;
