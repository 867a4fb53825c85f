"use server";

import { revalidatePath } from "next/cache";
import { getPool } from "@/lib/db";
import { action } from "@/lib/http/action";
import { setCustomerColumnKind } from "@/lib/services/customer-columns";
import { setDatasetCurrency } from "@/lib/services/datasets";

/** Gives a column of the dataset's customers file another kind ("" : back to the kind read from its values); answers the message when refused. */
export const setColumnKindAction = action(
  { access: "user", failure: ({ message }) => ({ ok: false as const, message }) },
  async (_, datasetId: number, key: string, kind: string) => {
    await setCustomerColumnKind(getPool(), datasetId, key, kind === "" ? null : kind);
    revalidatePath(`/datasets/${datasetId}`);
    return { ok: true as const, message: null };
  },
);

/** Sets the dataset's currency ("" : back to the guess from its countries); answers the message when refused. */
export const setCurrencyAction = action(
  { access: "user", failure: ({ message }) => ({ ok: false as const, message }) },
  async (_, datasetId: number, currency: string) => {
    await setDatasetCurrency(getPool(), datasetId, currency);
    revalidatePath(`/datasets/${datasetId}`);
    return { ok: true as const, message: null };
  },
);
