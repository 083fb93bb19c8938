import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DateTime } from 'luxon';
import type { UnitScope } from '../../domain/unit-scope.js';
import { localDay } from '../../monitoring/rollup.js';
import { widened } from '../../monitoring/row-units.js';
import type { RollupStore } from '../../monitoring/rollup-store.js';
import { monitoringTrends } from '../../monitoring/trends.js';
import { errorResponses } from '../schemas.js';
import { EXPORT, PERIOD_FILTERS, sendCsv } from './monitoring-schema.js';
import { TREND_COLUMNS } from '../../monitoring/csv-tables.js';
import { typedRoutes } from '../typed-routes.js';

interface Deps {
  rollups: RollupStore;
  scopeOf: (request: FastifyRequest) => Promise<UnitScope>;
  /** Every unit of the register: a scope holding them all reads the province rows. */
  allUnitIds?: () => Promise<string[]>;
}

/** Default span per grain, ending today: 30 days, 12 weeks, 12 months. */
const DEFAULT_SPAN = { day: { days: 29 }, week: { weeks: 12 }, month: { months: 11 } } as const;

/** Trends of the figures kept at commit (docs/monitoring.md). */
export async function monitoringTrendRoutes(server: FastifyInstance, { rollups, scopeOf, allUnitIds }: Deps): Promise<void> {
  const app = typedRoutes(server);
  app.get(
    '/v1/monitoring/trends',
    {
      config: { permission: 'escalations:read' },
      schema: {
        tags: ['monitoring'],
        summary: 'Received and finished early / on time / late per day, ISO week or month, with the on-time rate of each (default: the last 30 days by day); format=csv for a CSV file',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { ...PERIOD_FILTERS, grain: { type: 'string', enum: ['day', 'week', 'month'], default: 'day' }, ...EXPORT },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              from: { type: 'string' },
              to: { type: 'string' },
              grain: { type: 'string', enum: ['day', 'week', 'month'] },
              series: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    period: { type: 'string', description: 'YYYY-MM-DD, YYYY-Www (ISO week) or YYYY-MM' },
                    ...Object.fromEntries(['received', 'early', 'onTime', 'late', 'finished'].map((k) => [k, { type: 'integer' }])),
                    onTimeRate: { type: ['number', 'null'] },
                  },
                },
              },
            },
          },
          ...errorResponses(400, 403, 422),
        },
      },
    },
    async (request, reply) => {
      const { grain = 'day', unitId, procedureKey, format, lang } = request.query;
      const to = request.query.to ?? localDay(new Date().toISOString());
      const start = DateTime.fromISO(to, { zone: 'utc' }).minus(DEFAULT_SPAN[grain]);
      const from = request.query.from ?? (grain === 'month' ? start.startOf('month') : grain === 'week' ? start.startOf('week') : start).toISODate() ?? to;
      const trends = await monitoringTrends(rollups, await widened(await scopeOf(request), unitId, allUnitIds), { from, to, grain, ...(unitId ? { unitId } : {}), ...(procedureKey ? { procedureKey } : {}) });
      if (format === 'csv') return sendCsv(reply, `xu-huong-${grain}-${from}-${to}`, trends.series, TREND_COLUMNS, lang);
      return trends;
    },
  );
}
