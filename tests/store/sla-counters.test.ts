/**
 * The SLA report's counters: what a commit moves (pure), what a period reads back (real
 * FerretDB, rows written by the monitoring counters' own apply), the one-off backfill, and the
 * report's unit scope on top of them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slaCounterStore } from '../../src/cases/sla-counter-store.js';
import { finishDeltas, slaDeltas, SLA_ALL_UNITS } from '../../src/cases/sla-counters.js';
import { createSlaReport, daysOfRange } from '../../src/cases/sla-report.js';
import type { CaseDoc } from '../../src/domain/case.js';
import { rollupStore, type MonitoringDelta } from '../../src/monitoring/rollup-store.js';
import { connectDatabase, type Database } from '../../src/store/mongo.js';
import { dropStores, isolatedEnv } from '../support/harness.js';

const env = isolatedEnv('sla_counters');
let db: Database;
const today = () => '2026-06-15';
const sla = (cls: 'early' | 'on-time' | 'late', finishedAt: string) => ({ class: cls, usedMinutes: 10, budgetMinutes: 20, dueAt: finishedAt, finishedAt });
const caseDoc = (over: Partial<CaseDoc>): CaseDoc =>
  ({ _id: 'c', revision: 1, procedureKey: 'p', procedureVersion: 1, status: 'active', unitId: 'xa-1', waits: [], sla: null, clock: null, ...over }) as unknown as CaseDoc;

beforeAll(async () => {
  db = await connectDatabase(env.MONGODB_URL as string);
  await db.db.collection('monitoring_counts').createIndex({ key: 1 }, { sparse: true });
}, 60_000);

afterAll(async () => {
  await db?.close();
  await dropStores(env);
});

describe('SLA counters', () => {
  it('moves the class of a finish and of each completed step, once, for the unit and the province', () => {
    const wait = { kind: 'task', taskId: 't1', executionId: 'e1', activityId: 'review', name: 'Review', unitId: 'xa-2', since: '2026-06-01T01:00:00.000Z', candidateGroups: [] };
    const open = caseDoc({ waits: [wait] as never });
    const done = caseDoc({ status: 'completed', sla: sla('late', '2026-06-01T18:00:00.000Z') as never, dossier: { processingUnitId: 'xa-3' } as never });
    const deltas = slaDeltas(open, done, [{ id: 't1', status: 'completed', endedAt: '', completedBy: 'x', sla: sla('on-time', '2026-06-01T18:00:00.000Z') as never }]);
    // The finish counts on its local day (UTC+7): 18:00Z is 2026-06-02 in Viet Nam.
    expect(deltas.map((d) => d._id).sort()).toEqual(
      [
        'sla:*|2026-06|2026-06|p|', 'sla:*|2026-06|2026-06|p|review', 'sla:*|2026-06|days|2026-06-02|p|', 'sla:*|2026-06|days|2026-06-02|p|review',
        'sla:*|all|all|p|', 'sla:*|all|all|p|review',
        'sla:xa-2|2026-06|2026-06|p|review', 'sla:xa-2|2026-06|days|2026-06-02|p|review', 'sla:xa-2|all|all|p|review',
        'sla:xa-3|2026-06|2026-06|p|', 'sla:xa-3|2026-06|days|2026-06-02|p|', 'sla:xa-3|all|all|p|',
      ].sort(),
    );
    expect(deltas.find((d) => d._id === 'sla:xa-3|all|all|p|')?.inc).toEqual({ late: 1 });
    expect(deltas.find((d) => d._id === 'sla:xa-2|all|all|p|review')?.inc).toEqual({ onTime: 1 });
    // A later commit of the finished case moves nothing; a changed verdict moves it across.
    expect(slaDeltas(done, { ...done, revision: 2 }, [])).toEqual([]);
    const moved = slaDeltas(done, { ...done, sla: sla('early', '2026-06-01T18:00:00.000Z') as never }, []);
    expect(moved.filter((d) => d._id === 'sla:xa-3|all|all|p|').map((d) => d.inc)).toEqual([{ late: -1 }, { early: 1 }]);
    // A cancelled step has no verdict.
    expect(slaDeltas(open, { ...open, waits: [] }, [{ id: 't1', status: 'cancelled', endedAt: '', completedBy: null, sla: null }])).toEqual([]);
  });

  it('reads a period from all-time, month and day rows, whatever the days stored', async () => {
    const rollups = rollupStore(db.db);
    const store = slaCounterStore(db.db, today);
    const finish = (unitId: string, cls: 'early' | 'onTime' | 'late', day: string, activityId = '') =>
      finishDeltas({ unitId, procedureKey: 'p', activityId, cls, finishedAt: `${day}T03:00:00.000Z` });
    const deltas = [
      ...finish('xa-1', 'early', '2026-04-30'),
      ...finish('xa-1', 'late', '2026-05-01'),
      ...finish('xa-1', 'onTime', '2026-05-20'),
      ...finish('xa-1', 'onTime', '2026-05-20', 'review'),
      ...finish('xa-2', 'late', '2026-06-10'),
      ...finish('xa-1', 'early', '2026-06-14'),
    ];
    expect(await rollups.apply('test-commit-1', deltas as unknown as MonitoringDelta[], '2026-06-15T00:00:00.000Z')).toBe(true);
    expect(await rollups.apply('test-commit-1', deltas as unknown as MonitoringDelta[], '2026-06-15T00:00:00.000Z')).toBe(false);

    const of = async (units: string[], from: string | null, to: string | null) => Object.fromEntries(await store.counts(units, { from, to }));
    expect(await of(['xa-1'], null, null)).toEqual({ 'p|': { early: 2, onTime: 1, late: 1 }, 'p|review': { early: 0, onTime: 1, late: 0 } });
    expect(await of([SLA_ALL_UNITS], null, null)).toMatchObject({ 'p|': { early: 2, onTime: 1, late: 2 } });
    expect(await of(['xa-1'], '2026-05-01', '2026-05-31')).toEqual({ 'p|': { early: 0, onTime: 1, late: 1 }, 'p|review': { early: 0, onTime: 1, late: 0 } });
    expect(await of(['xa-1'], '2026-04-30', '2026-05-01')).toEqual({ 'p|': { early: 1, onTime: 0, late: 1 } });
    expect(await of(['xa-1', 'xa-2'], '2026-06-01', null)).toEqual({ 'p|': { early: 1, onTime: 0, late: 1 } });
    // `to` alone: all time less the days after it.
    expect(await of(['xa-1'], null, '2026-05-01')).toMatchObject({ 'p|': { early: 1, onTime: 0, late: 1 } });
    expect(await of(['xa-2'], '2026-01-01', '2026-05-31')).toEqual({});
    // Instants become the local days they cover, `to` exclusive.
    expect(daysOfRange('2026-04-30T17:00:00.000Z', '2026-05-31T17:00:00.000Z')).toEqual({ from: '2026-05-01', to: '2026-05-31' });
  });

  it('fills the counters once from what finished before they existed', async () => {
    const past = '2026-03-02T03:00:00.000Z';
    await db.collections.cases.insertMany([
      caseDoc({ _id: 'b1', status: 'completed', unitId: 'xa-9', sla: sla('late', past) as never }),
      caseDoc({ _id: 'b2', status: 'completed', unitId: 'xa-9', sla: sla('early', '2099-01-01T00:00:00.000Z') as never }), // after the cut-off
      caseDoc({ _id: 'b3', status: 'active', unitId: 'xa-9' }),
    ] as never);
    await db.collections.tasks.insertMany([
      { _id: 'bt1', caseId: 'b1', procedureKey: 'p', activityId: 'review', unitId: 'xa-9', status: 'completed', sla: sla('on-time', past) },
      { _id: 'bt2', caseId: 'b1', procedureKey: 'p', activityId: 'review', unitId: 'xa-9', status: 'cancelled', sla: null },
    ] as never);
    const rollups = rollupStore(db.db);
    const store = slaCounterStore(db.db, today);
    const apply = (id: string, d: readonly unknown[], at: string) => rollups.apply(id, d as MonitoringDelta[], at);
    expect(await store.backfill(db.collections, apply)).toBe(2);
    expect(await store.backfill(db.collections, apply)).toBe(0);
    expect(Object.fromEntries(await store.counts(['xa-9'], { from: '2026-03-01', to: '2026-03-31' }))).toEqual({
      'p|': { early: 0, onTime: 0, late: 1 },
      'p|review': { early: 0, onTime: 1, late: 0 },
    });
  });

  it('answers the report from the counters within the scope, and refuses a unit outside it', async () => {
    const report = createSlaReport(db.collections, slaCounterStore(db.db, today));
    const now = new Date('2026-06-15T05:00:00.000Z');
    const commune = await report({ from: '2026-04-30T17:00:00.000Z', to: '2026-05-31T17:00:00.000Z' }, { all: false, unitIds: ['xa-1'] }, now);
    expect(commune.period).toEqual({ from: '2026-05-01', to: '2026-05-31' });
    expect(commune.finished).toEqual({ early: 0, onTime: 1, late: 1, total: 2, onTimeRate: 0.5 });
    expect(commune.bySteps).toEqual([{ procedureKey: 'p', activityId: 'review', early: 0, onTime: 1, late: 0, total: 1, onTimeRate: 1 }]);
    const province = await report({}, { all: true }, now);
    expect(province.finished.total).toBe(6);
    expect((await report({ procedureKey: 'other' }, { all: true }, now)).byProcedure).toEqual([]);
    await expect(report({ unitId: 'xa-2' }, { all: false, unitIds: ['xa-1'] }, now)).rejects.toMatchObject({ code: 'OUT_OF_SCOPE' });
    // A scope holding every unit of the register reads the province rows (xa-9's finish included).
    const wide = createSlaReport(db.collections, slaCounterStore(db.db, today), async () => ['xa-1', 'xa-2', 'xa-9']);
    expect((await wide({}, { all: false, unitIds: ['xa-1', 'xa-2', 'xa-9'] }, now)).finished.total).toBe(6);
    expect((await wide({}, { all: false, unitIds: ['xa-1', 'xa-2'] }, now)).finished.total).toBe(5);
  });
});
