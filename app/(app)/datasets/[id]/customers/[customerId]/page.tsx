import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { CustomerView } from "@/components/views/customer-view";
import { getPool } from "@/lib/db";
import { parseId } from "@/lib/http/responses";
import { requireUser } from "@/lib/auth/next";
import {
  CUSTOMER_QUERIES,
  customerQuery,
  getCustomerHistory,
} from "@/lib/services/customers";
import { datasetCurrency } from "@/lib/services/datasets";

type Props = { params: Promise<{ id: string; customerId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

/** The route segment as the customer id (Next may hand it over still percent-encoded). */
function customerIdOf(segment: string): string | null {
  let id = segment;
  if (/%[0-9A-Fa-f]{2}/.test(id)) {
    try {
      id = decodeURIComponent(id);
    } catch {
      return null;
    }
  }
  return id.length > 0 && id.length <= 200 ? id : null;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  await requireUser();
  const { customerId } = await params;
  return { title: `Customer ${customerIdOf(customerId) ?? ""}` };
}

export default async function CustomerPage({ params, searchParams }: Props) {
  await requireUser();
  await connection();
  const p = await params;
  const showAll = (await searchParams).invoices === "all";
  const datasetId = parseId(p.id);
  const customerId = customerIdOf(p.customerId);
  if (datasetId === null || customerId === null) notFound();
  const [history, currency] = await Promise.all([getCustomerHistory(getPool(), datasetId, customerId), datasetCurrency(getPool(), datasetId)]);
  if (!history) notFound();
  const queries = {
    orders: customerQuery(CUSTOMER_QUERIES.orders, datasetId, customerId),
    file: customerQuery(CUSTOMER_QUERIES.file, datasetId, customerId),
    segments: customerQuery(CUSTOMER_QUERIES.segments, datasetId, customerId),
  };
  return <CustomerView history={history} showAll={showAll} currency={currency} queries={queries} />;
}
