-- revenue-by-month.sql and revenue-by-week.sql became one file, revenue-over-time.sql, taking the grain
-- (lib/queries/sql-file.ts). Their saved answers are the same rows: kept under the new names, so a
-- dataset prepared before still draws its revenue without being prepared again.
UPDATE "query_results" SET "name" = 'revenue-over-time?grain=month' WHERE "name" = 'revenue-by-month';
UPDATE "query_results" SET "name" = 'revenue-over-time?grain=week' WHERE "name" = 'revenue-by-week';
