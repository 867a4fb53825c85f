-- Orders, customers and revenue of one dataset per country of the invoice: the 15 countries with the most
-- revenue, then one "Other" row for all the rest (`countries` says how many it holds). Shares are of the
-- dataset's total. Default cleaning: only lines under no cleaning rule count (excluded & 63 = 0).
-- It reads invoice_totals, the dataset's lines summed per invoice and cleaning bits. Invoice numbers are
-- counted in byte order (collate "C"), faster than the locale's rules; customers by customer_key (their id on
-- these rows: no guests), which a Citus cluster distributes the invoice sums on.
--
-- Run it yourself:  psql "$DATABASE_URL" -v dataset_id=1 -f lib/queries/sql/country-totals.sql
with kept as not materialized (          -- read where used: on a Citus cluster each aggregate then runs on the workers
  select invoice_no, customer_key, coalesce(nullif(trim(country), ''), 'Unspecified') as country, value
  from invoice_totals
  where dataset_id = :dataset_id and excluded & 63 = 0
),
ranked as (                              -- countries by revenue; from the 16th on they are "Other"
  select country, least(row_number() over (order by sum(value) desc, country), 16) as rank
  from kept
  group by country
),
grouped as (
  select r.rank,
         case when r.rank < 16 then r.country else 'Other' end as country,
         count(distinct r.country)                               as countries,
         count(distinct k.invoice_no collate "C")                            as orders,
         count(distinct k.customer_key)                          as customers,
         sum(k.value)                                            as revenue
  from kept k
  join ranked r using (country)
  group by 1, 2
),
totals as (
  select count(distinct invoice_no collate "C") as orders, sum(value) as revenue from kept
)
select g.rank,
       g.country,
       g.countries,
       g.orders,
       g.customers,
       round(g.revenue, 2)                                  as revenue,
       round(g.orders::numeric / nullif(t.orders, 0), 4)    as order_share,
       round(g.revenue / nullif(t.revenue, 0), 4)           as revenue_share
from grouped g
cross join totals t
order by g.rank;
