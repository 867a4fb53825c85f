-- The outcome a segmentation run was asked to show (its params.outcome: a yes/no or category column of the
-- customers file, such as Telco's Churn), per segment and for the whole run (segment_no null): for each
-- value, how many of the segment's customers have it, their share of the segment's customers with a value
-- (the rate), its 95% Wilson score interval, and the lift (the segment's rate / the whole run's rate).
-- A yes/no column's values read as 'yes' (Yes, Y, True, T, 1: any case) or 'no'. Customers without a value
-- (or missing from the file) are counted apart (`unknown`), never as no. No rows when the run has no outcome.
--
-- Run it yourself:  psql "$DATABASE_URL" -v run_id=2 -f lib/queries/sql/segment-outcomes.sql
with run as (
  select id, dataset_id, params -> 'outcome' ->> 'key' as key, params -> 'outcome' ->> 'kind' as kind
  from segmentation_runs where id = :run_id and params ? 'outcome'
),
people as (                              -- every customer of the run with the outcome's value (null: none)
  select m.segment_no,
         -- the column's value (the customer_value migrations), read as yes or no for a yes/no column (the
         -- yes_no_value migration); written in place, not in a LATERAL subquery, which Citus cannot push down
         case when r.kind = 'yes_no' then yes_no_value(customer_value(c.age, c.gender, c.country, c.city, c.signup_date, c.attributes, r.key))
              else customer_value(c.age, c.gender, c.country, c.city, c.signup_date, c.attributes, r.key) end as value
  from segment_members m
  cross join run r
  left join customers c on c.dataset_id = r.dataset_id and c.external_id = m.customer_id
  where m.run_id = :run_id
),
per_segment as (                         -- customers per segment and value
  select segment_no, value, count(*) as customers
  from people
  group by segment_no, value
),
counts as (                              -- and for the base, the sums of the segments, as every member is in one
                                         -- (not GROUPING SETS, which Citus does not run over distributed tables)
  select segment_no, value, customers, false as is_base from per_segment
  union all
  select null, value, sum(customers)::bigint, true from per_segment group by value
),
sized as (
  select c.*,
         sum(customers) filter (where value is not null) over (partition by is_base, segment_no) as known,
         coalesce(sum(customers) filter (where value is null) over (partition by is_base, segment_no), 0) as unknown
  from counts c
),
rated as (
  select s.*, s.customers::float8 / nullif(s.known, 0) as rate from sized s where s.value is not null
),
segment_values as (                      -- every value of the base in every segment (0 when none)
  select g.segment_no, b.value, coalesce(r.customers, 0) as customers, g.known, g.unknown,
         coalesce(r.rate, 0) as rate, b.rate as base_rate
  from (select distinct segment_no, known, unknown from sized where not is_base) g
  cross join (select value, rate from rated where is_base) b
  left join rated r on not r.is_base and r.segment_no = g.segment_no and r.value = b.value
  union all
  select null, value, customers, known, unknown, rate, rate from rated where is_base
),
z as (select 1.959963984540054 as z)     -- the 97.5th percentile of the standard normal
select sv.segment_no, sv.value, sv.customers, sv.known, sv.unknown, sv.rate,
       -- Wilson (1927): (p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)
       case when sv.known > 0 then
         ((sv.rate + z * z / (2 * sv.known)) - z * sqrt(sv.rate * (1 - sv.rate) / sv.known + z * z / (4.0 * sv.known * sv.known)))
         / (1 + z * z / sv.known) end as rate_low,
       case when sv.known > 0 then
         ((sv.rate + z * z / (2 * sv.known)) + z * sqrt(sv.rate * (1 - sv.rate) / sv.known + z * z / (4.0 * sv.known * sv.known)))
         / (1 + z * z / sv.known) end as rate_high,
       sv.base_rate,
       sv.rate / nullif(sv.base_rate, 0) as lift
from segment_values sv cross join z
order by sv.segment_no nulls last, sv.value collate "C";
