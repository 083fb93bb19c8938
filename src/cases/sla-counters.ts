/**
 * Counters behind GET /v1/reports/sla, kept at commit: finished cases and completed steps
 * early / on time / late, per unit × period × procedure (× activity for steps). Rows live in
 * `monitoring_counts` beside the console's counters and are written by the same one bulk per
 * commit (they are `effects.rollups` entries with a `target`, applied as keyed upserts), so a
 * report reads rows of the periods asked, never the cases stored.
 */
import type { CaseDoc, TaskWait } from '../domain/case.js';
import type { CounterDelta, Effects } from '../store/documents.js';
import type { CommitPolicy } from './commit-policy.js';

/** Every count is also kept for the province (rows of an unscoped caller). */
export const SLA_ALL_UNITS = '*';
export const SLA_CLASSES = ['early', 'onTime', 'late'] as const;
export type SlaCounter = (typeof SLA_CLASSES)[number];
const CLASS = { early: 'early', 'on-time': 'onTime', late: 'late' } as const;

/** A row's period: `all` (since the counters exist), a month `YYYY-MM` or a local day `YYYY-MM-DD`. */
export const ALL_TIME = 'all';

/**
 * The indexed equality key of a row: all-time and month rows under `sla:<unit>|<period>`, the
 * day rows of a month together under `sla:<unit>|<YYYY-MM>|days` (one read per partial month).
 */
export function slaKey(unitId: string, period: string): string {
  return period.length === 10 ? `sla:${unitId}|${period.slice(0, 7)}|days` : `sla:${unitId}|${period}`;
}

/** One keyed upsert on a counter row: the shape `rollupStore.apply` writes for a delta with a `target`. */
export interface SlaDelta extends CounterDelta {
  target: 'sla';
  key: string;
  fields: { unitId: string; period: string; procedureKey: string; activityId: string };
  name: string;
  inc: Partial<Record<SlaCounter, number>>;
}

/** Calendar day in Asia/Ho_Chi_Minh (UTC+7, no DST), the day officials count in. */
export const localDay = (iso: string): string => new Date(new Date(iso).getTime() + 7 * 3600_000).toISOString().slice(0, 10);

/** What one finish adds: its class on its day, its month and all time, for its unit and the province. */
export interface SlaFinish {
  unitId: string;
  procedureKey: string;
  /** '' for the case itself, the BPMN activity id for a step. */
  activityId: string;
  cls: SlaCounter;
  finishedAt: string;
}

export function finishDeltas(f: SlaFinish, n = 1): SlaDelta[] {
  const day = localDay(f.finishedAt);
  const out: SlaDelta[] = [];
  for (const unitId of new Set([f.unitId, SLA_ALL_UNITS])) {
    for (const period of [ALL_TIME, day.slice(0, 7), day]) {
      const key = slaKey(unitId, period);
      out.push({
        target: 'sla',
        _id: `${key}|${period}|${f.procedureKey}|${f.activityId}`,
        key,
        fields: { unitId, period, procedureKey: f.procedureKey, activityId: f.activityId },
        name: f.activityId || f.procedureKey,
        inc: { [f.cls]: n },
      });
    }
  }
  return out;
}

/** The unit a case's figures count for: the dossier's processing unit, else the case's own (as the console counts). */
export function caseUnitOf(doc: Pick<CaseDoc, 'dossier' | 'unitId'>): string {
  return doc.dossier?.processingUnitId || doc.unitId || 'none';
}

export function caseFinish(doc: CaseDoc | null): SlaFinish | null {
  if (!doc?.sla) return null;
  return { unitId: caseUnitOf(doc), procedureKey: doc.procedureKey, activityId: '', cls: CLASS[doc.sla.class], finishedAt: doc.sla.finishedAt };
}

/**
 * The counter moves of one commit (pure, so a replay is identical): the case's finished class
 * (its state before minus after: a class or unit changed later moves the count), and every
 * step this commit completed with a quota verdict.
 */
export function slaDeltas(current: CaseDoc | null, next: CaseDoc, tasksClosed: Effects['tasksClosed']): SlaDelta[] {
  const out: SlaDelta[] = [];
  const before = caseFinish(current);
  const after = caseFinish(next);
  const same = (a: SlaFinish | null, b: SlaFinish | null) => JSON.stringify(a) === JSON.stringify(b);
  if (!same(before, after)) {
    if (before) out.push(...finishDeltas(before, -1));
    if (after) out.push(...finishDeltas(after, 1));
  }
  for (const closed of tasksClosed) {
    if (closed.status !== 'completed' || !closed.sla) continue;
    const wait = current?.waits.find((w): w is TaskWait => w.kind === 'task' && w.taskId === closed.id);
    if (!wait) continue;
    const unitId = wait.unitId ?? next.unitId ?? 'none';
    out.push(...finishDeltas({ unitId, procedureKey: next.procedureKey, activityId: wait.activityId, cls: CLASS[closed.sla.class], finishedAt: closed.sla.finishedAt }));
  }
  return out;
}

/**
 * Runs for commits that can move a count: a task may close, or the case has (or had) its
 * verdict. A case without clocks never has either, so its steps write nothing more.
 */
export const slaCountersPolicy: CommitPolicy = {
  name: 'sla-counters',
  when: (current, next) => Boolean(next.sla || current?.sla || current?.waits.some((w) => w.kind === 'task' && w.clock)),
  apply(_ctx, current, next, effects) {
    const deltas = slaDeltas(current, next, effects.tasksClosed);
    if (deltas.length > 0) (effects.rollups ??= []).push(...deltas);
  },
};
