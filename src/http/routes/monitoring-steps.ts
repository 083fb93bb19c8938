import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { UnitScope } from '../../domain/unit-scope.js';
import { monthsOf, thisMonthSoFar } from '../../monitoring/periods.js';
import { rowUnits, widened } from '../../monitoring/row-units.js';
import type { StepStore } from '../../monitoring/step-store.js';
import { errorResponses } from '../schemas.js';
import { EXPORT, PERIOD_FILTERS, sendCsv, UNIT_FILTER as UNIT } from './monitoring-schema.js';
import { ATTRIBUTION_COLUMNS, STEP_COLUMNS } from '../../monitoring/csv-tables.js';
import { typedRoutes } from '../typed-routes.js';

interface Deps {
  steps: StepStore;
  scopeOf: (request: FastifyRequest) => Promise<UnitScope>;
  /** Every unit of the register: a scope holding them all reads the province rows. */
  allUnitIds?: () => Promise<string[]>;
}

const minutes = { type: ['number', 'null'] } as const;

/** Which step took the time: statistics per activity and late attribution (docs/monitoring.md). */
export async function monitoringStepRoutes(server: FastifyInstance, { steps, scopeOf, allUnitIds }: Deps): Promise<void> {
  const app = typedRoutes(server);
  app.get(
    '/v1/monitoring/procedures/:key/versions/:version/steps',
    {
      config: { permission: 'escalations:read' },
      schema: {
        tags: ['monitoring'],
        summary: 'Per step of a procedure version: how many were done, median and p90 working time, the share over quota, minutes over quota; format=csv for a CSV file',
        params: { type: 'object', properties: { key: { type: 'string', minLength: 1, maxLength: 200 }, version: { type: 'integer', minimum: 1 } }, required: ['key', 'version'] },
        querystring: { type: 'object', additionalProperties: false, properties: { unitId: UNIT, ...EXPORT } },
        response: {
          200: {
            type: 'object',
            properties: {
              procedureKey: { type: 'string' },
              version: { type: 'integer' },
              activities: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    activityId: { type: 'string' },
                    name: { type: 'string' },
                    count: { type: 'integer' },
                    meanWorkingMinutes: minutes,
                    medianWorkingMinutes: minutes,
                    p90WorkingMinutes: minutes,
                    withQuota: { type: 'integer', description: 'steps that had a quota (thời hạn bước)' },
                    late: { type: 'integer', description: 'steps over their quota' },
                    lateShare: { type: ['number', 'null'], description: 'late / withQuota' },
                    overMinutes: { type: 'number', description: 'working minutes over quota, summed' },
                  },
                },
              },
            },
          },
          ...errorResponses(400, 403),
        },
      },
    },
    async (request, reply) => {
      const { key, version } = request.params;
      const units = rowUnits(await widened(await scopeOf(request), request.query.unitId, allUnitIds), request.query.unitId);
      const activities = await steps.activityStats(units, key, version);
      if (request.query.format === 'csv') return sendCsv(reply, `thong-ke-buoc-${key}-v${version}`, activities, STEP_COLUMNS, request.query.lang);
      return { procedureKey: key, version, activities };
    },
  );

  app.get(
    '/v1/monitoring/attribution',
    {
      config: { permission: 'escalations:read' },
      schema: {
        tags: ['monitoring'],
        summary: 'Dossiers that finished late: which steps and units went over their quota, and by how many working minutes (months of the period; default this month); format=csv for a CSV file',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { ...PERIOD_FILTERS, ...EXPORT },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              months: { type: 'array', items: { type: 'string' } },
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    unitId: { type: 'string' },
                    procedureKey: { type: 'string' },
                    activityId: { type: 'string' },
                    name: { type: 'string' },
                    steps: { type: 'integer' },
                    overMinutes: { type: 'number' },
                  },
                },
              },
            },
          },
          ...errorResponses(400, 403),
        },
      },
    },
    async (request, reply) => {
      const { from = thisMonthSoFar().from, to = thisMonthSoFar().to, unitId, procedureKey, format, lang } = request.query;
      const months = monthsOf(from, to);
      const units = rowUnits(await widened(await scopeOf(request), unitId, allUnitIds), unitId);
      const items = await steps.attribution(units, months, procedureKey);
      if (format === 'csv') return sendCsv(reply, `buoc-tre-han-${months[0]}-${months[months.length - 1]}`, items, ATTRIBUTION_COLUMNS, lang);
      return { months, items };
    },
  );
}
