import fs from "node:fs";
import path from "node:path";
import { get_dmmf } from "@prisma/prisma-schema-wasm";
import pg from "pg";
import { z } from "zod";
import { rowsOf } from "../queries/rows";

/**
 * Compares prisma/schema.prisma with a live database, as `prisma migrate diff`
 * would if its schema engine could be downloaded here: tables, columns, column
 * types (native types included), nullability, enums, indexes and foreign keys.
 * Partitions (lib/ingest/storage.ts) are part of their table, not tables of
 * their own, and are not compared.
 * Returns one sentence per difference; an empty list means they agree.
 */
interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: "scalar" | "object" | "enum" | "unsupported";
  isList: boolean;
  isRequired: boolean;
  type: string;
  nativeType?: [string, string[]] | null;
  relationFromFields?: string[];
  relationToFields?: string[];
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}
interface DmmfIndex {
  model: string;
  type: "id" | "unique" | "normal" | "fulltext";
  dbName?: string | null;
  /** Index method when not a b-tree ("Brin", "Hash", "Gin", ...). */
  algorithm?: string;
  fields: { name: string }[];
}
interface Dmmf {
  datamodel: {
    models: DmmfModel[];
    enums: { name: string; dbName: string | null; values: { name: string; dbName: string | null }[] }[];
    indexes: DmmfIndex[];
  };
}

/**
 * The schema as Prisma reads it. Prisma leaves @@ignore'd models (the bulk
 * tables without a key) out of its DMMF; the drift check must still compare
 * them, so they are read with a stand-in key on their first field, which is
 * then dropped from the indexes.
 */
export function readDmmf(schemaPath = path.resolve("prisma/schema.prisma")): Dmmf {
  const ignored: string[] = [];
  const schema = fs.readFileSync(schemaPath, "utf8").replace(/^model (\w+) \{\n([\s\S]*?)^\}/gm, (block, name: string, body: string) => {
    if (!/^\s*@@ignore\s*$/m.test(body)) return block;
    ignored.push(name);
    const first = /^\s*(\w+)\s/m.exec(body.replace(/^\s*\/\/.*$/gm, ""))![1]!;
    return block.replace(/^(\s*)@@ignore\s*$/m, `$1@@id([${first}])`);
  });
  const dmmf = JSON.parse(get_dmmf(JSON.stringify({ prismaSchema: [[path.basename(schemaPath), schema]] }))) as Dmmf;
  dmmf.datamodel.indexes = dmmf.datamodel.indexes.filter((index) => !(index.type === "id" && ignored.includes(index.model)));
  return dmmf;
}

/** The type PostgreSQL's format_type() prints for a Prisma field. */
function expectedType(field: DmmfField, enums: Map<string, string>): string {
  if (field.kind === "enum") return `"${enums.get(field.type) ?? field.type}"`.replace(/^"([a-z_][a-z0-9_]*)"$/, "$1");
  const [native, args = []] = field.nativeType ?? [];
  const withArgs = (base: string) => (args.length ? `${base}(${args.join(",")})` : base);
  let type: string;
  switch (field.type) {
    case "String":
      type = native === "VarChar" ? withArgs("character varying") : native === "Char" ? withArgs("character") : native === "Uuid" ? "uuid" : "text";
      break;
    case "Int":
      type = native === "SmallInt" ? "smallint" : "integer";
      break;
    case "BigInt":
      type = "bigint";
      break;
    case "Float":
      type = native === "Real" ? "real" : "double precision";
      break;
    case "Boolean":
      type = "boolean";
      break;
    case "Decimal":
      type = native === "Money" ? "money" : `numeric(${(args.length ? args : ["65", "30"]).join(",")})`;
      break;
    case "DateTime": {
      const precision = args[0] ?? "3";
      type =
        native === "Date" ? "date" : native === "Timestamptz" ? `timestamp(${precision}) with time zone` : `timestamp(${precision}) without time zone`;
      break;
    }
    case "Json":
      type = native === "Json" ? "json" : "jsonb";
      break;
    case "Bytes":
      type = "bytea";
      break;
    default:
      type = field.type;
  }
  return field.isList ? `${type}[]` : type;
}

// The catalog's rows schemaDrift reads: columns, enums, indexes and foreign keys of the current schema.
const ColumnRow = z.object({ table: z.string(), column: z.string(), type: z.string(), not_null: z.boolean() });
const EnumRow = z.object({ name: z.string(), values: z.array(z.string()) });
const IndexRow = z.object({ table: z.string(), columns: z.array(z.string()), is_unique: z.boolean(), is_primary: z.boolean(), method: z.string() });
const ForeignKeyRow = z.object({ table: z.string(), columns: z.array(z.string()), target: z.string(), target_columns: z.array(z.string()) });

export async function schemaDrift(databaseUrl: string, dmmf: Dmmf = readDmmf()): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const columns = await rowsOf(client, ColumnRow, `
      select c.relname as table, a.attname as column, format_type(a.atttypid, a.atttypmod) as type, a.attnotnull as not_null
      from pg_attribute a
      join pg_class c on c.oid = a.attrelid and c.relkind in ('r', 'p') and not c.relispartition
      join pg_namespace n on n.oid = c.relnamespace and n.nspname = current_schema()
      where a.attnum > 0 and not a.attisdropped`);
    const enumRows = await rowsOf(client, EnumRow, `
      select t.typname as name, array_agg(e.enumlabel order by e.enumsortorder)::text[] as values
      from pg_type t join pg_enum e on e.enumtypid = t.oid
      join pg_namespace n on n.oid = t.typnamespace and n.nspname = current_schema()
      group by t.typname`);
    const indexRows = await rowsOf(client, IndexRow, `
      select t.relname as table, i.indisunique as is_unique, i.indisprimary as is_primary, am.amname as method,
             array(select a.attname from unnest(i.indkey) with ordinality k(attnum, ord)
                   join pg_attribute a on a.attrelid = t.oid and a.attnum = k.attnum order by k.ord)::text[] as columns
      from pg_index i join pg_class t on t.oid = i.indrelid and not t.relispartition
      join pg_class ic on ic.oid = i.indexrelid join pg_am am on am.oid = ic.relam
      join pg_namespace n on n.oid = t.relnamespace and n.nspname = current_schema()`);
    const fkRows = await rowsOf(client, ForeignKeyRow, `
      select c.conrelid::regclass::text as table, ft.relname as target,
             array(select a.attname from unnest(c.conkey) with ordinality k(n, o) join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.n order by k.o)::text[] as columns,
             array(select a.attname from unnest(c.confkey) with ordinality k(n, o) join pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.n order by k.o)::text[] as target_columns
      from pg_constraint c join pg_class ft on ft.oid = c.confrelid
      where c.contype = 'f' and c.connamespace = current_schema()::regnamespace`);

    const problems: string[] = [];
    const live = new Map<string, Map<string, { type: string; notNull: boolean }>>();
    for (const r of columns) {
      if (!live.has(r.table)) live.set(r.table, new Map());
      live.get(r.table)!.set(r.column, { type: r.type, notNull: r.not_null });
    }
    const enums = new Map(dmmf.datamodel.enums.map((e) => [e.name, e.dbName ?? e.name]));
    const models = new Map(dmmf.datamodel.models.map((m) => [m.name, m]));
    const tableOf = (m: DmmfModel) => m.dbName ?? m.name;
    const columnOf = (model: DmmfModel, fieldName: string) => {
      const f = model.fields.find((x) => x.name === fieldName)!;
      return f.dbName ?? f.name;
    };

    for (const e of dmmf.datamodel.enums) {
      const name = e.dbName ?? e.name;
      const found = enumRows.find((r) => r.name === name);
      const wanted = e.values.map((v) => v.dbName ?? v.name);
      if (!found) problems.push(`enum ${e.name}: type "${name}" is missing`);
      else if (found.values.join(",") !== wanted.join(",")) {
        problems.push(`enum ${e.name}: database has (${found.values.join(", ")}), schema has (${wanted.join(", ")})`);
      }
    }

    for (const model of dmmf.datamodel.models) {
      const table = tableOf(model);
      const liveColumns = live.get(table);
      if (!liveColumns) {
        problems.push(`model ${model.name}: table "${table}" is missing`);
        continue;
      }
      const modelled = new Set<string>();
      for (const field of model.fields) {
        if (field.kind === "object") continue;
        const column = field.dbName ?? field.name;
        modelled.add(column);
        const found = liveColumns.get(column);
        if (!found) {
          problems.push(`${model.name}.${field.name}: column "${table}"."${column}" is missing`);
          continue;
        }
        const type = expectedType(field, enums);
        if (found.type !== type) problems.push(`${model.name}.${field.name}: column "${table}"."${column}" is ${found.type}, schema says ${type}`);
        if (found.notNull !== field.isRequired) {
          problems.push(`${model.name}.${field.name}: column "${table}"."${column}" is ${found.notNull ? "NOT NULL" : "nullable"}, schema says ${field.isRequired ? "required" : "optional"}`);
        }
      }
      for (const [column] of liveColumns) {
        if (!modelled.has(column)) problems.push(`model ${model.name}: column "${table}"."${column}" is not in the schema`);
      }
      for (const field of model.fields.filter((f) => f.kind === "object" && f.relationFromFields?.length)) {
        const target = models.get(field.type)!;
        const cols = field.relationFromFields!.map((n) => columnOf(model, n));
        const targetCols = field.relationToFields!.map((n) => columnOf(target, n));
        const fk = fkRows.find((r) => r.table.replaceAll('"', "") === table && r.columns.join() === cols.join());
        if (!fk || fk.target !== tableOf(target) || fk.target_columns.join() !== targetCols.join()) {
          problems.push(`${model.name}.${field.name}: no foreign key "${table}"(${cols.join(", ")}) -> "${tableOf(target)}"(${targetCols.join(", ")})`);
        }
      }
    }

    for (const index of dmmf.datamodel.indexes) {
      const model = models.get(index.model)!;
      const table = tableOf(model);
      const cols = index.fields.map((f) => columnOf(model, f.name));
      const match = indexRows.find(
        (r) =>
          r.table === table &&
          r.columns.join() === cols.join() &&
          r.method === (index.algorithm ?? "BTree").toLowerCase() &&
          (index.type === "id" ? r.is_primary : index.type === "unique" ? r.is_unique : !r.is_primary),
      );
      if (!match) {
        const kind = `${index.type === "normal" ? "" : `${index.type} `}${index.algorithm ? `${index.algorithm.toUpperCase()} ` : ""}`;
        problems.push(`model ${model.name}: no ${kind}index on "${table}"(${cols.join(", ")})`);
      }
    }

    const tables = new Set(dmmf.datamodel.models.map(tableOf));
    for (const table of live.keys()) {
      if (!tables.has(table) && table !== "_prisma_migrations") problems.push(`table "${table}" is not in the schema`);
    }
    return problems;
  } finally {
    await client.end();
  }
}
