/**
 * One-off start-up step: open task rows of dossiers written before the lists' fields existed
 * (src/monitoring/work-fields.ts) get them from their case. A marker makes later starts skip
 * the scan; the scan reads open tasks by the indexed `status` equality, once.
 */
import type { Collection, Db } from 'mongodb';
import type { CaseDoc, TaskDoc, TaskWait } from '../domain/case.js';
import { workFieldsOf } from './work-fields.js';

const MARKER = 'task-open-work-v1';

export interface WorkBackfillSource {
  db: Db;
  tasks: Collection<TaskDoc>;
  cases: Collection<CaseDoc>;
  stepName: (procedureKey: string, version: number, activityId: string) => Promise<string | null>;
}

export async function backfillWorkFields(src: WorkBackfillSource): Promise<number> {
  const markers = src.db.collection<{ _id: string; at: string }>('migrations');
  if (await markers.findOne({ _id: MARKER })) return 0;
  let updated = 0;
  const open = src.tasks.find({ status: 'open' }, { projection: { _id: 1, caseId: 1, activityId: 1, workRevision: 1 } }).batchSize(500);
  for await (const task of open) {
    if ((task as { workRevision?: number }).workRevision !== undefined) continue;
    const c = await src.cases.findOne({ _id: task.caseId });
    const wait = c?.waits.find((w): w is TaskWait => w.kind === 'task' && w.taskId === task._id);
    if (!c || !wait) continue;
    const name = await src.stepName(c.procedureKey, c.procedureVersion, wait.activityId).catch(() => null);
    const work = workFieldsOf(c, wait, name);
    if (!work) continue;
    // A commit that wrote the fields meanwhile set workRevision: it wins.
    const res = await src.tasks.updateOne({ _id: task._id, workRevision: { $exists: false } } as never, { $set: work as never });
    updated += res.modifiedCount;
  }
  await markers.updateOne({ _id: MARKER }, { $set: { at: new Date().toISOString() } }, { upsert: true });
  return updated;
}
