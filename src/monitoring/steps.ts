import type { CommitContext } from '../cases/commit-policy.js';
import type { CaseDoc, TaskWait } from '../domain/case.js';
import { ALL_UNITS, localDay } from './rollup.js';

/**
 * Upper bounds (working minutes) of the step-duration histogram: 15 min … 60 working days
 * of 8 h, then one open bucket. Median and p90 are read off it (docs/monitoring.md).
 */
export const STEP_BUCKETS = [15, 30, 60, 120, 240, 480, 960, 1440, 2400, 3600, 4800, 7200, 9600, 14400, 28800] as const;

/** One increment of a step row: `steps` per unit × procedure version × activity; `attribution` per month. */
export interface StepDelta {
  target: 'steps' | 'attribution';
  _id: string;
  /** The row's indexed equality key: `steps:<unitId>|<procedureKey>|<version>` or `blame:<unitId>|<month>`. */
  key: string;
  fields: Record<string, string | number>;
  name: string;
  /** Flat counter names: the delta is written ahead in the commit, where keys hold no '.'. */
  inc: Record<string, number>;
  /** The histogram bucket this step falls in (step rows). */
  bucket?: number;
}

/** Steps of one activity and unit that ran over quota, kept on the case for late attribution. */
export interface OverBudgetStep { activityId: string; name: string; unitId: string; steps: number; overMinutes: number }

export const bucketIndex = (minutes: number): number => {
  const i = STEP_BUCKETS.findIndex((b) => minutes <= b);
  return i < 0 ? STEP_BUCKETS.length : i;
};

const round = (n: number): number => Math.round(n * 100) / 100;

interface StepDone { wait: TaskWait; unitId: string; minutes: number; late: boolean | null; overMinutes: number }

/** Task waits that left with this commit, with the working time each took. */
function stepsDone(ctx: CommitContext, current: CaseDoc | null, next: CaseDoc): StepDone[] {
  if (!current || next.status === 'terminated') return [];
  const still = new Set(next.waits.map((w) => w.executionId));
  const out: StepDone[] = [];
  for (const w of current.waits) {
    if (w.kind !== 'task' || still.has(w.executionId)) continue;
    const sla = ctx.slaOf(w);
    const minutes = sla ? sla.usedMinutes : ctx.calendar.workingMinutesBetween(new Date(w.since), new Date(ctx.at));
    out.push({
      wait: w,
      unitId: w.unitId || next.unitId || 'none',
      minutes: round(minutes),
      // The clock's own verdict: minutes are rounded, a step a few seconds late is still late.
      late: sla ? sla.class === 'late' : null,
      overMinutes: sla ? round(Math.max(0, sla.usedMinutes - sla.budgetMinutes)) : 0,
    });
  }
  return out;
}

/** Records over-quota steps on the case (shape phase): a later late finish attributes them. */
export function recordOverBudgetSteps(ctx: CommitContext, current: CaseDoc | null, next: CaseDoc): void {
  const over = stepsDone(ctx, current, next).filter((s) => s.late);
  if (over.length === 0) return;
  // Merged per activity × unit, so a loop through one step keeps one entry, not one per pass.
  const merged = new Map((current?.overBudgetSteps ?? []).map((o) => [`${o.activityId}|${o.unitId}`, { ...o }]));
  for (const s of over) {
    const id = `${s.wait.activityId}|${s.unitId}`;
    const entry = merged.get(id) ?? { activityId: s.wait.activityId, name: s.wait.name, unitId: s.unitId, steps: 0, overMinutes: 0 };
    entry.steps += 1;
    entry.overMinutes = round(entry.overMinutes + s.overMinutes);
    merged.set(id, entry);
  }
  next.overBudgetSteps = [...merged.values()];
}

/**
 * The step rows one commit moves: per finished step, its count, working minutes, histogram
 * bucket and whether it ran over quota (per unit and ALL_UNITS); when a dossier finishes late,
 * every step that ran over quota, on the month of the finish. Pure, so a replay is identical.
 */
export function stepDeltas(ctx: CommitContext, current: CaseDoc | null, next: CaseDoc): StepDelta[] {
  const out: StepDelta[] = [];
  const version = next.procedureVersion;
  for (const s of stepsDone(ctx, current, next)) {
    for (const unitId of [s.unitId, ALL_UNITS]) {
      const key = `steps:${unitId}|${next.procedureKey}|${version}`;
      out.push({
        target: 'steps',
        _id: `${key}|${s.wait.activityId}`,
        key,
        fields: { unitId, procedureKey: next.procedureKey, version, activityId: s.wait.activityId },
        name: s.wait.name,
        bucket: bucketIndex(s.minutes),
        inc: {
          count: 1,
          minutes: s.minutes,
          ...(s.late !== null ? { withQuota: 1, late: s.late ? 1 : 0, overMinutes: s.overMinutes } : {}),
        },
      });
    }
  }
  const finishedLate = next.sla?.class === 'late' && !current?.sla;
  if (finishedLate && next.overBudgetSteps?.length) {
    const month = localDay(next.sla!.finishedAt || ctx.at).slice(0, 7);
    for (const step of next.overBudgetSteps) {
      for (const scopeUnit of [step.unitId, ALL_UNITS]) {
        const key = `blame:${scopeUnit}|${month}`;
        out.push({
          target: 'attribution',
          _id: `${key}|${step.unitId}|${next.procedureKey}|${step.activityId}`,
          key,
          fields: { unitId: step.unitId, month, procedureKey: next.procedureKey, activityId: step.activityId },
          name: step.name,
          inc: { steps: step.steps, overMinutes: step.overMinutes },
        });
      }
    }
  }
  return out;
}

/** Median and p90 from histogram counts, interpolated inside the bucket that holds the rank. */
export function quantileOf(buckets: Record<string, number>, count: number, q: number): number | null {
  if (count <= 0) return null;
  const rank = q * count;
  let seen = 0;
  for (let i = 0; i <= STEP_BUCKETS.length; i += 1) {
    const n = buckets[String(i)] ?? 0;
    if (n > 0 && seen + n >= rank) {
      const lo = i === 0 ? 0 : STEP_BUCKETS[i - 1]!;
      const hi = STEP_BUCKETS[i] ?? lo;
      return Math.round(lo + ((hi - lo) * (rank - seen)) / n);
    }
    seen += n;
  }
  return STEP_BUCKETS[STEP_BUCKETS.length - 1]!;
}
