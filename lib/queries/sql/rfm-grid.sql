-- The RFM grid of one RFM segmentation run: one row per recency score × frequency score (every
-- combination of the run's bins, empty cells included), with the customers in the cell, their share
-- of the run's customers, their revenue, their mean spend (monetary: revenue per customer, in the
-- dataset's currency), their mean recency (days) and the segment most of them are in.
-- It reads segment_members, the customers' scores and features as the run saved them (the run's own
-- analysis date and cleaning rules; by default every cleaning rule applies, excluded & 63 = 0).
--
-- Run it yourself:  psql "$DATABASE_URL" -v run_id=1 -f lib/queries/sql/rfm-grid.sql
with run as (
  select id,
         customers,
         jsonb_array_length(metrics -> 'bins' -> 'recency')   as recency_bins,
         jsonb_array_length(metrics -> 'bins' -> 'frequency') as frequency_bins
  from segmentation_runs
  where id = :run_id and method = 'rfm'
),
cells as (
  select recency_score, frequency_score,
         count(*)           as customers,
         sum(monetary)      as revenue,
         avg(monetary)      as mean_monetary,
         avg(recency_days)  as mean_recency_days
  from segment_members
  where run_id = :run_id
  group by recency_score, frequency_score
),
top_segment as (                          -- the segment with the most customers in each cell
  select distinct on (m.recency_score, m.frequency_score)
         m.recency_score, m.frequency_score, s.name, count(*) as customers
  from segment_members m
  join segments s on s.run_id = m.run_id and s.segment_no = m.segment_no
  where m.run_id = :run_id
  group by m.recency_score, m.frequency_score, s.segment_no, s.name
  order by m.recency_score, m.frequency_score, count(*) desc, s.segment_no
)
select r.score                                              as recency_score,
       f.score                                              as frequency_score,
       coalesce(c.customers, 0)                             as customers,
       round(coalesce(c.customers, 0)::numeric / nullif(run.customers, 0), 4) as customer_share,
       coalesce(c.revenue, 0)                               as revenue,
       round(c.mean_monetary, 2)                            as mean_monetary,
       round(c.mean_recency_days, 1)                        as mean_recency_days,
       t.name                                               as top_segment,
       t.customers                                          as top_segment_customers
from run
cross join generate_series(1, run.recency_bins) as r(score)
cross join generate_series(1, run.frequency_bins) as f(score)
left join cells c on c.recency_score = r.score and c.frequency_score = f.score
left join top_segment t on t.recency_score = r.score and t.frequency_score = f.score
order by recency_score desc, frequency_score;
