import type { CommitPolicy } from '../cases/commit-policy.js';
import { rollupDeltas } from './rollup.js';
import { recordOverBudgetSteps, stepDeltas } from './steps.js';

/** Monitoring counters move with every dossier commit; the store applies them once per commit id. */
export const monitoringRollupPolicy: CommitPolicy = {
  name: 'monitoring-rollups',
  when: (current, next) => Boolean(next.dossier ?? current?.dossier),
  apply(_ctx, current, next, effects) {
    const deltas = rollupDeltas(current, next);
    if (deltas.length > 0) (effects.rollups ??= []).push(...deltas);
  },
};

/**
 * Step statistics and late attribution move when a dossier's task leaves or it finishes late.
 * Dossiers only: supervisors watch dossiers, and a plain case keeps its step within six
 * database commands (tests/store/round-trips.test.ts).
 */
export const monitoringStepPolicy: CommitPolicy = {
  name: 'monitoring-steps',
  when: (current, next) => Boolean((next.dossier ?? current?.dossier) && (current?.waits.some((w) => w.kind === 'task') || (next.sla && !current?.sla))),
  shape: recordOverBudgetSteps,
  apply(ctx, current, next, effects) {
    const deltas = stepDeltas(ctx, current, next);
    if (deltas.length > 0) (effects.rollups ??= []).push(...deltas);
  },
};
