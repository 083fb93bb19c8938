import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { CaseDoc } from '../../src/domain/case.js';
import { DOSSIER_STATUS } from '../../src/dossiers/types.js';
import { rollupDeltas } from '../../src/monitoring/rollup.js';
import { rollupStore, type RollupStore } from '../../src/monitoring/rollup-store.js';
import { connectDatabase, type Database } from '../../src/store/mongo.js';

const url = process.env.MONGODB_URL ?? 'mongodb://127.0.0.1:27117/bpmn';

function doc(unitId: string, finished: 'early' | 'late' | null): CaseDoc {
  return {
    _id: randomUUID(), procedureKey: 'p', status: finished ? 'completed' : 'active', unitId,
    sla: finished ? { class: finished, usedMinutes: 1, budgetMinutes: 2, dueAt: '2026-12-05T00:00:00Z', finishedAt: '2026-12-03T02:00:00Z' } : null,
    dossier: { processingUnitId: unitId, status: finished ? DOSSIER_STATUS.finished : DOSSIER_STATUS.processing, receivedAt: '2026-12-01T02:00:00Z', finishedAt: finished ? '2026-12-03T02:00:00Z' : null },
  } as unknown as CaseDoc;
}

describe('monitoring rollup store (FerretDB)', () => {
  let db: Database;
  let store: RollupStore;
  const unit = `u-${randomUUID()}`;
  beforeAll(async () => {
    db = await connectDatabase(url);
    store = rollupStore(db.db);
    await store.ensureIndexes();
  });
  afterAll(async () => db.close());

  it('counts each commit once, a replay adds nothing', async () => {
    const a = doc(unit, null);
    const b = doc(unit, null);
    const bDone = { ...doc(unit, 'late'), _id: b._id };
    expect(await store.apply(`${a._id}#1`, rollupDeltas(null, a), 'now')).toBe(true);
    expect(await store.apply(`${b._id}#1`, rollupDeltas(null, b), 'now')).toBe(true);
    expect(await store.apply(`${b._id}#2`, rollupDeltas(b, bDone), 'now')).toBe(true);
    // replayed commits
    expect(await store.apply(`${b._id}#2`, rollupDeltas(b, bDone), 'now')).toBe(false);
    expect(await store.apply(`${a._id}#1`, rollupDeltas(null, a), 'now')).toBe(false);
    const t = (await store.totals([unit], '2026-12-01', '2026-12-31')).get(`${unit}|p`);
    expect(t).toEqual({ received: 2, inProgress: 1, paused: 0, early: 0, onTime: 0, late: 1 });
    const before = (await store.totals([unit], '2026-12-04', '2026-12-31')).get(`${unit}|p`);
    expect(before).toEqual({ received: 0, inProgress: 1, paused: 0, early: 0, onTime: 0, late: 0 });
  });
});

describe('monitoring summary over rollups (FerretDB)', () => {
  let db: Database;
  beforeAll(async () => {
    db = await connectDatabase(url);
  });
  afterAll(async () => db.close());

  it('on-time rate, breakdowns, and 403 OUT_OF_SCOPE for a unit outside the scope', async () => {
    const { monitoringSummary } = await import('../../src/monitoring/summary.js');
    const store = rollupStore(db.db);
    const commune = `c-${randomUUID()}`;
    const other = `c-${randomUUID()}`;
    const seeds: [string, 'early' | 'late' | null][] = [[commune, 'early'], [commune, 'late'], [commune, 'early'], [commune, null], [other, 'late']];
    for (const [unit, cls] of seeds) {
      const open = doc(unit, null);
      await store.apply(`${open._id}#1`, rollupDeltas(null, open), 'now');
      if (cls) await store.apply(`${open._id}#2`, rollupDeltas(open, { ...doc(unit, cls), _id: open._id }), 'now');
    }
    const scope = { all: false as const, unitIds: [commune] };
    const s = await monitoringSummary(store, scope, { from: '2026-12-01', to: '2026-12-31' }, () => Promise.resolve([]));
    // expected from the seed: commune has 3 finished (2 early, 1 late), 1 open
    expect(s.totals).toMatchObject({ received: 4, inProgress: 1, early: 2, late: 1, finished: 3, onTimeRate: 0.667 });
    expect(s.byUnit.map((u) => u.unitId)).toEqual([commune]);
    const all = await monitoringSummary(store, { all: true }, { from: '2026-12-01', to: '2026-12-31' }, () => Promise.resolve([commune, other]));
    expect(all.totals).toMatchObject({ received: 5, late: 2, finished: 4 });
    await expect(monitoringSummary(store, scope, { from: '2026-12-01', to: '2026-12-31', unitId: other }, () => Promise.resolve([]))).rejects.toMatchObject({ code: 'OUT_OF_SCOPE', statusCode: 403 });
  });
});
