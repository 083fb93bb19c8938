import type { CommitContext, CommitPolicy } from '../cases/commit-policy.js';
import type { CaseDoc, TaskWait } from '../domain/case.js';
import type { Effects } from '../store/documents.js';
import { sameWork, workFieldsOf } from './work-fields.js';

const taskWaits = (c: CaseDoc | null): Map<string, TaskWait> =>
  new Map((c?.waits ?? []).filter((w): w is TaskWait => w.kind === 'task').map((w) => [w.taskId, w]));

const nameOf = (ctx: CommitContext, wait: TaskWait) => ctx.catalog.get(wait.activityId)?.name ?? null;

/**
 * Keeps the lists' fields on a dossier's open task rows (src/monitoring/work-fields.ts): set
 * on a task as it opens, rewritten when the dossier's clock pauses, resumes or moves its due
 * instant, cleared when the task closes. The writes ride in the commit's own task bulk write,
 * so they are written ahead and replayed with it and cost no extra command.
 */
export const monitoringWorkPolicy: CommitPolicy = {
  name: 'monitoring-open-work',
  when: (current, next) => Boolean(next.dossier ?? current?.dossier),
  apply(ctx: CommitContext, current: CaseDoc | null, next: CaseDoc, effects: Effects) {
    const before = taskWaits(current);
    const after = taskWaits(next);
    const fields: NonNullable<Effects['taskFields']> = [];
    for (const doc of effects.tasksOpened) {
      const wait = after.get(doc._id);
      const work = wait ? workFieldsOf(next, wait, nameOf(ctx, wait)) : null;
      if (work) Object.assign(doc, work);
    }
    const opened = new Set(effects.tasksOpened.map((d) => d._id));
    for (const [taskId, wait] of after) {
      const was = before.get(taskId);
      if (!was || opened.has(taskId)) continue;
      const work = workFieldsOf(next, wait, nameOf(ctx, wait));
      if (!sameWork(workFieldsOf(current as CaseDoc, was, nameOf(ctx, was)), work)) fields.push({ id: taskId, set: { ...(work ?? { openWork: [] }) } });
    }
    for (const closed of effects.tasksClosed) fields.push({ id: closed.id, set: { openWork: [] } });
    if (fields.length > 0) (effects.taskFields ??= []).push(...fields);
  },
};
