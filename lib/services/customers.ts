import { columnById, type CustomerColumnId } from "../customer-table";
import {
  CUSTOMER_QUERIES,
  customerQuery,
  getCustomerHistory,
  type CustomerFile,
  type CustomerHistory,
  type CustomerInvoice,
  type CustomerRunSegment,
  type CustomerTotals,
} from "../queries/customer-history";
import { CUSTOMER_PAGE_SQL, listCustomers } from "../queries/customer-page";
import { getRunSummary, type RunSummary } from "../queries/runs";

/**
 * Customers of a segmentation run, a page at a time (the customers table:
 * lib/queries/customer-page.ts), and one customer's history in a dataset
 * (their invoices, customers-file row and segment in each run:
 * lib/queries/customer-history.ts and its three SQL files). Both are reads
 * the pages take as they come; this module names them for the pages, with the
 * labels they show.
 */
export { CUSTOMER_PAGE_SQL, CUSTOMER_QUERIES, customerQuery, getCustomerHistory, getRunSummary, listCustomers };
export type { CustomerFile, CustomerHistory, CustomerInvoice, CustomerRunSegment, CustomerTotals, RunSummary };

/** The label of a column, for messages. */
export const columnLabel = (id: CustomerColumnId) => columnById(id)?.label ?? id;
