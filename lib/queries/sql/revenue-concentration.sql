-- How concentrated a segmentation run's revenue is: the share of revenue brought by the top 1%, 10%
-- and 20% of customers (ranked by their revenue in the run), and by the bottom half.
-- The shares come from the running revenue of the customers ranked by revenue, read at the ranks that end
-- each group (one sum per customer: four filtered sums per customer took twice as long at a million).
--
-- Run it yourself:  psql "$DATABASE_URL" -v run_id=1 -f lib/queries/sql/revenue-concentration.sql
with total as (                          -- customers and revenue, and the ranks that end each group
  select count(*) as customers, sum(monetary) as revenue,
         ceil(count(*) * 0.01) as top_1, ceil(count(*) * 0.10) as top_10, ceil(count(*) * 0.20) as top_20,
         floor(count(*) * 0.50) as half
  from segment_members
  where run_id = :run_id
),
running as (                             -- revenue of the customers ranked 1..rank (by their revenue)
  select row_number() over w as rank, sum(monetary) over w as revenue
  from segment_members
  where run_id = :run_id
  window w as (order by monetary desc rows unbounded preceding)
),
at_ranks as (
  select max(r.revenue) filter (where r.rank = t.top_1) as top_1,
         max(r.revenue) filter (where r.rank = t.top_10) as top_10,
         max(r.revenue) filter (where r.rank = t.top_20) as top_20,
         max(r.revenue) filter (where r.rank = t.half) as first_half
  from running r cross join total t
)
select t.customers,
       round(a.top_1 / nullif(t.revenue, 0), 4)                              as top_1_percent_share,
       round(a.top_10 / nullif(t.revenue, 0), 4)                             as top_10_percent_share,
       round(a.top_20 / nullif(t.revenue, 0), 4)                             as top_20_percent_share,
       round((t.revenue - coalesce(a.first_half, 0)) / nullif(t.revenue, 0), 4) as bottom_half_share
from total t cross join at_ranks a
where t.customers > 0;
