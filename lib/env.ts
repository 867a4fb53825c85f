import { z } from "zod";

/**
 * The process environment, read once. Every setting Segmenta understands is
 * listed here (and in the README's "Configuration" table).
 */
const EnvSchema = z.object({
  /** An external PostgreSQL. When unset, the embedded server is started. */
  DATABASE_URL: z.string().url().optional().or(z.literal("").transform(() => undefined)),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Where the embedded PostgreSQL keeps its data. */
  SEGMENTA_DATA_DIR: z.string().default(".data/postgres"),
  /** Preferred port of the embedded PostgreSQL; another free port is used when it is taken (0: any). */
  SEGMENTA_PG_PORT: z.coerce.number().int().min(0).max(65535).default(54329),
  /** Largest file an upload may send, in bytes (default 1 GiB). */
  SEGMENTA_UPLOAD_LIMIT: z.coerce.number().int().min(1).default(1024 ** 3),
  /**
   * Longest value (one field of a CSV row) an upload may hold, in bytes (default 1 MiB); a row may be
   * 64 KB longer. A longer one is refused (422, naming its line and column).
   */
  SEGMENTA_MAX_FIELD_BYTES: z.coerce.number().int().min(1024).default(1024 ** 2),
  /**
   * The nice value (0 to 19) of the work that may wait for the readers: the threads that parse uploads, and the
   * PostgreSQL backends of loads and preparations when the server is local and ours (lib/db/priority.ts). 0: off.
   */
  SEGMENTA_BACKGROUND_NICE: z.coerce.number().int().min(0).max(19).default(10),
  /** Every this many ms the web server logs its event-loop delay, database pool queue and memory (lib/monitor.ts; 0: never). */
  SEGMENTA_MONITOR_MS: z.coerce.number().int().min(0).default(0),
  /** Set to "0" to start without loading the sample dataset into an empty database. */
  SEGMENTA_SAMPLE: z.enum(["0", "1"]).default("1"),
  /** The first admin, created at start while there is no account (unattended installs); otherwise the setup page asks. */
  ADMIN_EMAIL: z.string().optional().or(z.literal("").transform(() => undefined)),
  ADMIN_PASSWORD: z.string().optional().or(z.literal("").transform(() => undefined)),
});

export type Env = z.infer<typeof EnvSchema>;

export function readEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = EnvSchema.safeParse(source);
  if (parsed.success && !parsed.data.ADMIN_EMAIL !== !parsed.data.ADMIN_PASSWORD) {
    throw new Error("Invalid environment:\n  ADMIN_EMAIL and ADMIN_PASSWORD go together: set both, or neither");
  }
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

/** SEGMENTA_BACKGROUND_NICE alone (read where a load or a pool starts; readEnv refuses a wrong value at start). */
export function backgroundNice(source: Record<string, string | undefined> = process.env): number {
  const parsed = EnvSchema.shape.SEGMENTA_BACKGROUND_NICE.safeParse(source.SEGMENTA_BACKGROUND_NICE);
  return parsed.success ? parsed.data : 10;
}
