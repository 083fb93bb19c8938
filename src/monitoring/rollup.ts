import type { CaseDoc } from '../domain/case.js';
import { DOSSIER_STATUS } from '../dossiers/types.js';

/** The counters one rollup row keeps (per period × unit × procedure; gauges under period 'now'). */
export const COUNTERS = ['received', 'inProgress', 'paused', 'early', 'onTime', 'late'] as const;
export type Counter = (typeof COUNTERS)[number];

/** The gauges' period: they count what is open now, not what happened on a day. */
export const NOW = 'now';
/** The unit id of the province-wide rows, summed over every unit (trends of an unscoped caller). */
export const ALL_UNITS = '*';

/**
 * One $inc a commit contributes to a row; `_id` = `<unitId>|<period>|<procedureKey>`, period a
 * local day `YYYY-MM-DD`, a month `YYYY-MM` or `now`. Each event is counted on its day and its
 * month, for its unit and for ALL_UNITS, so a read costs rows of the periods asked, not history.
 */
export interface RollupDelta {
  _id: string;
  unitId: string;
  period: string;
  procedureKey: string;
  inc: Partial<Record<Counter, number>>;
}

/** What the monitoring counters know of a case at one revision. */
interface Counted {
  unitId: string;
  procedureKey: string;
  receivedDay: string | null;
  gauge: 'inProgress' | 'paused' | null;
  finished: { cls: 'early' | 'onTime' | 'late'; day: string } | null;
}

/** Calendar day in Asia/Ho_Chi_Minh (UTC+7, no DST): the day officials count in. */
export const localDay = (iso: string): string => new Date(new Date(iso).getTime() + 7 * 3600_000).toISOString().slice(0, 10);

const PAUSED: readonly number[] = [DOSSIER_STATUS.supplementRequested, DOSSIER_STATUS.paymentRequested];
const CLASS = { early: 'early', 'on-time': 'onTime', late: 'late' } as const;

function counted(doc: CaseDoc | null): Counted | null {
  const d = doc?.dossier;
  if (!doc || !d) return null;
  const unitId = d.processingUnitId || doc.unitId || 'none';
  const finished = doc.sla && d.finishedAt ? { cls: CLASS[doc.sla.class], day: localDay(d.finishedAt) } : null;
  const open = (doc.status === 'active' || doc.status === 'incident') && d.finishedAt === null;
  return {
    unitId,
    procedureKey: doc.procedureKey,
    receivedDay: d.receivedAt ? localDay(d.receivedAt) : null,
    gauge: finished || !open ? null : PAUSED.includes(d.status) ? 'paused' : 'inProgress',
    finished,
  };
}

/**
 * The rollup increments that move the counters from `current`'s counted state to `next`'s.
 * Pure: replaying a commit yields the same deltas, so idempotence rests on applying the
 * deltas of one commit id once (the caller records `<case>#<revision>` with them).
 */
export function rollupDeltas(current: CaseDoc | null, next: CaseDoc): RollupDelta[] {
  const out = new Map<string, RollupDelta>();
  const addRow = (unitId: string, period: string, procedureKey: string, counter: Counter, n: number): void => {
    const id = `${unitId}|${period}|${procedureKey}`;
    const row = out.get(id) ?? { _id: id, unitId, period, procedureKey, inc: {} };
    row.inc[counter] = (row.inc[counter] ?? 0) + n;
    out.set(id, row);
  };
  const add = (c: Counted, day: string, counter: Counter, n: number): void => {
    const periods = day === NOW ? [NOW] : [day, day.slice(0, 7)];
    for (const unitId of [c.unitId, ALL_UNITS]) for (const period of periods) addRow(unitId, period, c.procedureKey, counter, n);
  };
  const visit = (c: Counted | null, sign: 1 | -1): void => {
    if (!c) return;
    if (c.receivedDay) add(c, c.receivedDay, 'received', sign);
    if (c.gauge) add(c, NOW, c.gauge, sign);
    if (c.finished) add(c, c.finished.day, c.finished.cls, sign);
  };
  visit(counted(current), -1);
  visit(counted(next), 1);
  for (const [id, row] of out) {
    for (const k of Object.keys(row.inc) as Counter[]) if (row.inc[k] === 0) delete row.inc[k];
    if (Object.keys(row.inc).length === 0) out.delete(id);
  }
  return [...out.values()];
}
