/**
 * What the overdue and due-soon lists need, kept on each open task row of a dossier at commit
 * (src/monitoring/work-policy.ts), so a list is one indexed equality read of the scope's open
 * rows (`{openWork: <unit>}`, `{openWork: '*'}` province-wide) and reads no case document.
 */
import type { CaseDoc, TaskWait } from '../domain/case.js';
import { taskUnit } from '../cases/effects.js';

/** Top-level fields (FerretDB 1.24 pushes only top-level equality to SQL). */
export interface WorkFields {
  /**
   * Index key of the lists: `['*', <task unit>]` while the task is open and its dossier's
   * statutory clock runs; `[]` when paused (supplement / fee), closed or not a listed case.
   * One posting list per unit holds exactly that unit's open work, however much history.
   */
  openWork: string[];
  dossierCode: string;
  procedureName: string;
  procedureVersion: number;
  /** The dossier's statutory due instant (appointment date). */
  caseDueAt: string;
  paused: boolean;
  /** Sort key of the lists: `<caseDueAt>|<dossierCode>` (most overdue / soonest first). */
  workOrder: string;
  /** The activity's name on the diagram of that version. */
  stepName: string;
  /** Revision of the case these fields were computed from (a backfill never overwrites a commit's). */
  workRevision: number;
}

/** The province-wide key every listed row carries besides its unit. */
export const ALL_UNITS = '*';

/** The list fields of an open task of `c`; null when `c` is not a dossier on a statutory clock. */
export function workFieldsOf(c: CaseDoc, wait: TaskWait, stepName: string | null): WorkFields | null {
  if (!c.dossier || !c.clock) return null;
  const paused = Boolean(c.clock.pausedAt);
  const running = !paused && (c.status === 'active' || c.status === 'incident');
  const unitId = taskUnit(c, wait);
  return {
    openWork: running ? [ALL_UNITS, ...(unitId ? [unitId] : [])] : [],
    dossierCode: c.dossier.code,
    procedureName: c.dossier.procedureName,
    procedureVersion: c.procedureVersion,
    caseDueAt: c.clock.dueAt,
    paused,
    workOrder: `${c.clock.dueAt}|${c.dossier.code}`,
    stepName: stepName ?? wait.name,
    workRevision: c.revision,
  };
}

/** Same list facts (the revision aside): nothing to write. */
export function sameWork(a: WorkFields | null, b: WorkFields | null): boolean {
  if (!a || !b) return a === b;
  return (
    a.openWork.join('\n') === b.openWork.join('\n') &&
    a.dossierCode === b.dossierCode &&
    a.procedureName === b.procedureName &&
    a.procedureVersion === b.procedureVersion &&
    a.caseDueAt === b.caseDueAt &&
    a.paused === b.paused &&
    a.stepName === b.stepName
  );
}
