-- Demographics of each segment of a segmentation run against the whole base, from the dataset's customers
-- file: for each dimension (age band, gender, country, channel — the file's `channel` or `preferred_channel`
-- column, kept in customers.attributes) and each of its values, the segment's customers with that value,
-- their share of the segment, the same share over all customers of the run (the base), and the lift
-- (segment share / base share; above 1 the value is over-represented in the segment).
-- Customers of the run missing from the customers file, or without a value, count as 'Unknown'.
-- Rows with segment_no null are the base; every segment with customers gets every value the base has
-- (share 0 when none of its customers has it). No rows at all when the dataset has no customers file.
--
-- On a Citus cluster the customers are counted where the members are: each member joined with its row of the
-- customers file (a reference table) and counted per segment, dimension and value on the workers (one row per
-- group and shard, merged on the coordinator); the base's counts and the segments' sizes are sums of those (every
-- member is in one segment and has one value per dimension), not GROUPING SETS, which Citus does not run over
-- distributed tables (the members were kept whole at the coordinator for it).
--
-- Run it yourself:  psql "$DATABASE_URL" -v run_id=2 -f lib/queries/sql/segment-demographics.sql
with counts as (                         -- customers per segment, dimension and value
  select m.segment_no, d.dimension, d.value, min(d.band_order) as band_order, count(*) as customers
  from segment_members m
  left join customers c                  -- their customers-file row if any
    on c.dataset_id = (select dataset_id from segmentation_runs where id = :run_id) and c.external_id = m.customer_id
  cross join lateral (values              -- one row per customer and dimension
    ('age_band',
     case when c.age is null then 'Unknown' when c.age < 25 then 'Under 25' when c.age < 35 then '25–34'
          when c.age < 45 then '35–44' when c.age < 55 then '45–54' when c.age < 65 then '55–64' else '65 and over' end,
     case when c.age is null then 99 when c.age < 25 then 1 when c.age < 35 then 2 when c.age < 45 then 3
          when c.age < 55 then 4 when c.age < 65 then 5 else 6 end),
    ('gender',  coalesce(nullif(btrim(c.gender), ''), 'Unknown'), null),
    ('country', coalesce(nullif(btrim(c.country), ''), 'Unknown'), null),
    ('channel', coalesce(nullif(btrim(coalesce(c.attributes ->> 'channel', c.attributes ->> 'preferred_channel')), ''), 'Unknown'), null)
  ) as d(dimension, value, band_order)
  where m.run_id = :run_id
    and exists (select 1 from customers f where f.dataset_id = (select dataset_id from segmentation_runs where id = :run_id))
  group by m.segment_no, d.dimension, d.value
),
base as (                                -- the base's customers per value: the sums of its segments'
  select dimension, value, min(band_order) as band_order, sum(customers)::bigint as customers,
         sum(customers) / sum(sum(customers)) over (partition by dimension) as share
  from counts
  group by dimension, value
),
sizes as (                               -- the segments with customers, and the base (null), with their sizes
  select segment_no, sum(customers)::bigint as total from counts where dimension = 'gender' group by segment_no
  union all
  select null, sum(customers)::bigint from counts where dimension = 'gender'
)
select g.segment_no,
       b.dimension,
       b.value,
       coalesce(c.customers, 0)                                                   as customers,
       round(coalesce(c.customers, 0)::numeric / g.total, 4)                     as share,
       round(b.share, 4)                                                          as base_share,
       round(coalesce(c.customers, 0)::numeric / g.total / b.share, 2)           as lift
from sizes g
cross join base b
left join (select segment_no, dimension, value, customers from counts
           union all
           select null, dimension, value, customers from base) c
       on c.segment_no is not distinct from g.segment_no and c.dimension = b.dimension and c.value = b.value
order by g.segment_no nulls last,
         array_position(array['age_band', 'gender', 'country', 'channel'], b.dimension),
         b.band_order nulls last, b.customers desc, b.value;
