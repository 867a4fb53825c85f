-- Ages of the customers on file for one dataset (the customers file, table customers): a histogram in
-- 5-year bins, from the bin of the 1st percentile to the bin of the 99th; ages outside fall in an open
-- first or last bin (lower or upper is null), and customers without an age in a last row with bin null.
-- Each bin is [lower, upper): customers and their share of all customers on file. Empty when the dataset
-- has no customers file.
--
-- Run it yourself:  psql "$DATABASE_URL" -v dataset_id=2 -f lib/queries/sql/age-distribution.sql
with people as (
  select age from customers where dataset_id = :dataset_id
),
stats as (
  select percentile_cont(0.01) within group (order by age) as p01,
         percentile_cont(0.99) within group (order by age) as p99,
         count(*) as n
  from people
),
thresholds as (                          -- 5-year edges around the 1st to 99th percentiles
  select array_agg(g::numeric order by g) as t
  from stats s, generate_series(floor(s.p01 / 5)::int * 5, (floor(s.p99 / 5)::int + 1) * 5, 5) g
),
counted as (                             -- width_bucket: 0 below the first edge, cardinality(t) from the last; null age, null
  select width_bucket(p.age, th.t) as bucket, count(*) as customers
  from people p, thresholds th
  group by 1
),
bins as (
  select b as bin,
         case when b > 0 then th.t[b] end                     as lower,
         case when b < cardinality(th.t) then th.t[b + 1] end as upper
  from thresholds th, generate_series(0, cardinality(th.t)) b
  union all
  select null, null, null                                    -- no age given
)
select b.bin,
       b.lower,
       b.upper,
       coalesce(c.customers, 0)                              as customers,
       round(coalesce(c.customers, 0)::numeric / s.n, 4)     as customer_share
from bins b
cross join stats s
left join counted c on c.bucket is not distinct from b.bin
where s.n > 0 and ((b.bin between 1 and (select cardinality(t) - 1 from thresholds)) or c.customers > 0)
order by b.bin nulls last;
