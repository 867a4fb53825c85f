-- Each segment of a segmentation run described by the customers-file columns it was clustered on (its
-- params.columns; a total of several columns, params.columns[].keys, as their sum), against the whole run (segment_no null): for a number, its mean in the segment and over
-- the run, and how far apart they are in the run's standard deviations; for a date, its mean date; for a
-- category or a yes/no column, each value's share of the segment's customers with a value, the run's share,
-- and the lift (segment share / run share). Yes/no values read as 'yes' (Yes, Y, True, T, 1) or 'no'.
-- Customers without a value are left out of that column's figures. No rows for a run on purchases alone.
--
-- Run it yourself:  psql "$DATABASE_URL" -v run_id=2 -f lib/queries/sql/segment-columns.sql
with run as (
  select id, dataset_id, params from segmentation_runs where id = :run_id
),
columns_ as (
  select c ->> 'name' as name, c ->> 'key' as key, c -> 'keys' as keys, c ->> 'kind' as kind, t.position
  from run cross join lateral jsonb_array_elements(coalesce(run.params -> 'columns', '[]')) with ordinality as t(c, position)
),
cells as (                               -- one row per member and column, with the member's value
  select m.segment_no, k.name, k.kind, k.position,
         case when k.keys is not null then      -- a total of several number columns: missing if any part is
                (select case when count(customer_value(c.age, c.gender, c.country, c.city, c.signup_date, c.attributes, kk)) = count(*) then sum(customer_value(c.age, c.gender, c.country, c.city, c.signup_date, c.attributes, kk)::float8)::text end
                 from jsonb_array_elements_text(k.keys) kk)
              else customer_value(c.age, c.gender, c.country, c.city, c.signup_date, c.attributes, k.key) end as raw -- the column's value (the customer_value migrations)
  from segment_members m
  cross join run r
  cross join columns_ k
  left join customers c on c.dataset_id = r.dataset_id and c.external_id = m.customer_id
  where m.run_id = :run_id
),
valued as (
  select segment_no, name, kind, position,
         case when kind = 'number' then raw::float8 end as number,
         case when kind = 'date' then raw::date end as day,
         case when kind = 'yes_no' then yes_no_value(raw)            -- 'yes' or 'no' (the yes_no_value migration)
              when kind = 'category' then raw end as value
  from cells where raw is not null
),
numbers as (                             -- means per segment and for the run (grouping sets)
  select segment_no, name, kind, position, count(*) as customers, avg(number) as mean, stddev_pop(number) as sd,
         to_char(to_timestamp(avg(extract(epoch from day::timestamp))) at time zone 'UTC', 'YYYY-MM-DD') as mean_date,
         grouping(segment_no) = 1 as is_base
  from valued where kind in ('number', 'date')
  group by grouping sets ((segment_no, name, kind, position), (name, kind, position))
),
levels as (                              -- customers per segment and value (and for the run)
  select segment_no, name, kind, position, value, count(*) as customers, grouping(segment_no) = 1 as is_base
  from valued where kind in ('category', 'yes_no')
  group by grouping sets ((segment_no, name, kind, position, value), (name, kind, position, value))
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
