-- How the number columns of one dataset's customers file move together: Pearson's correlation of every pair
-- of columns whose values all read as numbers (blanks aside) and vary, over the customers with a value in
-- both, with that count. Each pair appears both ways, and every column with itself (1). Empty without a
-- customers file or with fewer than two such columns.
--
-- Run it yourself:  psql "$DATABASE_URL" -v dataset_id=14 -f lib/queries/sql/customer-correlations.sql
with cells as (
  select c.id as customer, e.key, nullif(btrim(e.value), '') as value
  from customers c
  cross join lateral jsonb_each_text(c.attributes || jsonb_strip_nulls(jsonb_build_object('age', c.age))) e
  where c.dataset_id = :dataset_id
),
numeric_keys as (
  select key from cells where value is not null group by key
  having bool_and(value ~ '^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$') and count(distinct value) > 1
),
numbers as (
  select c.customer, c.key, c.value::float8 as x from cells c join numeric_keys k using (key) where c.value is not null
)
select a.key as x_key, b.key as y_key, corr(a.x, b.x) as correlation, count(*) as customers
from numbers a
join numbers b on b.customer = a.customer
group by a.key, b.key
order by a.key collate "C", b.key collate "C";
