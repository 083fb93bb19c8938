import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { CaseDoc } from '../../src/domain/case.js';
import { DOSSIER_STATUS } from '../../src/dossiers/types.js';
import { rollupDeltas } from '../../src/monitoring/rollup.js';
import { rollupStore, type RollupStore } from '../../src/monitoring/rollup-store.js';
import { connectDatabase, type Database } from '../../src/store/mongo.js';
import { leaseSerializer } from '../../src/store/redis-lease.js';
import { isFerretDb } from '../../src/store/server-kind.js';
import { Redis } from 'ioredis';
import { baseRedisUrl } from '../support/harness.js';

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

describe('monitoring trends and the first layout (FerretDB, a database of its own)', () => {
  let db: Database;
  const name = `bpmn_trends_${randomUUID().slice(0, 8)}`;
  beforeAll(async () => {
    db = await connectDatabase(url.replace(/\/[^/?]*(\?|$)/, `/${name}$1`));
  });
  afterAll(async () => {
    await db.db.dropDatabase();
    await db.close();
  });

  it('daily, weekly and monthly series match the dossiers applied; province rows for unscoped callers', async () => {
    const { monitoringTrends } = await import('../../src/monitoring/trends.js');
    const store = rollupStore(db.db, () => '2026-12-20T03:00:00Z');
    await store.ensureIndexes();
    const a = `a-${randomUUID()}`;
    const b = `b-${randomUUID()}`;
    // [unit, received, finished, class]: expected figures are read off this list below
    const plan: [string, string, string, 'early' | 'on-time' | 'late'][] = [
      [a, '2026-11-28T02:00:00Z', '2026-12-01T02:00:00Z', 'early'],
      [a, '2026-12-01T02:00:00Z', '2026-12-08T02:00:00Z', 'late'],
      [a, '2026-12-02T02:00:00Z', '2026-12-08T03:00:00Z', 'on-time'],
      [b, '2026-12-07T02:00:00Z', '2026-12-07T09:00:00Z', 'early'],
    ];
    let n = 0;
    for (const [unit, receivedAt, finishedAt, cls] of plan) {
      const open = { ...doc(unit, null), dossier: { ...doc(unit, null).dossier!, receivedAt } } as CaseDoc;
      const done = { ...open, status: 'completed', sla: { class: cls, usedMinutes: 1, budgetMinutes: 2, dueAt: finishedAt, finishedAt }, dossier: { ...open.dossier!, status: DOSSIER_STATUS.finished, finishedAt } } as CaseDoc;
      await store.apply(`t${n}#1`, rollupDeltas(null, open), 'now');
      await store.apply(`t${n}#2`, rollupDeltas(open, done), 'now');
      await store.apply(`t${n}#2`, rollupDeltas(open, done), 'now'); // replayed: counts once
      n += 1;
    }
    const all = { all: true as const };
    const daily = await monitoringTrends(store, all, { from: '2026-11-28', to: '2026-12-08', grain: 'day' });
    expect(daily.series).toHaveLength(11);
    const at = (p: string) => daily.series.find((s) => s.period === p);
    expect(at('2026-11-28')).toMatchObject({ received: 1, finished: 0, onTimeRate: null });
    expect(at('2026-12-01')).toMatchObject({ received: 1, early: 1, finished: 1, onTimeRate: 1 });
    expect(at('2026-12-08')).toMatchObject({ late: 1, onTime: 1, finished: 2, onTimeRate: 0.5 });
    expect(at('2026-12-05')).toMatchObject({ received: 0, finished: 0 });

    const weekly = await monitoringTrends(store, all, { from: '2026-11-23', to: '2026-12-13', grain: 'week' });
    expect(weekly.series.map((s) => [s.period, s.received, s.finished])).toEqual([['2026-W48', 1, 0], ['2026-W49', 2, 1], ['2026-W50', 1, 3]]);

    const monthly = await monitoringTrends(store, { all: false, unitIds: [a] }, { from: '2026-11-01', to: '2026-12-20', grain: 'month' });
    expect(monthly.series.map((s) => [s.period, s.received, s.early, s.onTime, s.late])).toEqual([['2026-11', 1, 0, 0, 0], ['2026-12', 2, 1, 1, 1]]);
    await expect(monitoringTrends(store, { all: false, unitIds: [a] }, { from: '2026-12-01', to: '2026-12-02', grain: 'day', unitId: b }))
      .rejects.toMatchObject({ code: 'OUT_OF_SCOPE', statusCode: 403 });
  });

  it('concurrent commits racing to create the same rows lose no count; each replay adds nothing', async () => {
    // As the container builds it on FerretDB: one counter writer at a time across replicas.
    const redis = new Redis(baseRedisUrl);
    const serialize = (await isFerretDb(db.db)) ? leaseSerializer(redis, `test:lock:counters:${randomUUID()}`) : undefined;
    const store = rollupStore(db.db, () => '2026-12-20T03:00:00Z', serialize);
    const unit = `r-${randomUUID()}`;
    const commits = Array.from({ length: 20 }, (_, i) => ({ id: `race-${unit}-${i}`, deltas: rollupDeltas(null, doc(unit, null)) }));
    const first = await Promise.all(commits.map((c) => store.apply(c.id, c.deltas, 'now')));
    const replays = await Promise.all(commits.map((c) => store.apply(c.id, c.deltas, 'now')));
    expect(first.every(Boolean)).toBe(true);
    expect(replays.some(Boolean)).toBe(false);
    expect((await store.totals([unit], '2026-12-01', '2026-12-20')).get(`${unit}|p`)).toMatchObject({ received: 20, inProgress: 20 });
    await redis.quit();
  });

  it('rows and written-ahead deltas of the first layout are folded in once', async () => {
    const store = rollupStore(db.db, () => '2026-12-20T03:00:00Z');
    const unit = `l-${randomUUID()}`;
    await db.db.collection<{ _id: string }>('monitoring_rollups').insertMany([
      { _id: `2026-12-02|${unit}|p`, day: '2026-12-02', unitId: unit, procedureKey: 'p', counts: { received: 3, late: 1 } },
      { _id: `*|${unit}|p`, day: '*', unitId: unit, procedureKey: 'p', counts: { inProgress: 2 } },
    ] as never);
    expect(await store.foldLegacyRows()).toBe(2);
    expect(await store.foldLegacyRows()).toBe(0);
    // a commit written ahead by the first layout, rolled forward by this one
    expect(await store.apply('legacy#1', [{ _id: `2026-12-03|${unit}|p`, day: '2026-12-03', unitId: unit, procedureKey: 'p', inc: { received: 1 } }], 'now')).toBe(true);
    const t = (await store.totals([unit], '2026-12-01', '2026-12-20')).get(`${unit}|p`);
    expect(t).toEqual({ received: 4, inProgress: 2, paused: 0, early: 0, onTime: 0, late: 1 });
    const byDay = (await store.totals([unit], '2026-12-03', '2026-12-03')).get(`${unit}|p`);
    expect(byDay).toMatchObject({ received: 1, late: 0 });
  });
});
