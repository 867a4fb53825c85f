import { defineConfig } from "prisma/config";

// The CLI reads the connection from here; the app connects through the
// node-postgres driver adapter in lib/db.ts. `prisma generate` needs no database.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost/segmenta" },
});
