-- One customer's invoices in a dataset, newest first, from invoice_totals (the lines summed per invoice
-- and cleaning bits): date, invoice, country, and the lines, units and value of all its lines (as loaded)
-- and of the lines the analysis counts (no cleaning rule applies: excluded & 63 = 0), and the cleaning
-- rules that apply to some of its lines, as bits (1 no customer, 2 cancellation, 4 adjustment,
-- 8 non-product code, 16 price <= 0, 32 exact duplicate). The last row (invoice_no null) is the totals,
-- summed from the invoices' rows (not GROUPING SETS, which Citus does not run over distributed tables).
--
-- Run it yourself:  psql "$DATABASE_URL" -v dataset_id=1 -v customer_id=12346 -f lib/queries/sql/customer-orders.sql
with per_invoice as (
  select i.invoice_no,
         min(i.invoice_date)                                               as invoice_date,
         max(i.invoice_date)                                               as last_invoice_date,
         min(i.country)                                                    as country,
         count(distinct i.invoice_no)                                      as invoices,
         sum(i.lines)                                                      as lines,
         sum(i.quantity)                                                   as quantity,
         sum(i.value)                                                      as value,
         coalesce(sum(i.lines) filter (where i.excluded & 63 = 0), 0)      as included_lines,
         coalesce(sum(i.value) filter (where i.excluded & 63 = 0), 0)      as included_value,
         count(distinct i.invoice_no) filter (where i.excluded & 63 = 0)   as included_invoices,
         bit_or(i.excluded)                                                as rules
  from invoice_totals i
  where i.dataset_id = :dataset_id and i.customer_id = :'customer_id'
  group by i.invoice_no
)
select * from (
  select * from per_invoice
  union all
  select null, min(invoice_date), max(last_invoice_date), min(country), coalesce(sum(invoices), 0)::bigint,
         sum(lines)::bigint, sum(quantity), sum(value), coalesce(sum(included_lines), 0)::bigint,
         coalesce(sum(included_value), 0), coalesce(sum(included_invoices), 0)::bigint, bit_or(rules)
  from per_invoice
) orders
order by invoice_no is null, invoice_date desc, invoice_no desc;
