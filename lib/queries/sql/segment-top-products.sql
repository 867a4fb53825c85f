-- The ten best-selling products of each segment of a segmentation run, and of the whole base (segment_no
-- null): revenue (sum of line values: the file's line total, else quantity × unit price), units and customers of the segment's members who bought it,
-- the product's share of the segment's product revenue, the same share over all
-- customers of the run (base_share) and the lift (share / base_share; above 1 the segment buys the
-- product more than the base does).
-- What members bought, with the run's settings: purchases up to its analysis date (default: the day after
-- the dataset's last invoice) and only what no cleaning rule of the run applies to (default: all rules,
-- i.e. `excluded & 63 = 0`; bits 1 no customer, 2 cancellation, 4 adjustment, 8 non-product code,
-- 16 price <= 0, 32 exact duplicate). A run with both defaults reads customer_products (those lines summed
-- per customer and product) and product_descriptions; another reads the lines. A product's description is
-- the one its lines carry most often (of equally frequent ones, the first in alphabetical order).
--
-- Run it yourself:  psql "$DATABASE_URL" -v run_id=1 -f lib/queries/sql/segment-top-products.sql
with last_day as materialized (          -- the day after the dataset's last invoice (read only when the run has no date)
  -- (read first, not in a subquery correlated with the run's row: Citus refuses a correlated subquery when the
  -- FROM clause holds a reference table)
  select max(i.invoice_date)::date + 1 as analysis_date
  from invoice_totals i
  where i.dataset_id = (select dataset_id from segmentation_runs where id = :run_id)
),
run as materialized (                    -- the run's analysis date and cleaning rules (bits)
  select r.id, r.dataset_id,
         coalesce((r.params ->> 'analysisDate')::date, (select analysis_date from last_day)) as analysis_date,
         case when r.params ? 'cleaning'
              then (select coalesce(sum(b.bit), 0)::int
                    from jsonb_array_elements_text(r.params -> 'cleaning') as k(rule)
                    join (values ('noCustomer', 1), ('cancellation', 2), ('adjustment', 4), ('nonProduct', 8),
                                 ('badPrice', 16), ('duplicate', 32)) as b(rule, bit) on b.rule = k.rule)
              else 63 end as rules,
         r.params ->> 'analysisDate' is null as default_date
  from segmentation_runs r where r.id = :run_id
),
members as not materialized (             -- the run's customers and their segments
  -- (not materialized, though read twice: the planner would not know customer_id is unique in it, expect billions of
  -- joined rows, and sort millions of them to merge them)
  select customer_id, segment_no from segment_members where run_id = :run_id
),
bought as (                              -- per segment and product: what the members bought, summed
  -- (each branch runs only when its condition holds: PostgreSQL tests it once, before reading anything)
  select m.segment_no, cp.stock_code, sum(cp.revenue) as revenue, sum(cp.quantity) as quantity,
         count(*) as customers
  from customer_products cp
  join members m on m.customer_id = cp.customer_id
  where (select rules = 63 and default_date from run) and cp.dataset_id = (select dataset_id from run)
  group by m.segment_no, cp.stock_code
  union all
  select m.segment_no, pc.stock_code, sum(pc.revenue), sum(pc.quantity), count(*)
  from (                                 -- per customer and product, from the lines
    -- (the run's rules and date are filters of the sums: a WHERE on values from `run` would be guessed at
    -- 0.5% of the lines, and the plan made for so few rows sorts where hashing is several times faster;
    -- summed before the join with the members: on Citus the lines are distributed by invoice, the members by
    -- customer, and the workers sum the lines, not the coordinator)
    select l.customer_id, l.stock_code,
           sum(l.quantity) filter (where l.excluded & r.rules = 0 and l.invoice_date < r.analysis_date + 1) as quantity,
           sum(coalesce(l.line_total, l.quantity * l.unit_price)) filter (where l.excluded & r.rules = 0 and l.invoice_date < r.analysis_date + 1) as revenue
    from transaction_lines l
    join run r on l.dataset_id = r.dataset_id
    where not (select rules = 63 and default_date from run) and l.stock_code is not null and l.customer_id is not null
    group by l.customer_id, l.stock_code
    having bool_or(l.excluded & r.rules = 0 and l.invoice_date < r.analysis_date + 1)
  ) pc
  join members m on m.customer_id = pc.customer_id
  group by m.segment_no, pc.stock_code
),
per_product as (                         -- per segment and product, and for the base (segment_no null):
  -- the sums of its segments, as every member is in one segment
  select segment_no, stock_code, revenue, quantity, customers, false as is_base from bought
  union all
  select null, stock_code, sum(revenue), sum(quantity), sum(customers)::bigint, true from bought group by stock_code
),
shares as (
  select p.*,
         p.revenue / nullif(sum(p.revenue) over (partition by p.is_base, p.segment_no), 0) as share,
         sum(p.revenue) over (partition by p.is_base, p.segment_no)                         as group_revenue,
         row_number() over (partition by p.is_base, p.segment_no order by p.revenue desc, p.stock_code) as rank
  from per_product p
),
top_codes as materialized (              -- the products shown (hashed, not probed per line)
  select distinct stock_code from shares where rank <= 10
),
descriptions as (                        -- each top product's most used description (of equally used ones, the
  -- first in order): at the defaults as the dataset's preparation saved it (product_descriptions), otherwise
  -- counted over the run's lines (the run's filters are filters of the count, so the join to the few top codes
  -- is hashed; counted in a hashed grouping, not with mode(), which would sort every line of the dataset)
  select d.stock_code, d.description
  from product_descriptions d
  where (select rules = 63 and default_date from run) and d.dataset_id = (select dataset_id from run)
    and d.stock_code in (select stock_code from top_codes)
  union all
  (select distinct on (stock_code) stock_code, description
   from (select l.stock_code, l.description,
                count(*) filter (where l.invoice_date < r.analysis_date + 1 and l.excluded & r.rules = 0) as lines
         from transaction_lines l
         cross join run r
         where not (select rules = 63 and default_date from run) and l.dataset_id = (select dataset_id from run)
           and l.stock_code in (select stock_code from top_codes)
         group by l.stock_code, l.description) description_counts
   where lines > 0 and description is not null
   order by stock_code, lines desc, description)
)
select s.segment_no,
       s.rank,
       s.stock_code,
       d.description,
       round(s.revenue, 2)                       as revenue,
       s.quantity,
       s.customers,
       round(s.share, 4)                         as share,
       round(b.share, 4)                         as base_share,
       round(s.share / nullif(b.share, 0), 2)    as lift,
       round(s.group_revenue, 2)                 as segment_revenue
from shares s
join shares b on b.is_base and b.stock_code = s.stock_code
left join descriptions d on d.stock_code = s.stock_code
where s.rank <= 10
order by s.segment_no nulls last, s.rank;
