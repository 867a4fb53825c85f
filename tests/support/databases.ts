import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { z } from "zod";
import { migrate } from "../../lib/db/migrate";
import { createPool } from "../../lib/db/pool";
import { rowsOf } from "../../lib/queries/rows";
import { preparerFor } from "../../lib/services/preparation";

/**
 * Databases for tests: each run (and each test that needs an empty database)
 * gets its own, created on the test server and dropped afterwards, so tests
 * never touch the data of a running dashboard, even on a shared server.
 */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function createDatabase(adminUrl: string, prefix: string): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 7)}`;
  const cluster = await citusNodes(adminUrl);
  await adminQuery(adminUrl, `create database "${name}"`);
  const url = withDatabase(adminUrl, name);
  if (cluster) await prepareCitusDatabase(url, name, cluster);
  return {
    name,
    url,
    drop: async () => {
      await adminQuery(adminUrl, `drop database if exists "${name}" with (force)`);
      for (const worker of cluster?.workers ?? []) await adminQuery(worker, `drop database if exists "${name}" with (force)`);
    },
  };
}

/**
 * When the test server is a Citus coordinator (the admin database has the extension): its own address and its
 * workers' admin URLs, from pg_dist_node. Citus keeps its node list per database and (unless
 * citus.enable_create_database_propagation is on) does not create databases on the workers, so a test database
 * is created on every node, given the extension, and the workers are registered in it (as
 * ../shared/citus/cluster.sh add-db does).
 */
interface CitusCluster {
  coordinator: { host: string; port: number };
  workers: string[];
}

async function citusNodes(adminUrl: string): Promise<CitusCluster | null> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query("select 1 from pg_extension where extname = 'citus'");
    if (!rowCount) return null;
    const Node = z.object({ nodename: z.string(), nodeport: z.number(), groupid: z.number() });
    const nodes = await rowsOf(client, Node, "select nodename, nodeport, groupid from pg_dist_node where noderole = 'primary' and isactive order by nodeid");
    const coordinator = nodes.find((n) => n.groupid === 0);
    const u = new URL(adminUrl);
    return {
      coordinator: coordinator ? { host: coordinator.nodename, port: coordinator.nodeport } : { host: u.hostname, port: Number(u.port || 5432) },
      workers: nodes
        .filter((n) => n.groupid !== 0)
        .map((n) => {
          const w = new URL(adminUrl);
          w.hostname = n.nodename;
          w.port = String(n.nodeport);
          return w.toString();
        }),
    };
  } finally {
    await client.end();
  }
}

async function prepareCitusDatabase(url: string, name: string, cluster: CitusCluster): Promise<void> {
  for (const worker of cluster.workers) {
    const client = new pg.Client({ connectionString: worker });
    await client.connect();
    try {
      const { rowCount } = await client.query("select 1 from pg_database where datname = $1", [name]);
      if (!rowCount) await client.query(`create database "${name}"`);
    } finally {
      await client.end();
    }
    await adminQuery(withDatabase(worker, name), "create extension if not exists citus");
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("create extension if not exists citus");
    await client.query("select citus_set_coordinator_host($1, $2)", [cluster.coordinator.host, cluster.coordinator.port]);
    for (const worker of cluster.workers) {
      const w = new URL(worker);
      await client.query("select citus_add_node($1, $2) where not exists (select 1 from pg_dist_node where nodename = $1 and nodeport = $2)", [w.hostname, Number(w.port)]);
    }
  } finally {
    await client.end();
  }
}

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  // Citus's notices about CREATE DATABASE not being propagated: this file does it.
  client.on("notice", () => {});
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh, empty folder for a throwaway PostgreSQL data directory, reachable by the postgres user. */
export function makeTempDataDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  fs.chmodSync(dir, 0o755);
  return path.join(dir, "pgdata");
}

/** A fresh database on the test server, migrated, with a pool; close() ends the pool and drops the database. */
export async function migratedDatabase(adminUrl: string, prefix: string, poolSize = 4): Promise<{ url: string; pool: pg.Pool; close: () => Promise<void> }> {
  const db = await createDatabase(adminUrl, prefix);
  await migrate(db.url);
  const pool = createPool(db.url, poolSize);
  return {
    url: db.url,
    pool,
    close: async () => {
      // The preparation a test's loads and runs set going stops before its database goes.
      await preparerFor(pool).stop();
      await pool.end();
      await db.drop();
    },
  };
}
