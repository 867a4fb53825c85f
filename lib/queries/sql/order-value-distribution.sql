-- How order values of one dataset are spread: a histogram of the value of each order (sum of its line values:
-- each line's total when the file gives one, else quantity x unit price), with bins that grow by steps of about 1.6 (edges 1, 1.5, 2.5, 4, 6 times a power of
-- ten, evenly spaced on a log scale), so the long tail does not squash the bulk. The bins run from the edge below the 1st percentile to
-- the edge above the 99th; orders outside them fall in an open first or last bin (lower or upper is null).
-- Each bin is [lower, upper): orders, their share of all orders, their value and its share of revenue.
-- Default cleaning: only lines under no cleaning rule count (excluded & 63 = 0).
-- It reads invoice_totals, the dataset's lines summed per invoice and cleaning bits.
--
-- Run it yourself:  psql "$DATABASE_URL" -v dataset_id=1 -f lib/queries/sql/order-value-distribution.sql
with orders as (
  select invoice_no, sum(value) as v
  from invoice_totals
  where dataset_id = :dataset_id and excluded & 63 = 0
  group by invoice_no
),
stats as (
  select percentile_cont(0.01) within group (order by v) as p01,
         percentile_cont(0.99) within group (order by v) as p99,
         count(*) as n, sum(v) as total
  from orders
),
nice as (                                -- 1, 1.5, 2.5, 4, 6 x 10^k
  select trim_scale(m * 10::numeric ^ k) as edge
  from unnest(array[1, 1.5, 2.5, 4, 6]::numeric[]) m, generate_series(-2, 9) k
),
bounds as (
  select coalesce((select max(edge) from nice where edge <= s.p01), (select min(edge) from nice)) as lo,
         (select min(edge) from nice where edge > s.p99)                                           as hi
  from stats s
),
thresholds as (
  select array_agg(edge order by edge) as t
  from nice, bounds
  where edge between lo and hi
),
counted as (                             -- width_bucket: 0 below the first edge, cardinality(t) from the last
  select width_bucket(o.v, th.t) as bucket, count(*) as orders, sum(o.v) as value
  from orders o, thresholds th
  group by 1
)
select b                                                     as bin,
       case when b > 0 then th.t[b] end                      as lower,
       case when b < cardinality(th.t) then th.t[b + 1] end  as upper,
       coalesce(c.orders, 0)                                 as orders,
       round(coalesce(c.orders, 0)::numeric / s.n, 4)        as order_share,
       round(coalesce(c.value, 0), 2)                        as value,
       round(coalesce(c.value, 0) / nullif(s.total, 0), 4)  as value_share
from thresholds th
cross join stats s
cross join generate_series(0, cardinality(th.t)) b
left join counted c on c.bucket = b
where (b between 1 and cardinality(th.t) - 1) or c.orders > 0
order by b;
