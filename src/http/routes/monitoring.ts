import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { UnitScope } from '../../domain/unit-scope.js';
import { badRequest } from '../../domain/errors.js';
import { localDay } from '../../monitoring/rollup.js';
import type { RollupStore } from '../../monitoring/rollup-store.js';
import { monitoringSummary } from '../../monitoring/summary.js';
import { errorResponses } from '../schemas.js';

interface Deps {
  rollups: RollupStore;
  scopeOf: (request: FastifyRequest) => Promise<UnitScope>;
  allUnitIds: () => Promise<string[]>;
}

const DAY = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'a calendar day in Asia/Ho_Chi_Minh' } as const;
const figures = {
  type: 'object',
  properties: {
    ...Object.fromEntries(['received', 'inProgress', 'paused', 'early', 'onTime', 'late', 'finished'].map((k) => [k, { type: 'integer' }])),
    onTimeRate: { type: ['number', 'null'], description: '(early + on time) / finished; null when nothing finished' },
  },
} as const;

/** Supervisors' figures from the rollups kept at commit (docs/monitoring.md). */
export async function monitoringRoutes(app: FastifyInstance, { rollups, scopeOf, allUnitIds }: Deps): Promise<void> {
  app.get<{ Querystring: { from?: string; to?: string; unitId?: string; procedureKey?: string } }>(
    '/v1/monitoring/summary',
    {
      config: { permission: 'escalations:read' },
      schema: {
        tags: ['monitoring'],
        summary: 'Received, in progress, paused, finished early / on time / late and the on-time rate, per unit and procedure, for a period (default: this month)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { from: DAY, to: DAY, unitId: { type: 'string', minLength: 1, maxLength: 100 }, procedureKey: { type: 'string', minLength: 1, maxLength: 200 } },
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
    async (request) => {
      const today = localDay(new Date().toISOString());
      const { from = `${today.slice(0, 8)}01`, to = today, unitId, procedureKey } = request.query;
      if (to < from) throw badRequest('INVALID_PERIOD', "'to' must not be before 'from' (kỳ báo cáo không hợp lệ)", { from, to });
      return monitoringSummary(rollups, await scopeOf(request), { from, to, ...(unitId ? { unitId } : {}), ...(procedureKey ? { procedureKey } : {}) }, allUnitIds);
    },
  );
}
