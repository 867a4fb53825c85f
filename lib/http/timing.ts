/**
 * Where a request's time goes, as the browser's developer tools and the soak's
 * probe read it (the standard Server-Timing header): the launcher's front
 * (lib/http/page-cache.ts) stamps each request it passes on with the moment it
 * received it (RECEIVED_HEADER, epoch ms, replacing any a client sent), and
 * API handlers (lib/http/route.ts) answer with how long it waited from there
 * to the handler ("queue": the web server's event loop and its HTTP work), the
 * session check ("auth") and the handler's own work ("app").
 */
export const RECEIVED_HEADER = "x-segmenta-received";

export function serverTiming(parts: { queue: number | null; auth: number | null; app: number }): string {
  const ms = (value: number) => Math.max(0, value).toFixed(1);
  return [
    ...(parts.queue === null ? [] : [`queue;dur=${ms(parts.queue)};desc="Waited in the web server"`]),
    ...(parts.auth === null ? [] : [`auth;dur=${ms(parts.auth)};desc="Session check"`]),
    `app;dur=${ms(parts.app)};desc="Handler"`,
  ].join(", ");
}

/** The Server-Timing header's durations by name (for the soak's probe). */
export function parseServerTiming(header: string | null): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of (header ?? "").split(",")) {
    const [name, ...params] = part.trim().split(";");
    const dur = params.map((p) => /^dur=([\d.]+)$/.exec(p.trim())).find(Boolean);
    if (name && dur) out[name] = Number(dur[1]);
  }
  return out;
}
