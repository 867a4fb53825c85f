import pg from "pg";

// Timestamps without a time zone (invoice dates are shop-local) stay as the text
// PostgreSQL sends: turning them into a JS Date would shift them by the server's zone.
pg.types.setTypeParser(pg.types.builtins.TIMESTAMP, (value) => value);
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);

export function createPool(connectionString: string, max = 10): pg.Pool {
  return new pg.Pool({ connectionString, max, application_name: "segmenta" });
}
