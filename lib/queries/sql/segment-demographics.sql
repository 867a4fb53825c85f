-- Demographics of each segment of a segmentation run against the whole base, from the dataset's customers
-- file: for each dimension (age band, gender, country, channel — the file's `channel` or `preferred_channel`
-- column, kept in customers.attributes) and each of its values, the segment's customers with that value,
-- their share of the segment, the same share over all customers of the run (the base), and the lift
-- (segment share / base share; above 1 the value is over-represented in the segment).
-- Customers of the run missing from the customers file, or without a value, count as 'Unknown'.
-- Rows with segment_no null are the base; every segment with customers gets every value the base has
-- (share 0 when none of its customers has it). No rows at all when the dataset has no customers file.
--
-- Run it yourself:  psql "$DATABASE_URL" -v run_id=2 -f lib/queries/sql/segment-demographics.sql
with run as (
  select id, dataset_id from segmentation_runs where id = :run_id
),
people as (                              -- every customer of the run, with their customers-file row if any
  select m.segment_no, c.age, c.gender, c.country,
         coalesce(c.attributes ->> 'channel', c.attributes ->> 'preferred_channel') as channel
  from segment_members m
  cross join run r
  left join customers c on c.dataset_id = r.dataset_id and c.external_id = m.customer_id
  where m.run_id = :run_id
    and exists (select 1 from customers f where f.dataset_id = r.dataset_id)
),
facts as (                               -- one row per customer and dimension
  select p.segment_no, d.dimension, d.value, d.band_order
  from people p
  cross join lateral (values
    ('age_band',
     case when p.age is null then 'Unknown' when p.age < 25 then 'Under 25' when p.age < 35 then '25–34'
          when p.age < 45 then '35–44' when p.age < 55 then '45–54' when p.age < 65 then '55–64' else '65 and over' end,
     case when p.age is null then 99 when p.age < 25 then 1 when p.age < 35 then 2 when p.age < 45 then 3
          when p.age < 55 then 4 when p.age < 65 then 5 else 6 end),
    ('gender',  coalesce(nullif(btrim(p.gender), ''), 'Unknown'), null),
    ('country', coalesce(nullif(btrim(p.country), ''), 'Unknown'), null),
    ('channel', coalesce(nullif(btrim(p.channel), ''), 'Unknown'), null)
  ) as d(dimension, value, band_order)
),
counts as (                              -- customers per segment (and for the base) and value
  select segment_no, dimension, value, min(band_order) as band_order, count(*) as customers,
         grouping(segment_no) = 1 as is_base
  from facts
  group by grouping sets ((segment_no, dimension, value), (dimension, value))
),
base as (
  select dimension, value, band_order, customers,
         customers::numeric / sum(customers) over (partition by dimension) as share
  from counts where is_base
),
groups as (                              -- the segments with customers, and the base (null)
  select distinct segment_no from people
  union all
  select null
),
sizes as (
  select segment_no, count(*) as total from people group by segment_no
)
select g.segment_no,
       b.dimension,
       b.value,
       coalesce(c.customers, 0)                                                   as customers,
       round(coalesce(c.customers, 0)::numeric / coalesce(s.total, (select count(*) from people)), 4) as share,
       round(b.share, 4)                                                          as base_share,
       round(coalesce(c.customers, 0)::numeric / coalesce(s.total, (select count(*) from people)) / b.share, 2) as lift
from groups g
cross join base b
left join sizes s on s.segment_no = g.segment_no
left join counts c on c.segment_no is not distinct from g.segment_no and c.dimension = b.dimension and c.value = b.value
order by g.segment_no nulls last,
         array_position(array['age_band', 'gender', 'country', 'channel'], b.dimension),
         b.band_order nulls last, b.customers desc, b.value;
