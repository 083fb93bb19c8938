/**
 * The SLA report's list of overdue open cases comes in pages (opaque cursor), and its open
 * figures are read from open cases only. Real FerretDB; documents inserted in the stored shape.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slaCounterStore } from '../../src/cases/sla-counter-store.js';
import { createSlaReport } from '../../src/cases/sla-report.js';
import { connectDatabase, type Database } from '../../src/store/mongo.js';
import { dropStores, isolatedEnv } from '../support/harness.js';

const env = isolatedEnv('sla_pages');
let db: Database;
const now = new Date('2026-06-01T00:00:00.000Z');
const clock = (dueAt: string) => ({ dueAt, pausedAt: null });
const caseDoc = (id: string, status: string, dueAt: string | null) => ({
  _id: id,
  procedureKey: 'p',
  status,
  clock: dueAt ? clock(dueAt) : null,
  sla: null,
  dossier: { unitIds: ['u1'], code: `code-${id}` },
  unitIds: ['u1'],
  waits: [],
});

beforeAll(async () => {
  db = await connectDatabase(env.MONGODB_URL as string);
  const id = (i: number) => `c-${String(i).padStart(3, '0')}`;
  await db.collections.cases.insertMany([
    ...Array.from({ length: 7 }, (_, i) => caseDoc(id(i), i % 2 ? 'incident' : 'active', '2026-05-01T00:00:00.000Z')), // overdue
    ...Array.from({ length: 3 }, (_, i) => caseDoc(id(100 + i), 'active', '2026-07-01T00:00:00.000Z')), // not yet due
    ...Array.from({ length: 5 }, (_, i) => caseDoc(id(200 + i), 'completed', '2026-05-01T00:00:00.000Z')), // finished: never listed
  ] as never);
}, 60_000);

afterAll(async () => {
  await db?.close();
  await dropStores(env);
});

describe('SLA report pages', () => {
  it('pages overdue open cases by cursor until nextCursor is null', async () => {
    const report = createSlaReport(db.collections, slaCounterStore(db.db));
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const r = await report({ limit: 3, ...(cursor ? { cursor } : {}) }, { all: true }, now);
      expect(r.open.overdue.length).toBeLessThanOrEqual(3);
      expect(r.open.overdueTotal).toBe(7);
      expect(r.open.total).toBe(10);
      seen.push(...r.open.overdue.map((o) => o.caseId));
      if (!r.open.nextCursor) break;
      cursor = r.open.nextCursor;
    }
    expect(seen).toEqual(['c-000', 'c-001', 'c-002', 'c-003', 'c-004', 'c-005', 'c-006']);
  });

  it('keeps to the caller units and refuses a cursor it did not issue', async () => {
    const report = createSlaReport(db.collections, slaCounterStore(db.db));
    const other = await report({}, { all: false, unitIds: ['u2'] }, now);
    expect(other.open.total).toBe(0);
    const own = await report({}, { all: false, unitIds: ['u1', 'u2'] }, now);
    expect([own.open.total, own.open.overdueTotal]).toEqual([10, 7]);
    await expect(report({ cursor: 'not-a-cursor' }, { all: true }, now)).rejects.toMatchObject({ code: 'INVALID_CURSOR' });
  });
});
