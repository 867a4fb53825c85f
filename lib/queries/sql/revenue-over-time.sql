-- Revenue, orders and customers of one dataset per period: per calendar month (grain=month) or per
-- week (grain=week: Monday to Sunday, named by its Monday), every period from the first to the last
-- invoice (periods without orders give 0). Default cleaning: only lines under no cleaning rule count
-- (excluded & 63 = 0: no guests, cancellations, adjustments, non-product codes, free items or duplicates).
-- `partial` marks a period the data covers only in part (the first and last periods often are);
-- covered_from and covered_to are its days inside the data's span.
-- It reads invoice_totals, the dataset's lines summed per invoice and cleaning bits. Invoice numbers are
-- counted in byte order (collate "C"), faster than the locale's rules; customers by customer_key (their id on
-- these rows: no guests), which a Citus cluster distributes the invoice sums on, so each worker counts its own.
--
-- Run it yourself:  psql "$DATABASE_URL" -v dataset_id=1 -v grain=month -f lib/queries/sql/revenue-over-time.sql
with kept as not materialized (          -- read where used: on a Citus cluster each aggregate then runs on the workers
  select invoice_no, customer_key, invoice_date, value
  from invoice_totals
  where dataset_id = :dataset_id and excluded & 63 = 0
),
span as (
  select min(invoice_date) as first_at, max(invoice_date) as last_at from kept
),
periods as (
  select p::date as period, (p + ('1 ' || :'grain')::interval)::date as period_end
  from span, generate_series(date_trunc(:'grain', first_at), last_at, ('1 ' || :'grain')::interval) p
),
per_period as (
  select date_trunc(:'grain', invoice_date)::date as period,
         count(distinct invoice_no collate "C")              as orders,
         count(distinct customer_key)            as customers,
         sum(value)                              as revenue,
         min(invoice_date)::date                 as first_day,
         max(invoice_date)::date                 as last_day
  from kept
  group by 1
)
select to_char(p.period, 'YYYY-MM-DD')                                   as period,
       coalesce(m.orders, 0)                                             as orders,
       coalesce(m.customers, 0)                                          as customers,
       round(coalesce(m.revenue, 0), 2)                                  as revenue,
       round(coalesce(m.revenue, 0) / nullif(m.orders, 0), 2)            as average_order_value,
       (s.first_at::date > p.period or s.last_at::date < p.period_end - 1) as partial,
       to_char(greatest(p.period, s.first_at::date), 'YYYY-MM-DD')        as covered_from,
       to_char(least(p.period_end - 1, s.last_at::date), 'YYYY-MM-DD')    as covered_to
from periods p
cross join span s
left join per_period m using (period)
order by p.period;
