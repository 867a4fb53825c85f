-- The columns of one dataset's customers (the customers file, table customers): for each column (the table's
-- own: age, gender, country, city, signup_date; and every other column of the file, kept in `attributes`
-- under its header as written), how many customers have a value, how many distinct values it takes, and
-- how many of the values read as a number, a whole number, yes/no, or a date. For the numbers: min, max,
-- mean and standard deviation. And its six most common values with their counts. Blank values count as
-- missing. What Segmenta infers each column to be (number, category, yes/no, date, id or free text) is
-- read from these counts (lib/ingest/column-kinds.ts). Empty when the dataset has no customers file.
--
-- Run it yourself:  psql "$DATABASE_URL" -v dataset_id=14 -f lib/queries/sql/customer-columns.sql
with cells as (
  select e.key, nullif(btrim(e.value), '') as value
  from customers c
  cross join lateral jsonb_each_text(
    c.attributes || jsonb_strip_nulls(jsonb_build_object('age', c.age, 'gender', c.gender, 'country', c.country, 'city', c.city, 'signup_date', c.signup_date))
  ) e
  where c.dataset_id = :dataset_id
),
counted as (                             -- each distinct value once, with how many customers have it
  select key, value, count(*) as n from cells where value is not null group by key, value
),
typed as (
  select key, value, n,
         case when value ~ '^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$' then value::float8 end as number,
         value ~ '^[-+]?[0-9]+$' as whole,
         lower(value) in ('yes', 'no', 'y', 'n', 'true', 'false', 't', 'f', '0', '1') as yes_no,
         value ~ '^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([ T].*)?$' or value ~ '^[0-9]{1,2}[-/.][0-9]{1,2}[-/.][0-9]{2,4}$' as date_like
  from counted
),
keys as (                                -- every column any customer has, filled or not
  select distinct key from cells
),
total as (
  select count(*) as customers from customers where dataset_id = :dataset_id
)
select k.key,
       t.customers,
       coalesce(sum(v.n), 0)                                          as filled,
       count(v.value)                                                 as distinct_values,
       coalesce(sum(v.n) filter (where v.number is not null), 0)      as numeric_values,
       coalesce(sum(v.n) filter (where v.whole), 0)                   as whole_values,
       coalesce(sum(v.n) filter (where v.yes_no), 0)                  as yes_no_values,
       coalesce(sum(v.n) filter (where v.date_like), 0)               as date_values,
       min(v.number)                                                  as min,
       max(v.number)                                                  as max,
       sum(v.n * v.number) / nullif(sum(v.n) filter (where v.number is not null), 0) as mean,
       case when count(v.number) > 0
            then sqrt(greatest(sum(v.n * v.number * v.number) / sum(v.n) filter (where v.number is not null)
                 - (sum(v.n * v.number) / sum(v.n) filter (where v.number is not null)) ^ 2, 0)) end as sd,
       coalesce(to_jsonb((array_agg(v.value order by v.n desc, v.value collate "C") filter (where v.value is not null))[1:6]), '[]') as top_values,
       coalesce(to_jsonb((array_agg(v.n order by v.n desc, v.value collate "C") filter (where v.value is not null))[1:6]), '[]') as top_counts
from keys k
cross join total t
left join typed v on v.key = k.key
group by k.key, t.customers
order by k.key collate "C";
