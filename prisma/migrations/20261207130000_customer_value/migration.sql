-- A customers-file column's value by its key (customer-columns.sql's keys: the table's own columns by name, any
-- other column by its header, kept in attributes), trimmed, blank as null. The analytics files that read a
-- column the analyst names (segment-columns.sql, segment-outcomes.sql, customer-crosstab.sql) and the run's
-- inputs call it instead of each spelling out the same CASE; a plain SQL function the planner inlines. STABLE,
-- not IMMUTABLE: date::text depends on DateStyle, and a function more volatile inside than declared is never
-- inlined (a million calls then took 7.7 s instead of 0.2 s).
CREATE FUNCTION "customer_value"(c "customers", key TEXT) RETURNS TEXT
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
  SELECT nullif(btrim(CASE key
    WHEN 'age' THEN c.age::text
    WHEN 'gender' THEN c.gender
    WHEN 'country' THEN c.country
    WHEN 'city' THEN c.city
    WHEN 'signup_date' THEN c.signup_date::text
    ELSE c.attributes ->> key
  END), '')
$$;
