-- How concentrated a segmentation run's revenue is: the share of revenue brought by the top 1%, 10%
-- and 20% of customers (ranked by their revenue in the run), and by the bottom half.
-- Each share is the revenue of the customers ranked 1..k by revenue (highest first; a customer without one
-- first, adding nothing), read at the rank k that ends each group: the sum of the k highest revenues.
-- It is found without ranking every customer (on a Citus cluster that ranking ran at the coordinator over every
-- member): the members are counted and summed per bucket of revenue (the revenue cut to its first three digits,
-- towards zero: buckets in the revenues' order), the cumulative counts of the buckets tell in which bucket each
-- rank k falls, and only those buckets' members are counted per revenue, to add the bucket's k - (customers
-- before it) highest. Both counts run on the workers on Citus (one row per group and shard, merged on the
-- coordinator); the coordinator ranks buckets and values, never customers.
--
-- Run it yourself:  psql "$DATABASE_URL" -v run_id=1 -f lib/queries/sql/revenue-concentration.sql
with buckets as materialized (           -- customers and revenue per bucket (null: customers without revenue)
  select trunc(monetary, 3 - length(trunc(abs(monetary))::text)) as bucket, count(*) as customers, sum(monetary) as revenue
  from segment_members
  where run_id = :run_id
  group by 1
),
total as (                               -- customers and revenue, and the ranks that end each group
  select sum(customers)::bigint as customers, sum(revenue) as revenue,
         ceil(sum(customers) * 0.01) as top_1, ceil(sum(customers) * 0.10) as top_10, ceil(sum(customers) * 0.20) as top_20,
         floor(sum(customers) * 0.50) as half
  from buckets
),
running as (                             -- each bucket's customers and revenue before it (highest first)
  select bucket,
         coalesce(sum(customers) over before, 0) as customers_before,
         coalesce(sum(customers) over before, 0) + customers as customers_through,
         coalesce(sum(revenue) over before, 0) as revenue_before
  from buckets
  window before as (order by bucket desc nulls first rows between unbounded preceding and 1 preceding)
),
ends as materialized (                   -- each group's last rank, the bucket it falls in and what comes before
  select e.name, e.rank, r.bucket, r.customers_before, r.revenue_before
  from total t
  cross join lateral (values ('top_1', t.top_1), ('top_10', t.top_10), ('top_20', t.top_20), ('half', t.half)) as e(name, rank)
  join running r on r.customers_before < e.rank and e.rank <= r.customers_through
),
values_ as (                             -- the customers per revenue in those buckets, highest first
  select bucket, monetary, customers,
         coalesce(sum(customers) over before, 0) as customers_before,
         coalesce(sum(monetary * customers) over before, 0) as revenue_before
  from (
    select trunc(monetary, 3 - length(trunc(abs(monetary))::text)) as bucket, monetary, count(*) as customers
    from segment_members
    where run_id = :run_id
      and trunc(monetary, 3 - length(trunc(abs(monetary))::text)) in (select bucket from ends)
    group by 1, 2
  ) v
  window before as (partition by bucket order by monetary desc rows between unbounded preceding and 1 preceding)
),
at_ranks as (                            -- revenue of the customers ranked 1..rank (null while none had any)
  select max(e.revenue_before + v.revenue_before + (e.rank - e.customers_before - v.customers_before) * v.monetary)
           filter (where e.name = 'top_1') as top_1,
         max(e.revenue_before + v.revenue_before + (e.rank - e.customers_before - v.customers_before) * v.monetary)
           filter (where e.name = 'top_10') as top_10,
         max(e.revenue_before + v.revenue_before + (e.rank - e.customers_before - v.customers_before) * v.monetary)
           filter (where e.name = 'top_20') as top_20,
         max(e.revenue_before + v.revenue_before + (e.rank - e.customers_before - v.customers_before) * v.monetary)
           filter (where e.name = 'half') as first_half
  from ends e
  join values_ v on v.bucket = e.bucket
                and v.customers_before < e.rank - e.customers_before and e.rank - e.customers_before <= v.customers_before + v.customers
)
select t.customers,
       round(a.top_1 / nullif(t.revenue, 0), 4)                              as top_1_percent_share,
       round(a.top_10 / nullif(t.revenue, 0), 4)                             as top_10_percent_share,
       round(a.top_20 / nullif(t.revenue, 0), 4)                             as top_20_percent_share,
       round((t.revenue - coalesce(a.first_half, 0)) / nullif(t.revenue, 0), 4) as bottom_half_share
from total t cross join at_ranks a
where t.customers > 0;
