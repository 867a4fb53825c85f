-- How concentrated a segmentation run's revenue is: the share of revenue brought by the top 1%, 10%
-- and 20% of customers (ranked by their revenue in the run), and by the bottom half.
--
-- Run it yourself:  psql "$DATABASE_URL" -v run_id=1 -f lib/queries/sql/revenue-concentration.sql
with ranked as (
  select monetary,
         row_number() over (order by monetary desc, customer_id) as rank,
         count(*) over ()                                        as customers
  from segment_members
  where run_id = :run_id
),
total as (select sum(monetary) as revenue from ranked)
select max(r.customers)                                                                              as customers,
       round(sum(r.monetary) filter (where r.rank <= ceil(r.customers * 0.01)) / nullif(t.revenue, 0), 4) as top_1_percent_share,
       round(sum(r.monetary) filter (where r.rank <= ceil(r.customers * 0.10)) / nullif(t.revenue, 0), 4) as top_10_percent_share,
       round(sum(r.monetary) filter (where r.rank <= ceil(r.customers * 0.20)) / nullif(t.revenue, 0), 4) as top_20_percent_share,
       round(coalesce(sum(r.monetary) filter (where r.rank > floor(r.customers * 0.50)), 0) / nullif(t.revenue, 0), 4) as bottom_half_share
from ranked r cross join total t
group by t.revenue;
