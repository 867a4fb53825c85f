-- Segments over time: where the customers of one segmentation run (from_run, the earlier analysis date) are in
-- another run of the same dataset (to_run, the later one), one row per pair of segments they moved between,
-- with how many customers and what they spent. Customers are matched by id; a customer of the later run
-- missing from the earlier one (no purchase yet by its date) has from_segment 'New' (from_no null); one of the
-- earlier run missing from the later one has to_segment 'Gone' (to_no null: not expected with the same
-- cleaning rules, since purchases only add up).
--   revenue         their revenue up to the later run's analysis date, as that run stored it (monetary);
--                   null for 'Gone'
--   revenue_before  their revenue up to the earlier run's date (null for 'New')
--   revenue_since   revenue minus revenue_before: what they spent between the two dates (both runs with the
--                   same cleaning rules); null for 'Gone'
--   bought_again    customers with more orders in the later run than in the earlier one (every 'New' buyer)
-- The two runs' members are joined in the database (a million each never leave it). Both runs should be of
-- the same dataset; the app checks it.
--
-- Run it yourself:  psql "$DATABASE_URL" -v from_run=1 -v to_run=2 -f lib/queries/sql/segment-migration.sql
with earlier as (
  select customer_id, segment_no, frequency, monetary from segment_members where run_id = :from_run
),
later as (
  select customer_id, segment_no, frequency, monetary from segment_members where run_id = :to_run
),
moves as (                                 -- every customer of either run, with both places (null: absent)
  select e.segment_no as from_no, l.segment_no as to_no,
         e.frequency as orders_before, e.monetary as revenue_before,
         l.frequency as orders_after,  l.monetary as revenue_after
  from earlier e
  full join later l using (customer_id)
)
select m.from_no,
       coalesce(fs.name, 'New')                                                    as from_segment,
       m.to_no,
       coalesce(ts.name, 'Gone')                                                   as to_segment,
       count(*)                                                                    as customers,
       sum(m.revenue_after)                                                        as revenue,
       sum(m.revenue_before)                                                       as revenue_before,
       sum(m.revenue_after - coalesce(m.revenue_before, 0))                        as revenue_since,
       count(*) filter (where m.orders_after > coalesce(m.orders_before, 0))      as bought_again
from moves m
left join segments fs on fs.run_id = :from_run and fs.segment_no = m.from_no
left join segments ts on ts.run_id = :to_run and ts.segment_no = m.to_no
group by m.from_no, fs.name, m.to_no, ts.name
order by m.from_no nulls last, m.to_no nulls last;
