import { z } from "zod";
import { getPool } from "@/lib/db";
import { idOf } from "@/lib/http/responses";
import { route } from "@/lib/http/route";
import { fitLifetimeValue } from "@/lib/services/clv";

// POST /api/datasets/{id}/clv: { analysisDate?, unit?, horizon?, discount?, atRiskBelow?, cleaning? } → BG/NBD, Gamma-Gamma, CLV.
export const POST = route<"user", { id: string }, undefined, z.ZodUnknown>({ access: "user", body: z.unknown() }, async ({ params, body }) =>
  fitLifetimeValue(getPool(), idOf(params.id, "dataset"), body),
);
