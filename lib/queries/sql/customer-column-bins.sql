-- How the values of each number column of one dataset's customers file are spread: for every column whose
-- values all read as numbers (blanks aside), a histogram of 12 equal-width bins from its smallest to its
-- largest value (a column with one value: one bin). Each bin is [lower, upper), the last one closed; with the
-- customers in it and their share of the customers with a value. Empty without a customers file.
--
-- Run it yourself:  psql "$DATABASE_URL" -v dataset_id=14 -f lib/queries/sql/customer-column-bins.sql
with cells as (
  select e.key, nullif(btrim(e.value), '') as value
  from customers c
  cross join lateral jsonb_each_text(c.attributes || jsonb_strip_nulls(jsonb_build_object('age', c.age))) e
  where c.dataset_id = :dataset_id
),
numeric_keys as (                        -- every filled value reads as a number
  select key, min(number) as lo, max(number) as hi, count(*) as filled
  from (select key, value, case when value ~ '^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$' then value::float8 end as number
        from cells where value is not null) v
  group by key
  having bool_and(number is not null)
),
binned as (
  select k.key, k.lo, k.hi, k.filled,
         case when k.hi = k.lo then 1 else least(width_bucket(c.value::float8, k.lo, k.hi, 12), 12) end as bin
  from numeric_keys k
  join cells c on c.key = k.key and c.value is not null
)
select key, bin,
       case when hi = lo then lo else lo + (hi - lo) * (bin - 1) / 12 end as lower,
       case when hi = lo then hi else lo + (hi - lo) * bin / 12 end as upper,
       count(*) as customers,
       count(*)::float8 / min(filled) as share
from binned
group by key, bin, lo, hi
order by key collate "C", bin;
