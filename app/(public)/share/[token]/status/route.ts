import { route } from "@/lib/http/route";

// GET /share/{token}/status: 200 while the link is live, 410 once revoked or expired (the open page checks it), 404 for no link.
export const GET = route<"share", { token: string }>({ access: "share" }, async ({ share }) =>
  Response.json({ live: true, expiresAt: share.expiresAt }, { headers: { "cache-control": "no-store" } }),
);
