import type pg from "pg";
import { hasCitus } from "./citus";

/**
 * On a Citus cluster, the app's database runs its queries without JIT compilation: `ALTER DATABASE ... SET jit =
 * off`, which Citus makes on every node, so it holds for the app's sessions on the coordinator and for the
 * connections the coordinator opens to the workers for each query's tasks (a session's own SET reaches neither
 * those connections nor a worker). Why: PostgreSQL compiles a plan whose estimated cost passes jit_above_cost, and
 * on a cluster the estimates are made without the data (an intermediate result, read_intermediate_result, counts
 * as 1,000 rows; a generate_series as 1,000), so small statements crossed it: each of a query's up to 32 shard
 * tasks compiled on its own (~1 s each for segment-columns), and on a one-line dataset the coordinator's last step
 * of order-value-distribution.sql spent 340 ms of its 390 in LLVM. The answers do not change. Called at every
 * start after the layout (a node added since gets it then); nothing on one server, where the estimates come from
 * the data and the server's setting stays. A role that may not alter the database keeps JIT, with a warning.
 */
export async function sessionSettingsForCitus(client: pg.ClientBase, log: (line: string) => void = () => {}): Promise<boolean> {
  if (!(await hasCitus(client))) return false;
  try {
    await client.query("do $$ begin execute format('alter database %I set jit = off', current_database()); end $$");
    return true;
  } catch (error) {
    log(`warning: could not turn JIT off for the database (${error instanceof Error ? error.message : String(error)}); queries on the cluster will be slower`);
    return false;
  }
}
