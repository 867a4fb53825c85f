-- Each segment of a segmentation run described by the customers-file columns it was clustered on (its
-- params.columns; a total of several columns, params.columns[].keys, as their sum), against the whole run (segment_no null): for a number, its mean in the segment and over
-- the run, and how far apart they are in the run's standard deviations; for a date, its mean date; for a
-- category or a yes/no column, each value's share of the segment's customers with a value, the run's share,
-- and the lift (segment share / run share). Yes/no values read as 'yes' (Yes, Y, True, T, 1) or 'no'.
-- Customers without a value are left out of that column's figures. No rows for a run on purchases alone.
--
-- On a Citus cluster each figure is computed where the members are: the members' values (cells, valued) are
-- not kept as a table of their own but written into each aggregate (NOT MATERIALIZED), which Citus runs on the
-- workers (one row per group and shard, merged on the coordinator); the run's columns and dataset are read from
-- segmentation_runs (a reference table) inside it. The run's counts per value are the sums of the segments'
-- (every member is in one), its means and deviations an aggregate of their own (not GROUPING SETS, which Citus
-- does not run over distributed tables). On one server the rows are those of the GROUPING SETS version; a mean
-- or a deviation may differ in its last digit or two (the same float8 values added in another order).
--
-- Run it yourself:  psql "$DATABASE_URL" -v run_id=2 -f lib/queries/sql/segment-columns.sql
with columns_ as (                       -- the run's columns, in its order
  select c ->> 'name' as name, c ->> 'key' as key, c -> 'keys' as keys, c ->> 'kind' as kind, t.position
  from segmentation_runs r
  cross join lateral jsonb_array_elements(coalesce(r.params -> 'columns', '[]')) with ordinality as t(c, position)
  where r.id = :run_id
),
cells as not materialized (              -- one row per member and column, with the member's value
  select m.segment_no, k.name, k.kind, k.position,
         case when k.keys is not null then      -- a total of several number columns: missing if any part is
                (select case when count(customer_value(c.age, c.gender, c.country, c.city, c.signup_date, c.attributes, kk)) = count(*) then sum(customer_value(c.age, c.gender, c.country, c.city, c.signup_date, c.attributes, kk)::float8)::text end
                 from jsonb_array_elements_text(k.keys) kk)
              else customer_value(c.age, c.gender, c.country, c.city, c.signup_date, c.attributes, k.key) end as raw -- the column's value (the customer_value migrations)
  from segment_members m
  join columns_ k on true
  left join customers c on c.dataset_id = (select dataset_id from segmentation_runs where id = :run_id) and c.external_id = m.customer_id
  where m.run_id = :run_id
),
valued as not materialized (
  select segment_no, name, kind, position,
         case when kind = 'number' then raw::float8 end as number,
         case when kind = 'date' then raw::date end as day,
         case when kind = 'yes_no' then yes_no_value(raw)            -- 'yes' or 'no' (the yes_no_value migration)
              when kind = 'category' then raw end as value
  from cells where raw is not null
),
numbers as (                             -- means per segment, and for the run
  select segment_no, name, kind, position, count(*) as customers, avg(number) as mean, stddev_pop(number) as sd,
         to_char(to_timestamp(avg(extract(epoch from day::timestamp))) at time zone 'UTC', 'YYYY-MM-DD') as mean_date,
         false as is_base
  from valued where kind in ('number', 'date')
  group by segment_no, name, kind, position
  union all
  select null, name, kind, position, count(*), avg(number), stddev_pop(number),
         to_char(to_timestamp(avg(extract(epoch from day::timestamp))) at time zone 'UTC', 'YYYY-MM-DD'),
         true
  from valued where kind in ('number', 'date')
  group by name, kind, position
),
per_segment as (                         -- customers per segment and value
  select segment_no, name, kind, position, value, count(*) as customers
  from valued where kind in ('category', 'yes_no')
  group by segment_no, name, kind, position, value
),
levels as (                              -- and for the run, the sums of the segments'
  select segment_no, name, kind, position, value, customers, false as is_base from per_segment
  union all
  select null, name, kind, position, value, sum(customers)::bigint, true from per_segment group by name, kind, position, value
),
shares as (
  select l.*, l.customers::float8 / sum(l.customers) over (partition by l.is_base, l.segment_no, l.name) as share
  from levels l
)
select * from (
select n.segment_no, n.name, n.kind, n.position, null::text as value, n.customers, n.mean, n.mean_date,
       null::float8 as share, b.mean as base_mean, b.mean_date as base_mean_date, null::float8 as base_share,
       (n.mean - b.mean) / nullif(b.sd, 0) as difference, null::float8 as lift
from numbers n join numbers b on b.is_base and b.name = n.name
union all
select s.segment_no, s.name, s.kind, s.position, s.value, s.customers, null, null,
       s.share, null, null, b.share, null, s.share / nullif(b.share, 0)
from shares s join shares b on b.is_base and b.name = s.name and b.value = s.value
) rows
order by position, segment_no nulls last, value collate "C";
