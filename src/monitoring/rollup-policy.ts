import type { CommitPolicy } from '../cases/commit-policy.js';
import { rollupDeltas } from './rollup.js';

/** Monitoring counters move with every dossier commit; the store applies them once per commit id. */
export const monitoringRollupPolicy: CommitPolicy = {
  name: 'monitoring-rollups',
  when: (current, next) => Boolean(next.dossier ?? current?.dossier),
  apply(_ctx, current, next, effects) {
    const deltas = rollupDeltas(current, next);
    if (deltas.length > 0) effects.rollups = deltas;
  },
};
