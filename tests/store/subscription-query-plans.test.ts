/**
 * The message and signal lookups (src/messaging) are indexed equalities, never a scan of
 * cases or subscriptions: PostgreSQL's plan for the SQL FerretDB 1.24 sends, and the table's
 * scan counters while the real command runs through FerretDB (as tests/store/query-plans.test.ts).
 * Needs the local stack on PostgreSQL; on any other backend the file is skipped, with the reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type Database } from '../../src/store/mongo.js';
import { messageKey, signalKey, signalUnitKey, type SubscriptionDoc } from '../../src/store/subscriptions.js';
import { dropStores, eventually, isolatedEnv } from '../support/harness.js';
import { ferretTables, literal, psqlOn, stackPostgres } from '../support/pg-plans.js';

const { backend, reason } = stackPostgres();
if (!backend) console.warn(`tests/store/subscription-query-plans.test.ts skipped: ${reason}`);
const sql = psqlOn(backend);

const ROWS = 3_000;
const caseId = (i: number) => `case-${String(i).padStart(5, '0')}`;

/** Waiting cases: every one waits for a message by its own key, one in three for a signal too. */
function subscriptions(): SubscriptionDoc[] {
  const docs: SubscriptionDoc[] = [];
  for (let i = 0; i < ROWS; i++) {
    const unit = `xa-${i % 100}`;
    const base = { caseId: caseId(i), unitIds: [unit], activityId: 'wait', executionId: `wait_${i}`, createdAt: '2026-01-01T00:00:00Z' };
    docs.push({ ...base, _id: `${caseId(i)}|wait_${i}|0`, kind: 'message', key: messageKey('bo-sung', `HS-${i}`), unitKeys: [] });
    if (i % 3 === 0) docs.push({ ...base, _id: `${caseId(i)}|sig_${i}|s`, kind: 'signal', key: signalKey(`doi-lich-${i % 30}`), unitKeys: [signalUnitKey(`doi-lich-${i % 30}`, unit)] });
  }
  return docs;
}

interface Lookup {
  name: string;
  collection: 'subscriptions' | 'procedures';
  field: string;
  value: unknown;
  command: (d: Database) => Promise<unknown>;
}

const lookups: Lookup[] = [
  {
    name: 'POST /v1/messages: the cases waiting for (name, correlation value)',
    collection: 'subscriptions',
    field: 'key',
    value: messageKey('bo-sung', 'HS-1234'),
    command: (d) => d.collections.subscriptions.find({ key: messageKey('bo-sung', 'HS-1234') }, { projection: { caseId: 1, unitIds: 1 } }).limit(100).toArray(),
  },
  {
    name: 'broadcast of an unscoped sender: the next batch of the signal’s subscriptions',
    collection: 'subscriptions',
    field: 'key',
    value: signalKey('doi-lich-7'),
    command: (d) => d.collections.subscriptions.find({ key: signalKey('doi-lich-7'), _id: { $gt: 'case-01000' } }).sort({ _id: 1 }).limit(100).toArray(),
  },
  {
    name: 'broadcast in a scope: the next batch of one unit’s subscriptions',
    collection: 'subscriptions',
    field: 'unitKeys',
    value: signalUnitKey('doi-lich-7', 'xa-7'),
    command: (d) => d.collections.subscriptions.find({ unitKeys: signalUnitKey('doi-lich-7', 'xa-7') } as never).sort({ _id: 1 }).limit(100).toArray(),
  },
  {
    name: 'message and signal starts: the procedures with that start',
    collection: 'procedures',
    field: 'startTriggers',
    value: 'message:ho-so-lien-thong',
    command: (d) => d.collections.procedures.find({ startTriggers: 'message:ho-so-lien-thong' } as never, { projection: { key: 1, version: 1 } }).toArray(),
  },
];

describe.skipIf(!backend)('query plans of the message and signal lookups on PostgreSQL', () => {
  const env = isolatedEnv('subscription_plans');
  const schema = new URL(env.MONGODB_URL).pathname.slice(1);
  let db: Database;
  const tables = new Map<string, string>();

  beforeAll(async () => {
    db = await connectDatabase(env.MONGODB_URL);
    const subs = subscriptions();
    for (let i = 0; i < subs.length; i += 1_000) await db.collections.subscriptions.insertMany(subs.slice(i, i + 1_000));
    const procedures = Array.from({ length: ROWS }, (_, i) => ({
      _id: `p-${i}@1`,
      key: `p-${i}`,
      version: 1,
      name: `p-${i}`,
      hash: `h-${i}`,
      xml: '',
      schemaJson: null,
      createdAt: '2026-01-01T00:00:00Z',
      publishedBy: null,
      ...(i % 500 === 0 ? { startTriggers: ['message:ho-so-lien-thong'] } : i % 7 === 0 ? { startTriggers: [`signal:s-${i}`] } : {}),
    }));
    for (let i = 0; i < procedures.length; i += 1_000) await db.collections.procedures.insertMany(procedures.slice(i, i + 1_000));
    for (const [name, table] of await ferretTables(sql, schema, ['subscriptions', 'procedures'])) tables.set(name, table);
  }, 180_000);

  afterAll(async () => {
    await db?.close();
    await dropStores(env);
  }, 60_000);

  for (const l of lookups) {
    it(`plan: ${l.name} uses an index, not a Seq Scan`, async () => {
      const table = `${JSON.stringify(schema)}.${JSON.stringify(tables.get(l.collection))}`;
      const execute = `EXECUTE q(${literal(l.field)}, ${literal(JSON.stringify(l.value))})`;
      const plan = await sql(
        [`PREPARE q(text, jsonb) AS SELECT _jsonb FROM ${table} WHERE _jsonb->$1 @> $2`, ...Array(6).fill(execute), `EXPLAIN (COSTS OFF) ${execute}`].join('; '),
      );
      expect(plan, plan).not.toContain('Seq Scan');
      expect(plan, plan).toMatch(/Index Scan|Bitmap Index Scan/);
    });
  }

  it('FerretDB: the correlation lookup reads through the index (no sequential scan of subscriptions)', async () => {
    const lookup = lookups[0]!;
    const table = tables.get('subscriptions')!;
    const index = `${table}_eq_key`;
    const counters = async () => {
      const row = await sql(
        `SELECT t.seq_scan, i.idx_scan FROM pg_stat_user_tables t JOIN pg_stat_user_indexes i ON i.relid = t.relid
         WHERE t.schemaname = ${literal(schema)} AND t.relname = ${literal(table)} AND i.indexrelname = ${literal(index)}`,
      );
      const [seq, idx] = row.split('|').map(Number);
      return { seq: seq!, idx: idx! };
    };
    // Counters settle once unchanged for longer than PostgreSQL's idle reporting interval (10 s).
    const settled = async () => {
      let last = await counters();
      let since = Date.now();
      return eventually(async () => {
        await new Promise((r) => setTimeout(r, 1_000));
        const now = await counters();
        if (now.seq !== last.seq || now.idx !== last.idx) {
          last = now;
          since = Date.now();
          return undefined;
        }
        return Date.now() - since >= 11_000 ? now : undefined;
      }, 120_000, 0);
    };
    const before = await settled();
    for (let i = 0; i < 3; i++) await lookup.command(db);
    await eventually(async () => ((await counters()).idx >= before.idx + 3 ? true : undefined), 60_000, 500);
    const after = await settled();
    expect(after.seq - before.seq, `sequential scans of subscriptions (${ROWS}+ rows) during "${lookup.name}"`).toBe(0);
  }, 300_000);
});
