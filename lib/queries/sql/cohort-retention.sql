-- Monthly cohort retention of one dataset: customers grouped by the calendar month of their first order
-- (their cohort), and for each month since then (0 = the first month), how many of them ordered in that
-- month and their share of the cohort. Every cohort has a row for each month up to the dataset's last
-- month, including months nobody came back (0). cohort_size is the cohort's number of customers.
-- Default cleaning: only lines under no cleaning rule count (excluded & 63 = 0), so a customer's first
-- order is their first kept one.
-- It reads invoice_totals, the dataset's lines summed per invoice and cleaning bits.
--
-- Run it yourself:  psql "$DATABASE_URL" -v dataset_id=1 -f lib/queries/sql/cohort-retention.sql
with activity as (                       -- the months each customer ordered in
  select distinct customer_id, date_trunc('month', invoice_date)::date as month
  from invoice_totals
  where dataset_id = :dataset_id and excluded & 63 = 0 and customer_id is not null
),
firsts as (
  select customer_id, min(month) as cohort from activity group by customer_id
),
cohorts as (
  select cohort, count(*) as cohort_size from firsts group by cohort
),
last_month as (
  select max(month) as month from activity
),
active as (
  select f.cohort,
         ((extract(year from a.month) - extract(year from f.cohort)) * 12
           + extract(month from a.month) - extract(month from f.cohort))::int as months_since,
         count(*) as customers
  from activity a
  join firsts f using (customer_id)
  group by 1, 2
),
grid as (                                -- every cohort x every month since, up to the last month
  select c.cohort, c.cohort_size, g.months_since
  from cohorts c, last_month l,
       generate_series(0, ((extract(year from l.month) - extract(year from c.cohort)) * 12
                           + extract(month from l.month) - extract(month from c.cohort))::int) g(months_since)
)
select to_char(g.cohort, 'YYYY-MM-DD')                                     as cohort,
       g.cohort_size,
       g.months_since,
       coalesce(a.customers, 0)                                            as customers,
       round(coalesce(a.customers, 0)::numeric / g.cohort_size, 4)         as share
from grid g
left join active a on a.cohort = g.cohort and a.months_since = g.months_since
order by g.cohort, g.months_since;
