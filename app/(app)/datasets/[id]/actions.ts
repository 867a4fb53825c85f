"use server";

import { revalidatePath } from "next/cache";
import { getPool } from "@/lib/db";
import { action } from "@/lib/http/action";
import { setCustomerColumnKind } from "@/lib/services/customer-columns";

/** Gives a column of the dataset's customers file another kind ("" : back to the kind read from its values); answers the message when refused. */
export const setColumnKindAction = action(
  { access: "user", failure: ({ message }) => ({ ok: false as const, message }) },
  async (_, datasetId: number, key: string, kind: string) => {
    await setCustomerColumnKind(getPool(), datasetId, key, kind === "" ? null : kind);
    revalidatePath(`/datasets/${datasetId}`);
    return { ok: true as const, message: null };
  },
);
