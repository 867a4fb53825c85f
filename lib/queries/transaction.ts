import type pg from "pg";

/**
 * Transactions for the data-access layer: `work` between begin and commit on
 * `client` (rolled back if it throws), or on a connection of its own taken from
 * the pool and released after (inTransaction).
 */
export async function transaction<T>(client: pg.ClientBase, work: (rollback: <V>(value: V) => V) => Promise<T>): Promise<T> {
  let rolledBack = false;
  // `return rollback(value)` ends the transaction without committing and answers `value`.
  const rollback = <V>(value: V): V => {
    rolledBack = true;
    return value;
  };
  await client.query("begin");
  try {
    const result = await work(rollback);
    await client.query(rolledBack ? "rollback" : "commit");
    return result;
  } catch (error) {
    await client.query("rollback").catch(() => {});
    throw error;
  }
}

export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient, rollback: <V>(value: V) => V) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    return await transaction(client, (rollback) => work(client, rollback));
  } finally {
    client.release();
  }
}
