import { describe, expect, it } from 'vitest';
import type { CaseDoc } from '../../src/domain/case.js';
import { DOSSIER_STATUS } from '../../src/dossiers/types.js';
import { localDay, rollupDeltas } from '../../src/monitoring/rollup.js';

// Only the fields the counters read; the rest of a case does not matter to them.
function doc(over: { status?: CaseDoc['status']; dossierStatus?: number; finishedAt?: string | null; cls?: 'early' | 'on-time' | 'late' }): CaseDoc {
  return {
    _id: 'c1',
    procedureKey: 'p',
    status: over.status ?? 'active',
    sla: over.cls ? { class: over.cls, usedMinutes: 1, budgetMinutes: 2, dueAt: '2026-12-02T00:00:00Z', finishedAt: over.finishedAt ?? '' } : null,
    unitId: 'u1',
    dossier: { processingUnitId: 'u1', status: over.dossierStatus ?? DOSSIER_STATUS.processing, receivedAt: '2026-12-01T18:00:00Z', finishedAt: over.finishedAt ?? null },
  } as unknown as CaseDoc;
}

describe('monitoring rollup deltas', () => {
  it('counts the local day (UTC+7)', () => {
    expect(localDay('2026-12-01T18:00:00Z')).toBe('2026-12-02');
  });

  it('a received dossier adds received on its day and one in progress', () => {
    // each event on its day and its month, for its unit and for the province-wide rows
    expect(rollupDeltas(null, doc({}))).toEqual([
      { _id: 'u1|2026-12-02|p', period: '2026-12-02', unitId: 'u1', procedureKey: 'p', inc: { received: 1 } },
      { _id: 'u1|2026-12|p', period: '2026-12', unitId: 'u1', procedureKey: 'p', inc: { received: 1 } },
      { _id: '*|2026-12-02|p', period: '2026-12-02', unitId: '*', procedureKey: 'p', inc: { received: 1 } },
      { _id: '*|2026-12|p', period: '2026-12', unitId: '*', procedureKey: 'p', inc: { received: 1 } },
      { _id: 'u1|now|p', period: 'now', unitId: 'u1', procedureKey: 'p', inc: { inProgress: 1 } },
      { _id: '*|now|p', period: 'now', unitId: '*', procedureKey: 'p', inc: { inProgress: 1 } },
    ]);
  });

  it('a pause moves the gauge; a commit that changes nothing counted gives no delta', () => {
    const open = doc({});
    expect(rollupDeltas(open, doc({}))).toEqual([]);
    expect(rollupDeltas(open, doc({ dossierStatus: DOSSIER_STATUS.supplementRequested }))[0]!.inc).toEqual({ inProgress: -1, paused: 1 });
  });

  it('finishing late leaves the gauge and counts late on the finishing day; replaying is the same delta', () => {
    const open = doc({});
    const done = doc({ status: 'completed', dossierStatus: DOSSIER_STATUS.finished, finishedAt: '2026-12-03T02:00:00Z', cls: 'late' });
    const a = rollupDeltas(open, done);
    expect(a).toEqual(rollupDeltas(open, done));
    expect(Object.fromEntries(a.filter((r) => r.unitId === 'u1').map((r) => [r.period, r.inc]))).toEqual({ now: { inProgress: -1 }, '2026-12-03': { late: 1 }, '2026-12': { late: 1 } });
  });
});
