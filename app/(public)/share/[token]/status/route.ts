import { requestShare } from "@/lib/auth/share-access";

// GET /share/{token}/status: 200 while the link is live, 404 once revoked or expired (the open page checks it).
export async function GET(request: Request, { params }: { params: Promise<{ token: string }> }) {
  const share = await requestShare(request, (await params).token);
  if (share instanceof Response) return share;
  return Response.json({ live: true, expiresAt: share.expiresAt }, { headers: { "cache-control": "no-store" } });
}
