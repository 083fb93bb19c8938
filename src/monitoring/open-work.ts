/**
 * The open work a supervisor's scope holds: open tasks of the scope's units, each with the
 * statutory clock of its dossier. Every read is an equality FerretDB serves from an index
 * (tasks by `unitId` + `status`, or by `status` alone for an unscoped caller; cases by `_id`);
 * finished history is never read.
 */
import type { Collection } from 'mongodb';
import type { CaseDoc, TaskDoc } from '../domain/case.js';
import type { Clock } from '../deadlines/clock.js';

/** An open task of a dossier case, with the dossier's facts the lists show. */
export interface OpenItem {
  taskId: string;
  caseId: string;
  activityId: string;
  taskName: string;
  unitId: string | null;
  assignee: string | null;
  candidateGroups: string[];
  stepDueAt: string | null;
  dossierCode: string;
  procedureKey: string;
  procedureVersion: number;
  procedureName: string;
  clock: Clock;
}

export interface OpenWorkSource {
  tasks: Collection<TaskDoc>;
  cases: Collection<CaseDoc>;
}

type CaseFacts = Pick<CaseDoc, '_id' | 'status' | 'procedureKey' | 'procedureVersion' | 'clock' | 'dossier'>;
type TaskFacts = Pick<TaskDoc, '_id' | 'caseId' | 'activityId' | 'name' | 'unitId' | 'assignee' | 'candidateGroups' | 'dueAt'>;

const TASK_FIELDS = { _id: 1, caseId: 1, activityId: 1, name: 1, unitId: 1, assignee: 1, candidateGroups: 1, dueAt: 1 } as const;
const CASE_FIELDS = { _id: 1, status: 1, procedureKey: 1, procedureVersion: 1, clock: 1, 'dossier.code': 1, 'dossier.procedureName': 1 } as const;
const PARALLEL = 16;

/** `work` over `items`, at most PARALLEL at a time (round trips to the store). */
export async function inParallel<T, R>(items: T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, worker));
  return out;
}

/** Open tasks of `units` (null: every unit), one indexed equality read per unit. */
async function openTasks(src: OpenWorkSource, units: string[] | null): Promise<TaskFacts[]> {
  const read = (filter: Record<string, string>) => src.tasks.find(filter, { projection: TASK_FIELDS }).toArray() as Promise<TaskFacts[]>;
  if (!units) return read({ status: 'open' });
  return (await inParallel(units, (unitId) => read({ unitId, status: 'open' }))).flat();
}

/**
 * The dossiers of the open tasks, one indexed `_id` read each (PARALLEL at a time): the cost
 * follows the scope's open work. A streamed read of every open case was tried above 200 and
 * made one commune's list read the whole province's open cases (10–25 s at 100,000 seeded).
 */
async function casesOf(src: OpenWorkSource, ids: string[]): Promise<Map<string, CaseFacts>> {
  const found = new Map<string, CaseFacts>();
  const docs = await inParallel(ids, (id) => src.cases.findOne({ _id: id }, { projection: CASE_FIELDS }) as Promise<CaseFacts | null>);
  for (const doc of docs) if (doc) found.set(doc._id, doc);
  return found;
}

/**
 * Open tasks in `units` whose dossier is still running on its statutory clock. A paused clock
 * (waiting for the applicant's supplement or fee) is left out: nobody in the units holds it.
 */
export async function loadOpenWork(src: OpenWorkSource, units: string[] | null): Promise<OpenItem[]> {
  const tasks = await openTasks(src, units);
  const cases = await casesOf(src, [...new Set(tasks.map((t) => t.caseId))]);
  const items: OpenItem[] = [];
  for (const t of tasks) {
    const c = cases.get(t.caseId);
    if (!c?.dossier || !c.clock || c.clock.pausedAt || (c.status !== 'active' && c.status !== 'incident')) continue;
    items.push({
      taskId: t._id,
      caseId: t.caseId,
      activityId: t.activityId,
      taskName: t.name,
      unitId: t.unitId ?? null,
      assignee: t.assignee ?? null,
      candidateGroups: t.candidateGroups ?? [],
      stepDueAt: t.dueAt ?? null,
      dossierCode: c.dossier.code,
      procedureKey: c.procedureKey,
      procedureVersion: c.procedureVersion,
      procedureName: c.dossier.procedureName,
      clock: c.clock,
    });
  }
  return items;
}
