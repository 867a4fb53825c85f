import pg from "pg";

// Timestamps without a time zone (invoice dates are shop-local) stay as the text
// PostgreSQL sends: turning them into a JS Date would shift them by the server's zone.
pg.types.setTypeParser(pg.types.builtins.TIMESTAMP, (value) => value);
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);

export function createPool(connectionString: string, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString, max, application_name: "segmenta" });
  // An idle connection the server ends (a restart, a stop) is dropped and replaced, not a crash.
  pool.on("error", (error) => console.error(`[segmenta] database connection lost: ${error.message}`));
  return pool;
}
