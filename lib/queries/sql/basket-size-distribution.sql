-- How big baskets are in one dataset: a histogram of the line items per order (each line is one product at
-- one quantity), with whole-number bins that widen along the tail (edges 1, 2, 3, 4, 6, 10, 15, 25, 40, 60,
-- 100, ...: 1, 1.5, 2.5, 4, 6 times a power of ten, rounded up), so the long tail does not squash the bulk.
-- The bins run from 1 up to the edge above the 99th percentile; bigger orders fall in an open last bin (upper is
-- null). Each bin is [lower, upper): orders, their share of all orders, the units (sum of quantities) and
-- the value of those orders, and the value's share of revenue.
-- Default cleaning: only lines under no cleaning rule count (excluded & 63 = 0).
-- It reads invoice_totals, the dataset's lines summed per invoice and cleaning bits.
--
-- Run it yourself:  psql "$DATABASE_URL" -v dataset_id=1 -f lib/queries/sql/basket-size-distribution.sql
with orders as (
  select invoice_no, sum(lines) as v, sum(quantity) as units, sum(value) as value
  from invoice_totals
  where dataset_id = :dataset_id and excluded & 63 = 0
  group by invoice_no
),
stats as (
  select percentile_cont(0.99) within group (order by v) as p99,
         count(*) as n, sum(value) as total
  from orders
),
nice as (                                -- 1, 2, 3, 4, 6, 10, 15, 25, 40, 60, 100, ...
  select distinct ceil(m * 10::numeric ^ k) as edge
  from unnest(array[1, 1.5, 2.5, 4, 6]::numeric[]) m, generate_series(0, 9) k
),
bounds as (
  select 1 as lo, (select min(edge) from nice where edge > s.p99) as hi
  from stats s
),
thresholds as (
  select array_agg(edge order by edge) as t
  from nice, bounds
  where edge between lo and hi
),
counted as (                             -- width_bucket: 0 below the first edge, cardinality(t) from the last
  select width_bucket(o.v, th.t) as bucket, count(*) as orders, sum(o.units) as units, sum(o.value) as value
  from orders o, thresholds th
  group by 1
)
select b                                                     as bin,
       case when b > 0 then th.t[b] end                      as lower,
       case when b < cardinality(th.t) then th.t[b + 1] end  as upper,
       coalesce(c.orders, 0)                                 as orders,
       round(coalesce(c.orders, 0)::numeric / s.n, 4)        as order_share,
       coalesce(c.units, 0)                                  as units,
       round(coalesce(c.value, 0), 2)                        as value,
       round(coalesce(c.value, 0) / nullif(s.total, 0), 4)  as value_share
from thresholds th
cross join stats s
cross join generate_series(0, cardinality(th.t)) b
left join counted c on c.bucket = b
where (b between 1 and cardinality(th.t) - 1) or c.orders > 0
order by b;
