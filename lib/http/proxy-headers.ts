import type http from "node:http";

/**
 * The headers a proxy must not pass on (RFC 9110, 7.6.1): they describe one
 * connection, not the answer (lib/http/page-cache.ts forwards and keeps answers).
 */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "upgrade", "proxy-connection", "te", "trailer"]);

/** An answer's headers without the hop-by-hop ones, to keep or send again. */
export function withoutHopByHop(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase())));
}

/** Raw headers (name, value, name, value, …) without the hop-by-hop ones, keeping repeated headers (set-cookie) apart. */
export function pairs(raw: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if (!HOP_BY_HOP.has(raw[i]!.toLowerCase())) out.push(raw[i]!, raw[i + 1]!);
  return out;
}
