/** `dossiers list / show / receive` and `overdue` (statutory deadlines that were breached). */
import type { paths } from '../../client/index.js';
import { api, type Context } from '../context.js';
import { jsonArgument } from '../files.js';
import { t } from '../messages.js';
import { EXIT, printJson, printTable } from '../output.js';

type DossierQuery = NonNullable<paths['/v1/dossiers']['get']['parameters']['query']>;
type ReceiveBody = paths['/v1/dossiers']['post']['requestBody']['content']['application/json'];

const num = (value: string | undefined): number | undefined => (value === undefined ? undefined : Number(value));

interface DossierRow {
  id?: string;
  code?: string;
  procedureKey?: string;
  status?: { code?: number; name?: string };
  dueAt?: string | null;
  currentUnitId?: string;
  applicant?: { name?: unknown };
}

const row = (d: DossierRow) => [d.id, d.code, d.procedureKey, d.status?.name ?? d.status?.code, d.currentUnitId, d.dueAt, typeof d.applicant?.name === 'string' ? d.applicant.name : null];
const COLUMNS = ['ID', 'CODE', 'PROCEDURE', 'STATUS', 'UNIT', 'DUE', 'APPLICANT'];

export async function listDossiers(ctx: Context, o: { procedure?: string; status?: string; unit?: string; code?: string; limit?: string; cursor?: string }): Promise<number> {
  const query: DossierQuery = { procedureKey: o.procedure, status: num(o.status), unitId: o.unit, code: o.code, limit: num(o.limit), cursor: o.cursor };
  const { data } = await api(ctx, () => ctx.client().GET('/v1/dossiers', { params: { query } }));
  if (ctx.output.json) printJson(ctx.output, data);
  else printTable(ctx.output, COLUMNS, (data.items ?? []).map((d) => row(d as DossierRow)), data.total, data);
  return EXIT.ok;
}

export async function showDossier(ctx: Context, id: string): Promise<number> {
  const { data } = await api(ctx, () => ctx.client().GET('/v1/dossiers/{id}', { params: { path: { id } } }));
  if (ctx.output.json) {
    printJson(ctx.output, data);
    return EXIT.ok;
  }
  printTable(ctx.output, COLUMNS, [row(data as DossierRow)]);
  const tasks = ((data as { case?: { tasks?: { id?: string; activityId: string; candidateGroups?: string[] }[] } }).case?.tasks ?? []);
  if (tasks.length > 0) printTable(ctx.output, ['TASK', 'ACTIVITY', 'GROUPS'], tasks.map((task) => [task.id, task.activityId, (task.candidateGroups ?? []).join(',')]));
  return EXIT.ok;
}

/** The receipt body: `--body` (JSON or @file) with the flags laid over it. */
export async function receiveDossier(
  ctx: Context,
  o: { body?: string; procedure?: string; applicant?: string; channel?: string; unit?: string; data?: string; idempotencyKey?: string },
): Promise<number> {
  const base = jsonArgument(o.body, '--body') ?? {};
  const data = jsonArgument(o.data, '--data');
  const body = {
    ...base,
    ...(o.procedure ? { procedureKey: o.procedure } : {}),
    ...(o.applicant ? { applicant: { ...((base.applicant as object | undefined) ?? {}), name: o.applicant } } : {}),
    ...(o.channel ? { channel: o.channel } : {}),
    ...(o.unit ? { receivingUnitId: o.unit } : {}),
    ...(data ? { data } : {}),
  } as ReceiveBody;
  const { data: dossier } = await api(ctx, () =>
    ctx.client().POST('/v1/dossiers', { body, ...(o.idempotencyKey ? { params: { header: { 'idempotency-key': o.idempotencyKey } } } : {}) }),
  );
  if (ctx.output.json) printJson(ctx.output, dossier);
  else {
    const d = dossier as DossierRow;
    ctx.output.out(`${t(ctx.output.lang, 'received')}: ${d.id} ${d.code ?? ''}`);
  }
  return EXIT.ok;
}

/** Breaches of the statutory time that fired (GET /v1/escalations?kind=breach), newest listing first. */
export async function overdue(ctx: Context, o: { procedure?: string; limit?: string; cursor?: string }): Promise<number> {
  const { data } = await api(ctx, () =>
    ctx.client().GET('/v1/escalations', { params: { query: { kind: 'breach', procedureKey: o.procedure, limit: num(o.limit), cursor: o.cursor } } }),
  );
  if (ctx.output.json) printJson(ctx.output, data);
  else
    printTable(
      ctx.output,
      ['CASE', 'PROCEDURE', 'STEP', 'DUE', 'USED/BUDGET MIN', 'AT'],
      (data.items ?? []).map((e) => [e.caseId, e.procedureKey, e.activityId ?? e.subject, e.dueAt, `${e.usedMinutes ?? '?'}/${e.budgetMinutes ?? '?'}`, e.at]),
      data.total,
      data,
    );
  return EXIT.ok;
}
