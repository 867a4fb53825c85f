-- Two columns of one dataset's customers file against each other: customers per pair of values, each
-- count's share of its row (the first column's value) and of its column (the second's). The two columns
-- are the psql variable pair, a JSON array of their keys as customer-columns.sql names them (the table's
-- own columns by name, any other by its header). Each side keeps its 12 most common values, the rest
-- together as "Other"; blanks are "(none)".
--
-- Run it yourself:  psql "$DATABASE_URL" -v dataset_id=19 -v pair='["Contract","Churn"]' -f lib/queries/sql/customer-crosstab.sql
with pair as (
  select (:'pair')::jsonb ->> 0 as x, (:'pair')::jsonb ->> 1 as y
),
cells as (
  select coalesce(customer_value(c.age, c.gender, c.country, c.city, c.signup_date, c.attributes, p.x), '(none)') as x_value,   -- the columns' values (the customer_value migrations)
         coalesce(customer_value(c.age, c.gender, c.country, c.city, c.signup_date, c.attributes, p.y), '(none)') as y_value
  from customers c cross join pair p
  where c.dataset_id = :dataset_id
),
x_top as (select x_value, row_number() over (order by count(*) desc, x_value collate "C") as r from cells group by x_value),
y_top as (select y_value, row_number() over (order by count(*) desc, y_value collate "C") as r from cells group by y_value),
kept as (
  select case when xt.r <= 12 then c.x_value else 'Other' end as x_value,
         case when yt.r <= 12 then c.y_value else 'Other' end as y_value
  from cells c join x_top xt using (x_value) join y_top yt using (y_value)
)
select x_value, y_value, count(*) as customers,
       count(*)::float8 / sum(count(*)) over (partition by x_value) as row_share,
       count(*)::float8 / sum(count(*)) over (partition by y_value) as column_share
from kept
group by x_value, y_value
order by x_value collate "C", y_value collate "C";
