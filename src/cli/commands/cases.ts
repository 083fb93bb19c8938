/** `cases list / show / start` and `tasks list / complete` over the typed client. */
import type { paths } from '../../client/index.js';
import { api, type Context } from '../context.js';
import { jsonArgument } from '../files.js';
import { t } from '../messages.js';
import { EXIT, printJson, printTable } from '../output.js';

type CaseQuery = NonNullable<paths['/v1/cases']['get']['parameters']['query']>;
type TaskQuery = NonNullable<paths['/v1/tasks']['get']['parameters']['query']>;
type StartBody = paths['/v1/cases']['post']['requestBody']['content']['application/json'];

const limitOf = (value: string | undefined): number | undefined => (value === undefined ? undefined : Number(value));

export async function listCases(ctx: Context, o: { procedure?: string; status?: string; limit?: string; cursor?: string }): Promise<number> {
  const query: CaseQuery = { procedureKey: o.procedure, status: o.status as CaseQuery['status'], limit: limitOf(o.limit), cursor: o.cursor };
  const { data } = await api(ctx, () => ctx.client().GET('/v1/cases', { params: { query } }));
  if (ctx.output.json) printJson(ctx.output, data);
  else
    printTable(
      ctx.output,
      ['ID', 'PROCEDURE', 'STATUS', 'DUE', 'OPEN TASKS'],
      (data.items ?? []).map((c) => [c.id, `${c.procedureKey}@${c.procedureVersion}`, c.status, c.deadline?.dueAt, c.tasks.map((task) => task.activityId).join(',')]),
      data.total,
      data,
    );
  return EXIT.ok;
}

export async function showCase(ctx: Context, id: string): Promise<number> {
  const { data } = await api(ctx, () => ctx.client().GET('/v1/cases/{id}', { params: { path: { id } } }));
  if (ctx.output.json) {
    printJson(ctx.output, data);
    return EXIT.ok;
  }
  const out = ctx.output.out;
  out(`${data.id}  ${data.procedureKey}@${data.procedureVersion}  ${data.status}`);
  if (data.deadline?.dueAt) out(`due / hạn: ${data.deadline.dueAt}${data.deadline.late ? ' (late / trễ hạn)' : ''}`);
  if (data.incident) out(`incident / sự cố: ${data.incident.code ?? ''} ${data.incident.message ?? ''}`);
  printTable(ctx.output, ['TASK', 'ACTIVITY', 'GROUPS', 'DUE'], data.tasks.map((task) => [(task as { id?: string }).id, task.activityId, (task.candidateGroups ?? []).join(','), task.dueAt]));
  return EXIT.ok;
}

export async function startCase(ctx: Context, procedureKey: string, o: { data?: string; unit?: string; actor?: string; idempotencyKey?: string }): Promise<number> {
  // unitId is spread in: services that predate unit scopes ignore the flag's absence.
  const body = { procedureKey, data: jsonArgument(o.data, '--data') ?? {}, ...(o.actor ? { actor: o.actor } : {}), ...(o.unit ? { unitId: o.unit } : {}) } as StartBody;
  const { data } = await api(ctx, () =>
    ctx.client().POST('/v1/cases', { body, ...(o.idempotencyKey ? { params: { header: { 'idempotency-key': o.idempotencyKey } } } : {}) }),
  );
  if (ctx.output.json) printJson(ctx.output, data);
  else ctx.output.out(`${t(ctx.output.lang, 'started')}: ${data.id} (${data.procedureKey}@${data.procedureVersion}, ${data.status})`);
  return EXIT.ok;
}

export async function listTasks(ctx: Context, o: { case?: string; group?: string; assignee?: string; status?: string; limit?: string; cursor?: string }): Promise<number> {
  const query: TaskQuery = {
    caseId: o.case,
    candidateGroup: o.group,
    assignee: o.assignee,
    status: (o.status ?? 'open') as TaskQuery['status'],
    limit: limitOf(o.limit),
    cursor: o.cursor,
  };
  const { data } = await api(ctx, () => ctx.client().GET('/v1/tasks', { params: { query } }));
  if (ctx.output.json) printJson(ctx.output, data);
  else
    printTable(
      ctx.output,
      ['ID', 'CASE', 'TASK', 'GROUPS', 'DUE'],
      (data.items ?? []).map((task) => [task.id, task.caseId, task.name || task.activityId, (task.candidateGroups ?? []).join(','), task.dueAt]),
      data.total,
      data,
    );
  return EXIT.ok;
}

export async function completeTask(ctx: Context, id: string, o: { data?: string; actor?: string }): Promise<number> {
  const body = { data: jsonArgument(o.data, '--data') ?? {}, ...(o.actor ? { actor: o.actor } : {}) };
  const { data } = await api(ctx, () => ctx.client().POST('/v1/tasks/{id}/complete', { params: { path: { id } }, body }));
  if (ctx.output.json) printJson(ctx.output, data);
  else ctx.output.out(`${t(ctx.output.lang, 'completed')}: ${id}`);
  return EXIT.ok;
}
