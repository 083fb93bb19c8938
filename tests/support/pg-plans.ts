/**
 * Reading PostgreSQL's query plans behind the local stack's FerretDB (query-plan tests): which
 * PostgreSQL the stack runs, psql against it, and the table FerretDB keeps for a collection.
 */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PgBackend {
  psql: string;
  port: string;
}

/** The stack's PostgreSQL, if the MONGODB_URL of this run is this checkout's FerretDB on it. */
export function stackPostgres(): { backend?: PgBackend; reason?: string } {
  const out = spawnSync('bash', ['scripts/stack', 'backend'], { encoding: 'utf8' });
  if (out.status !== 0) return { reason: `scripts/stack backend failed: ${out.stderr}` };
  const info = Object.fromEntries(out.stdout.split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  const mongoPort = new URL(process.env.MONGODB_URL ?? 'mongodb://127.0.0.1:27117').port;
  if (mongoPort !== info.mongo_port) return { reason: `MONGODB_URL (port ${mongoPort}) is not the local stack's FerretDB (port ${info.mongo_port})` };
  if (info.backend !== 'postgresql' || !info.psql || !info.pg_port) return { reason: `FerretDB runs on ${info.detail ?? 'an unknown backend'}, not PostgreSQL` };
  return { backend: { psql: info.psql, port: info.pg_port } };
}

/** Runs one statement through psql (unaligned, tuples only) and returns its output. */
export function psqlOn(backend: PgBackend | undefined): (query: string) => Promise<string> {
  return async (query) => {
    const args = ['-h', '127.0.0.1', '-p', backend!.port, '-U', 'postgres', '-d', 'ferretdb', '-qtAX', '-v', 'ON_ERROR_STOP=1', '-c', query];
    const { stdout } = await run(backend!.psql, args, { maxBuffer: 1 << 20 });
    return stdout.trim();
  };
}

/** An SQL string literal. */
export const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * The PostgreSQL table FerretDB keeps for each collection of `schema` (the database name),
 * analysed as autovacuum would after the table grew, so the planner knows its size.
 */
export async function ferretTables(sql: (query: string) => Promise<string>, schema: string, names: string[]): Promise<Map<string, string>> {
  const tables = new Map<string, string>();
  for (const name of names) {
    const table = await sql(`SELECT _jsonb->>'table' FROM ${JSON.stringify(schema)}._ferretdb_database_metadata WHERE _jsonb->>'_id' = ${literal(name)}`);
    if (!/^[a-z_]+_[0-9a-f]{8}$/.test(table)) throw new Error(`FerretDB's table of ${name}: '${table}'`);
    tables.set(name, table);
    await sql(`ANALYZE ${JSON.stringify(schema)}.${JSON.stringify(table)}`);
  }
  return tables;
}
