/**
 * The hot lookups must not scan a collection that grows with history. FerretDB 1.24 turns
 * `{field: value}` into `WHERE _jsonb->'field' @> 'value'`, which only the GIN indexes of
 * scripts/lib/pg-indexes.sql can serve (docs/local-stack.md, "Indexes"). Two checks per
 * command: PostgreSQL's plan for that SQL, and the table's scan counters while the real
 * command runs through FerretDB (so a FerretDB that sends other SQL fails too).
 * Needs the local stack on PostgreSQL; on any other backend the file is skipped, with the reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type Database } from '../../src/store/mongo.js';
import { dropStores, eventually, isolatedEnv } from '../support/harness.js';
import { ferretTables, literal, psqlOn, stackPostgres } from '../support/pg-plans.js';

const { backend, reason } = stackPostgres();
if (!backend) console.warn(`tests/store/query-plans.test.ts skipped: ${reason}`);
const sql = psqlOn(backend);

/** One of the service's equality lookups: FerretDB sends `WHERE _jsonb->field @> value`. */
interface HotLookup {
  name: string;
  collection: string;
  field: string;
  value: unknown;
  command: (db: Database) => Promise<unknown>;
}

const ROWS = 3_000;
const caseId = (i: number) => `case-${String(i).padStart(5, '0')}`;
const at = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();

const hot: HotLookup[] = [
  { name: 'load a case by id', collection: 'cases', field: '_id', value: caseId(1234), command: (d) => d.collections.cases.findOne({ _id: caseId(1234) }) },
  {
    name: 'write a case (replaceOne by id and revision)',
    collection: 'cases',
    field: '_id',
    value: caseId(77),
    command: async (d) => {
      const doc = await d.collections.cases.findOne({ _id: caseId(77) });
      await d.collections.cases.replaceOne({ _id: caseId(77), revision: doc!.revision }, { ...doc!, revision: doc!.revision + 1 });
    },
  },
  { name: 'load a task by id', collection: 'tasks', field: '_id', value: 'task-02001', command: (d) => d.collections.tasks.findOne({ _id: 'task-02001' }) },
  { name: 'history of a case', collection: 'history', field: 'caseId', value: caseId(42), command: (d) => d.collections.history.find({ caseId: caseId(42) }).sort({ seq: 1 }).toArray() },
  { name: 'tasks of a case', collection: 'tasks', field: 'caseId', value: caseId(42), command: (d) => d.collections.tasks.find({ caseId: caseId(42) }).toArray() },
  {
    name: 'open tasks (the inbox listing filters status first)',
    collection: 'tasks',
    field: 'status',
    value: 'open',
    command: (d) => d.collections.tasks.find({ status: 'open' }).sort({ createdAt: 1, _id: 1 }).limit(20).toArray(),
  },
  {
    name: "one unit's work list (a desk officer's inbox)",
    collection: 'tasks',
    field: 'unitId',
    value: 'xa-7',
    command: (d) => d.collections.tasks.find({ status: 'open', unitId: 'xa-7' }).sort({ createdAt: 1, _id: 1 }).limit(20).toArray(),
  },
  {
    // The reconciler, the calendar-change sweep and the SLA report's open part (one equality per open status).
    name: 'open cases, streamed in batches',
    collection: 'cases',
    field: 'status',
    value: 'active',
    command: async (d) => {
      for await (const doc of d.collections.cases.find({ status: 'active' }, { projection: { _id: 1, clock: 1, waits: 1 } }).batchSize(100)) void doc;
    },
  },
  {
    // The recovery sweep: FerretDB pushes the equality on `applied` down (the GIN index keeps
    // it to the commits in flight) and applies the range and the sort to those few rows.
    name: 'recovery sweep (unapplied commits)',
    collection: 'commits',
    field: 'applied',
    value: false,
    command: (d) => d.collections.commits.find({ applied: false, at: { $lt: new Date().toISOString() } }).sort({ at: 1 }).limit(100).toArray(),
  },
  { name: 'roll forward: the next revision of a case', collection: 'commits', field: '_id', value: `${caseId(42)}#2`, command: (d) => d.collections.commits.findOne({ _id: `${caseId(42)}#2` }) },
  // Cursor paging (src/cases/paging.ts): one equality query per unit in scope; the cursor's
  // range ($or on the sort key and _id) and the sort are applied by FerretDB in Go to that unit's rows.
  {
    name: "listing: one unit's cases (GET /v1/cases scoped, one query per unit)",
    collection: 'cases',
    field: 'unitIds',
    value: 'xa-7',
    command: (d) => d.collections.cases.find({ unitIds: 'xa-7' } as never).sort({ createdAt: -1, _id: -1 }).limit(51).toArray(),
  },
  {
    name: "listing: the next page of one unit's cases (cursor)",
    collection: 'cases',
    field: 'unitIds',
    value: 'xa-7',
    command: (d) =>
      d.collections.cases
        .find({ unitIds: 'xa-7', $or: [{ createdAt: { $lt: at(1500) } }, { createdAt: at(1500), _id: { $lt: caseId(1500) } }] } as never)
        .sort({ createdAt: -1, _id: -1 })
        .limit(51)
        .toArray(),
  },
  {
    name: "listing: one unit's dossiers (GET /v1/dossiers scoped)",
    collection: 'cases',
    field: 'unitIds',
    value: 'xa-7',
    command: (d) => d.collections.cases.find({ unitIds: 'xa-7', dossier: { $ne: null } } as never).sort({ createdAt: -1, _id: -1 }).limit(51).toArray(),
  },
  {
    name: 'listing: a dossier by its code (GET /v1/dossiers?code=)',
    collection: 'cases',
    field: 'dossierCode',
    value: 'HS-01234',
    command: (d) => d.collections.cases.find({ dossier: { $ne: null }, dossierCode: 'HS-01234' } as never).sort({ createdAt: -1, _id: -1 }).limit(51).toArray(),
  },
  {
    name: "listing: the next page of one unit's open tasks (cursor)",
    collection: 'tasks',
    field: 'unitId',
    value: 'xa-7',
    command: (d) =>
      d.collections.tasks
        .find({ unitId: 'xa-7', status: 'open', $or: [{ createdAt: { $gt: at(100) } }, { createdAt: at(100), _id: { $gt: 'task-00100' } }] } as never)
        .sort({ createdAt: 1, _id: 1 })
        .limit(51)
        .toArray(),
  },
  // GET /v1/reports/sla (src/cases/sla-report.ts): finished figures from the counter rows of
  // the period (src/cases/sla-counter-store.ts), open cases by unit and status.
  {
    name: "SLA report: a unit's counter rows of a whole month",
    collection: 'monitoring_counts',
    field: 'key',
    value: 'sla:xa-7|2026-03',
    command: (d) => d.db.collection('monitoring_counts').find({ key: 'sla:xa-7|2026-03' }).toArray(),
  },
  {
    name: "SLA report: the day rows of a unit's partial month",
    collection: 'monitoring_counts',
    field: 'key',
    value: 'sla:xa-7|2026-03|days',
    command: (d) => d.db.collection('monitoring_counts').find({ key: 'sla:xa-7|2026-03|days' }).toArray(),
  },
  {
    name: "SLA report: one unit's open cases",
    collection: 'cases',
    field: 'unitIds',
    value: 'xa-7',
    command: (d) => d.collections.cases.find({ status: 'active', unitIds: 'xa-7' }, { projection: { _id: 1, procedureKey: 1, clock: 1, dossier: 1, unitId: 1 } }).toArray(),
  },
  {
    name: "listing: one unit's escalations (GET /v1/escalations scoped)",
    collection: 'escalations',
    field: 'unitIds',
    value: 'xa-7',
    command: (d) => d.collections.escalations.find({ unitIds: 'xa-7' }).sort({ at: -1, _id: -1 }).limit(51).toArray(),
  },
  // GET /v1/monitoring/overdue, /due-soon, /escalations (src/monitoring/open-work.ts): the open
  // task rows of one unit (or '*', the province) by `openWork`, whose posting list holds only
  // that unit's open work; the due range, the cursor and the sort are applied in Go to those rows.
  {
    name: "monitoring lists: one unit's overdue page",
    collection: 'tasks',
    field: 'openWork',
    value: 'xa-20',
    command: (d) =>
      d.collections.tasks
        .find({ openWork: 'xa-20', status: 'open', caseDueAt: { $lte: at(2000) } } as never)
        .sort({ workOrder: 1, _id: 1 })
        .limit(51)
        .toArray(),
  },
  {
    name: "monitoring lists: the province's next due-soon page (cursor)",
    collection: 'tasks',
    field: 'openWork',
    value: '*',
    command: (d) =>
      d.collections.tasks
        .find({
          openWork: '*', status: 'open', caseDueAt: { $gt: at(100), $lte: at(2900) },
          $or: [{ workOrder: { $gt: `${at(100)}|HS-1` } }, { workOrder: `${at(100)}|HS-1`, _id: { $gt: 'task-00100' } }],
        } as never)
        .sort({ workOrder: 1, _id: 1 })
        .limit(51)
        .toArray(),
  },
  {
    name: 'monitoring lists: escalations of an open dossier',
    collection: 'escalations',
    field: 'caseId',
    value: caseId(42),
    command: (d) => d.collections.escalations.find({ caseId: caseId(42) }).toArray(),
  },
  {
    name: "monitoring: a unit's month (summary, monthly trend)",
    collection: 'monitoring_counts',
    field: 'unitPeriod',
    value: 'xa-7|2026-03',
    command: (d) => d.db.collection('monitoring_counts').find({ unitPeriod: 'xa-7|2026-03' }).toArray(),
  },
  {
    name: "monitoring: the days of a unit's month (a partial month, daily trend)",
    collection: 'monitoring_counts',
    field: 'unitMonth',
    value: 'xa-7|2026-03',
    command: (d) => d.db.collection('monitoring_counts').find({ unitMonth: 'xa-7|2026-03' }).toArray(),
  },
];

describe.skipIf(!backend)('query plans of the hot lookups on PostgreSQL', () => {
  const env = isolatedEnv('query_plans');
  const schema = new URL(env.MONGODB_URL).pathname.slice(1);
  let db: Database;
  const tables = new Map<string, string>();

  beforeAll(async () => {
    db = await connectDatabase(env.MONGODB_URL);
    const c = db.collections;
    // History that has accumulated: mostly finished cases and tasks, a little open work.
    // Listing keys as src/store/listing-keys.ts writes them: one unit in 100, every third case a dossier.
    const cases = Array.from({ length: ROWS }, (_, i) => ({
      _id: caseId(i),
      revision: 1,
      status: i % 50 === 0 ? 'active' : 'completed',
      procedureKey: 'p',
      createdAt: at(i),
      updatedAt: at(i),
      unitId: `xa-${i % 100}`,
      unitIds: [`xa-${i % 100}`],
      dossier: i % 3 === 0 ? { code: `HS-${String(i).padStart(5, '0')}`, unitIds: [`xa-${i % 100}`] } : null,
      dossierCode: i % 3 === 0 ? `HS-${String(i).padStart(5, '0')}` : null,
    }));
    const escalations = Array.from({ length: ROWS }, (_, i) => ({ _id: `e-${i}`, caseId: caseId(i % 1000), kind: i % 2 ? 'reminder' : 'breach', at: at(i), unitIds: [`xa-${i % 100}`] }));
    const tasks = Array.from({ length: ROWS }, (_, i) => ({
      _id: `task-${String(i).padStart(5, '0')}`,
      caseId: caseId(i % 1000),
      status: i % 100 === 0 ? 'open' : 'completed',
      unitId: `xa-${i % 40}`,
      createdAt: at(i),
      // The monitoring lists' fields (src/monitoring/work-fields.ts): keyed only while open.
      openWork: i % 100 === 0 ? ['*', `xa-${i % 40}`] : [],
      caseDueAt: at(i),
      workOrder: `${at(i)}|HS-${i}`,
    }));
    const history = Array.from({ length: ROWS }, (_, i) => ({ _id: `h-${i}`, caseId: caseId(i % 1000), seq: Math.floor(i / 1000), at: at(i) }));
    // Applied commits keep no payload; one in a hundred is still in flight.
    const commits = Array.from({ length: ROWS }, (_, i) => ({ _id: `${caseId(i % 1000)}#${Math.floor(i / 1000) + 1}`, caseId: caseId(i % 1000), revision: Math.floor(i / 1000) + 1, at: at(i), applied: i % 100 !== 0, writer: 'w' }));
    // Counter rows of years of days: 40 units × 75 days, each day row with its month key
    // (every other one an SLA report day row, keyed by unit and month).
    const counts = Array.from({ length: ROWS }, (_, i) => {
      const unit = `xa-${i % 40}`;
      const day = at(Math.floor(i / 40) * 1440).slice(0, 10);
      if (i % 2) return { _id: `sla:${unit}|${day.slice(0, 7)}|days|${day}|p|`, key: `sla:${unit}|${day.slice(0, 7)}|days`, unitId: unit, period: day, procedureKey: 'p', activityId: '', early: 1 };
      return { _id: `${unit}|${day}|p`, unitId: unit, period: day, procedureKey: 'p', unitPeriod: `${unit}|${day}`, unitMonth: `${unit}|${day.slice(0, 7)}`, counts: { received: 1 } };
    });
    for (const [col, docs] of [
      [db.db.collection('monitoring_counts'), counts],
      [c.cases, cases],
      [c.tasks, tasks],
      [c.history, history],
      [c.commits, commits],
      [c.escalations, escalations],
    ] as const) {
      for (let i = 0; i < docs.length; i += 1_000) await (col as unknown as { insertMany(d: unknown[]): Promise<unknown> }).insertMany(docs.slice(i, i + 1_000));
    }
    for (const [name, table] of await ferretTables(sql, schema, ['cases', 'tasks', 'history', 'commits', 'escalations', 'monitoring_counts'])) tables.set(name, table);
  }, 180_000);

  afterAll(async () => {
    await db?.close();
    await dropStores(env);
  }, 60_000);

  it('every collection FerretDB created has the GIN index on _jsonb->_id', async () => {
    for (const [name, table] of tables) {
      const defs = await sql(`SELECT indexdef FROM pg_indexes WHERE schemaname = ${literal(schema)} AND tablename = ${literal(table)}`);
      expect(defs, name).toContain(`USING gin (((_jsonb -> '_id'::text)) jsonb_path_ops)`);
    }
  });

  for (const h of hot) {
    it(`plan: ${h.name} uses an index, not a Seq Scan`, async () => {
      const table = `${JSON.stringify(schema)}.${JSON.stringify(tables.get(h.collection))}`;
      // FerretDB's exact statement, prepared like pgx does; six runs, past the point where
      // PostgreSQL may switch a prepared statement to a generic plan (blind to the field).
      const execute = `EXECUTE q(${literal(h.field)}, ${literal(JSON.stringify(h.value))})`;
      const plan = await sql(
        [`PREPARE q(text, jsonb) AS SELECT _jsonb FROM ${table} WHERE _jsonb->$1 @> $2`, ...Array(6).fill(execute), `EXPLAIN (COSTS OFF) ${execute}`].join('; '),
      );
      expect(plan, plan).not.toContain('Seq Scan');
      expect(plan, plan).toMatch(/Index Scan|Bitmap Index Scan/);
    });

    it(`FerretDB: ${h.name} reads through the index`, async () => {
      const table = tables.get(h.collection)!;
      const index = `${table}_eq_${h.field.toLowerCase().replace(/\W/g, '_')}`;
      const counters = async () => {
        const row = await sql(
          `SELECT t.seq_scan, i.idx_scan FROM pg_stat_user_tables t JOIN pg_stat_user_indexes i ON i.relid = t.relid
           WHERE t.schemaname = ${literal(schema)} AND t.relname = ${literal(table)} AND i.indexrelname = ${literal(index)}`,
        );
        const [seq, idx] = row.split('|').map(Number);
        return { seq: seq!, idx: idx! };
      };
      // A backend reports its counters at a transaction end at most once a second, and an idle
      // one only after PGSTAT_IDLE_INTERVAL (10 s). So counters are settled once unchanged for
      // longer than that: otherwise scans left pending by earlier work (the set-up's CREATE INDEX
      // counts as a sequential scan) land in the middle of the measurement on a slow machine.
      const QUIET_MS = 11_000;
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
          return Date.now() - since >= QUIET_MS ? now : undefined;
        }, 120_000, 0);
      };
      const before = await settled();
      for (let i = 0; i < 3; i++) await h.command(db);
      await eventually(async () => ((await counters()).idx >= before.idx + 3 ? true : undefined), 60_000, 500);
      const after = await settled();
      expect(after.seq - before.seq, `sequential scans of ${h.collection} (${ROWS} rows) during "${h.name}"`).toBe(0);
    }, 300_000);
  }
});
