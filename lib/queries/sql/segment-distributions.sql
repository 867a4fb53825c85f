-- Histograms of five measures within each segment of a segmentation run and over the whole base
-- (segment_no null), on the same bins, so a segment can be drawn against the base:
--   recency_days (days since the last purchase), frequency (orders), monetary (revenue),
--   p_alive (BG/NBD probability that the customer is still active) and clv (expected value over the
--   run's horizon, Gamma-Gamma); the last two only when the run could fit them.
-- Bins come from the base: 20 bins of a round width (1, 2, 2.5 or 5 times a power of ten) from the
-- lowest value (amounts: the multiple of the width below it) up to the base's 99th percentile, and a
-- last, open bin (bin_to null) for the values above; P(alive) uses 20 bins of 0.05 from 0 to 1.
-- A value v is in the bin with bin_from <= v < bin_to. Each segment and the base get every bin, with
-- its customers and their share of the group's customers with a value.
--
-- Run it yourself:  psql "$DATABASE_URL" -v run_id=1 -f lib/queries/sql/segment-distributions.sql
with spread as (                         -- the base's range of each measure: one pass over the run's members
  select v.measure, v.lo, v.p99, v.hi
  from (select min(recency_days) as r_lo, percentile_cont(0.99) within group (order by recency_days) as r_p99, max(recency_days) as r_hi,
               min(frequency)    as f_lo, percentile_cont(0.99) within group (order by frequency)    as f_p99, max(frequency)    as f_hi,
               min(monetary)     as m_lo, percentile_cont(0.99) within group (order by monetary)     as m_p99, max(monetary)     as m_hi,
               min(p_alive)      as a_lo, max(p_alive)                                                as a_hi,
               min(clv)          as c_lo, percentile_cont(0.99) within group (order by clv)          as c_p99, max(clv)          as c_hi
        from segment_members where run_id = :run_id) s
  cross join lateral (values
    ('recency_days', s.r_lo::numeric, s.r_p99::numeric, s.r_hi::numeric),
    ('frequency',    s.f_lo::numeric, s.f_p99::numeric, s.f_hi::numeric),
    ('monetary',     s.m_lo,          s.m_p99::numeric, s.m_hi),
    ('p_alive',      s.a_lo::numeric, null,             s.a_hi::numeric),
    ('clv',          s.c_lo,          s.c_p99::numeric, s.c_hi)
  ) as v(measure, lo, p99, hi)
  where v.lo is not null                 -- a measure nobody has (no lifetime-value fit) gets no bins
),
raw_width as (
  select measure, lo, hi,
         case when measure = 'p_alive' then 0.05
              else greatest((p99 - lo) / 20, case when measure in ('recency_days', 'frequency') then 1 else 0.01 end)
         end::numeric as raw
  from spread
),
widths as (                              -- a round width: 1, 2, 2.5 or 5 times a power of ten
  select measure, hi, lo,
         case when measure = 'p_alive' then 0.05
              else (select min(step * power(10::numeric, floor(log(raw))))
                    from unnest(array[1, 2, 2.5, 5, 10]::numeric[]) as step
                    where step * power(10::numeric, floor(log(raw))) >= raw) end as width
  from raw_width
),
starts as (                              -- counts start at the lowest value, amounts at a multiple of the width
  select measure, width, hi,
         case when measure = 'p_alive' then 0
              when measure in ('recency_days', 'frequency') then lo
              else floor(lo / width) * width end as start
  from widths
),
bins as (                                -- bin 0..19, and 20 for the open last bin when values reach past it
  select measure, width, start,
         case when measure = 'p_alive' then 19 when hi >= start + 20 * width then 20 else 19 end as last_bin
  from starts
),
edges as (                               -- each measure's lower bin edges as one array, so members are binned by search
  select (select array_agg(b.start + g * b.width order by g) from bins b, generate_series(0, b.last_bin) g where b.measure = 'recency_days')::int[]    as r,
         (select array_agg(b.start + g * b.width order by g) from bins b, generate_series(0, b.last_bin) g where b.measure = 'frequency')::int[]       as f,
         (select array_agg(b.start + g * b.width order by g) from bins b, generate_series(0, b.last_bin) g where b.measure = 'monetary')                as m,
         (select array_agg(b.start + g * b.width order by g) from bins b, generate_series(0, b.last_bin) g where b.measure = 'p_alive')::float8[]      as a,
         (select array_agg(b.start + g * b.width order by g) from bins b, generate_series(0, b.last_bin) g where b.measure = 'clv')                     as c
),
per_segment as (                         -- customers per segment, measure and bin, one measure per pass;
                                         -- a member's bin is the last lower edge at or below its value
  select segment_no, 'recency_days' as measure, greatest(width_bucket(m.recency_days, e.r) - 1, 0) as bin, count(*) as customers
  from segment_members m cross join edges e where m.run_id = :run_id and m.recency_days is not null and e.r is not null
  group by segment_no, 3
  union all
  select segment_no, 'frequency', greatest(width_bucket(m.frequency, e.f) - 1, 0), count(*)
  from segment_members m cross join edges e where m.run_id = :run_id and m.frequency is not null and e.f is not null
  group by segment_no, 3
  union all
  select segment_no, 'monetary', greatest(width_bucket(m.monetary, e.m) - 1, 0), count(*)
  from segment_members m cross join edges e where m.run_id = :run_id and m.monetary is not null and e.m is not null
  group by segment_no, 3
  union all
  select segment_no, 'p_alive', greatest(width_bucket(m.p_alive, e.a) - 1, 0), count(*)
  from segment_members m cross join edges e where m.run_id = :run_id and m.p_alive is not null and e.a is not null
  group by segment_no, 3
  union all
  select segment_no, 'clv', greatest(width_bucket(m.clv, e.c) - 1, 0), count(*)
  from segment_members m cross join edges e where m.run_id = :run_id and m.clv is not null and e.c is not null
  group by segment_no, 3
),
counts as (                              -- and for the base (is_base), the sums of the segments, as every member is in
                                         -- one (not GROUPING SETS, which Citus does not run over distributed tables)
  select segment_no, measure, bin, customers, false as is_base from per_segment
  union all
  select null, measure, bin, sum(customers)::bigint, true from per_segment group by measure, bin
),
totals as (                              -- customers with a value, per group and measure
  select segment_no, is_base, measure, sum(customers) as total
  from counts
  group by segment_no, is_base, measure
)
select t.measure,
       t.segment_no,
       s.bin,
       round(b.start + s.bin * b.width, 4)                                           as bin_from,
       case when s.bin = 20 then null
            when t.measure = 'p_alive' and s.bin = 19 then 1.0001
            else round(b.start + (s.bin + 1) * b.width, 4) end                       as bin_to,
       coalesce(c.customers, 0)                                                      as customers,
       round(coalesce(c.customers, 0)::numeric / t.total, 4)                         as share
from totals t
join bins b on b.measure = t.measure
cross join lateral generate_series(0, b.last_bin) as s(bin)
left join counts c on c.measure = t.measure and c.is_base = t.is_base and c.segment_no is not distinct from t.segment_no and c.bin = s.bin
order by array_position(array['recency_days', 'frequency', 'monetary', 'p_alive', 'clv'], t.measure),
         t.segment_no nulls last, s.bin;
