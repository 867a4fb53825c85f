-- A yes/no column's value read as 'yes' (Yes, Y, True, T, 1: any case, around spaces), 'no' (any other value)
-- or null (no value). The analytics files that read a yes/no column (segment-columns.sql, segment-outcomes.sql)
-- call it instead of each spelling out the list; lib/ingest/column-kinds.ts's YES_WORDS is the same list for the
-- feature matrix built in TypeScript. IMMUTABLE: it reads nothing but its argument, so the planner inlines it.
CREATE FUNCTION "yes_no_value"(value TEXT) RETURNS TEXT
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT CASE WHEN value IS NULL THEN NULL
              WHEN lower(btrim(value)) IN ('yes', 'y', 'true', 't', '1') THEN 'yes'
              ELSE 'no' END
$$;
