import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { UnitScope } from '../../domain/unit-scope.js';
import { badRequest } from '../../domain/errors.js';
import { DUE_SOON_COLUMNS, escalationColumns, OVERDUE_COLUMNS, summaryColumns, summaryRows, type CsvLang } from '../../monitoring/csv.js';
import type { RollupStore } from '../../monitoring/rollup-store.js';
import { thisMonthSoFar } from '../../monitoring/periods.js';
import { monitoringSummary } from '../../monitoring/summary.js';
import type { Worklists } from '../../monitoring/worklists.js';
import { cursorPageOf, cursorPaging } from '../paging.js';
import { errorResponses } from '../schemas.js';
import { EXPORT, PERIOD_FILTERS, sendCsv, UNIT_FILTER as UNIT } from './monitoring-schema.js';
import { typedRoutes } from '../typed-routes.js';

interface Deps {
  rollups: RollupStore;
  scopeOf: (request: FastifyRequest) => Promise<UnitScope>;
  allUnitIds: () => Promise<string[]>;
  /** Overdue, due-soon and escalation lists (absent: those routes are not served). */
  worklists?: Worklists;
}

const figures = {
  type: 'object',
  properties: {
    ...Object.fromEntries(['received', 'inProgress', 'paused', 'early', 'onTime', 'late', 'finished'].map((k) => [k, { type: 'integer' }])),
    onTimeRate: { type: ['number', 'null'], description: '(early + on time) / finished; null when nothing finished' },
  },
} as const;
/** A CSV export takes the whole list up to this many rows; JSON pages stop at 200. */
const CSV_MAX_ROWS = 5_000;
const PAGE = {
  limit: { type: 'integer', minimum: 1, maximum: CSV_MAX_ROWS, description: 'default 50 (JSON, at most 200) or 5000 (CSV)' },
  cursor: cursorPaging.cursor,
  total: cursorPaging.total,
  offset: { type: 'integer', minimum: 0, maximum: 100_000, deprecated: true, description: 'deprecated (one release): page by cursor; reads offset + limit rows per unit' },
} as const;
const str = { type: 'string' } as const;
const strOrNull = { type: ['string', 'null'] } as const;
const rowProperties = {
  dossierId: str, dossierCode: str, procedureKey: str, procedureName: str, taskId: strOrNull, activityId: str, stepName: str,
  unitId: strOrNull, unitName: strOrNull, assignee: strOrNull, candidateGroups: { type: 'array', items: str },
  dueAt: str, stepDueAt: strOrNull, workingHoursLate: { type: ['number', 'null'] }, workingHoursLeft: { type: ['number', 'null'] },
  consolePath: { type: 'string', description: "the dossier's page in the console" }, apiPath: { type: 'string', description: 'GET this for the dossier' },
} as const;
const listOf = (items: object, extra: object = {}) => {
  const page = cursorPageOf(items);
  return { ...page, properties: { ...extra, ...page.properties, offset: { type: 'integer', description: 'only when paged by the deprecated offset' } } };
};
const workRow = { type: 'object', properties: rowProperties } as const;
const escalationRow = {
  type: 'object',
  properties: { id: str, kind: { enum: ['reminder', 'breach'] }, subject: str, at: str, ...rowProperties },
} as const;

interface ListQuerystring { unitId?: string; limit?: number; cursor?: string; total: boolean; offset?: number; format: 'json' | 'csv'; lang: CsvLang }

function pageOf(q: ListQuerystring): { limit: number; cursor?: string; offset?: number; total: boolean } {
  const at = { ...(q.cursor ? { cursor: q.cursor } : {}), ...(q.offset !== undefined ? { offset: q.offset } : {}) };
  if (q.format === 'csv') return { limit: q.limit ?? CSV_MAX_ROWS, ...at, total: false };
  if (q.limit !== undefined && q.limit > 200) throw badRequest('VALIDATION_FAILED', "'limit' is at most 200 for JSON (tối đa 200 dòng mỗi trang); CSV takes up to 5000", { limit: q.limit });
  return { limit: q.limit ?? 50, ...at, total: q.total };
}

/** Supervisors' figures from the rollups kept at commit, and lists of the open work (docs/monitoring.md). */
export async function monitoringRoutes(server: FastifyInstance, { rollups, scopeOf, allUnitIds, worklists }: Deps): Promise<void> {
  const app = typedRoutes(server);
  app.get(
    '/v1/monitoring/summary',
    {
      config: { permission: 'escalations:read' },
      schema: {
        tags: ['monitoring'],
        summary: 'Received, in progress, paused, finished early / on time / late and the on-time rate, per unit and procedure, for a period (default: this month); format=csv for a CSV file',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { ...PERIOD_FILTERS, ...EXPORT },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              from: { type: 'string' },
              to: { type: 'string' },
              totals: figures,
              byUnit: { type: 'array', items: { type: 'object', properties: { unitId: { type: 'string' }, figures } } },
              byProcedure: { type: 'array', items: { type: 'object', properties: { procedureKey: { type: 'string' }, figures } } },
              byUnitProcedure: { type: 'array', items: { type: 'object', properties: { unitId: { type: 'string' }, procedureKey: { type: 'string' }, figures } } },
            },
          },
          ...errorResponses(403, 422),
        },
      },
    },
    async (request, reply) => {
      // A bad period is refused by the rollup read (400 INVALID_PERIOD / PERIOD_TOO_LONG).
      const { from = thisMonthSoFar().from, to = thisMonthSoFar().to, unitId, procedureKey, format, lang } = request.query;
      const summary = await monitoringSummary(rollups, await scopeOf(request), { from, to, ...(unitId ? { unitId } : {}), ...(procedureKey ? { procedureKey } : {}) }, allUnitIds);
      if (format === 'csv') return sendCsv(reply, `tong-hop-${from}-${to}`, summaryRows(summary), summaryColumns(lang), lang);
      return summary;
    },
  );

  if (!worklists) return;
  const lists = worklists;
  const listQuery = <const Extra extends object = object>(extra: Extra = {} as Extra) =>
    ({ type: 'object', additionalProperties: false, properties: { unitId: UNIT, ...PAGE, ...EXPORT, ...extra } }) as const;

  app.get(
    '/v1/monitoring/overdue',
    {
      config: { permission: 'escalations:read' },
      schema: {
        tags: ['monitoring'],
        summary: 'Open dossiers past their appointment date held by the units in scope, most overdue first, with the step, unit, assignee and working hours late',
        querystring: listQuery(),
        response: { 200: listOf(workRow), ...errorResponses(400, 403) },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const page = await lists.overdue(await scopeOf(request), { ...(q.unitId ? { unitId: q.unitId } : {}), ...pageOf(q) });
      return q.format === 'csv' ? sendCsv(reply, 'qua-han', page.items, OVERDUE_COLUMNS, q.lang) : page;
    },
  );

  app.get(
    '/v1/monitoring/due-soon',
    {
      config: { permission: 'escalations:read' },
      schema: {
        tags: ['monitoring'],
        summary: 'Open dossiers due within the next N working hours (default 8) held by the units in scope, soonest first',
        querystring: listQuery({ hours: { type: 'number', exclusiveMinimum: 0, maximum: 2_000, default: 8, description: 'working hours ahead' } }),
        response: { 200: listOf(workRow, { hours: { type: 'number' } }), ...errorResponses(400, 403) },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const page = await lists.dueSoon(await scopeOf(request), { ...(q.unitId ? { unitId: q.unitId } : {}), hours: q.hours, ...pageOf(q) });
      return q.format === 'csv' ? sendCsv(reply, 'sap-den-han', page.items, DUE_SOON_COLUMNS, q.lang) : page;
    },
  );

  app.get(
    '/v1/monitoring/escalations',
    {
      config: { permission: 'escalations:read' },
      schema: {
        tags: ['monitoring'],
        summary: 'Reminders and breaches of the open dossiers held by the units in scope, newest first, with dossier code, step name, unit, assignee and working hours late',
        querystring: listQuery({ kind: { enum: ['reminder', 'breach'] } }),
        response: { 200: listOf(escalationRow), ...errorResponses(400, 403) },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const page = await lists.escalations(await scopeOf(request), { ...(q.unitId ? { unitId: q.unitId } : {}), ...(q.kind ? { kind: q.kind } : {}), ...pageOf(q) });
      return q.format === 'csv' ? sendCsv(reply, 'canh-bao', page.items, escalationColumns(q.lang), q.lang) : page;
    },
  );
}
