import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { UnitScope } from '../../auth/scope.js';
import type { ServiceIndexReport } from '../../reports/service-index.js';
import { errorResponses } from '../schemas.js';
import { typedRoutes } from '../typed-routes.js';

interface Deps {
  serviceIndex: ServiceIndexReport;
  scopeOf: (request: FastifyRequest) => Promise<UnitScope>;
}

const SHARE = {
  type: 'object',
  required: ['numerator', 'denominator', 'rate'],
  properties: { numerator: { type: 'integer' }, denominator: { type: 'integer' }, rate: { type: ['number', 'null'] } },
} as const;

const day = { type: 'string', maxLength: 40, pattern: '^\\d{4}-\\d{2}-\\d{2}([T ][0-9:.]+(Z|[+-]\\d{2}:?\\d{2})?)?$' } as const;

/** Reports officials are judged by (docs/service-index.md). */
export async function reportRoutes(server: FastifyInstance, { serviceIndex, scopeOf }: Deps): Promise<void> {
  const app = typedRoutes(server);
  app.get(
    '/v1/reports/service-index',
    {
      config: { permission: 'escalations:read' },
      schema: {
        tags: ['reports'],
        summary: 'National service index (Decision 766) indicators this data computes, for a unit and the units below it, over [from, to)',
        description: 'from/to: a day (midnight in Vietnam) or an instant; to is exclusive. A unit outside the caller\'s units answers 403 OUT_OF_SCOPE.',
        querystring: {
          type: 'object',
          required: ['from', 'to'],
          additionalProperties: false,
          properties: { unitId: { type: 'string', minLength: 1, maxLength: 100 }, from: day, to: day },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              unitIds: { type: 'array', items: { type: 'string' } },
              from: { type: 'string' },
              to: { type: 'string' },
              onTime: { type: 'object', properties: { ...SHARE.properties, late: { type: 'integer' }, lateBySupplements: { type: 'integer' }, lateBySupplementWindow: { type: 'integer' } } },
              onlineSubmission: SHARE,
              onlinePayment: SHARE,
              eResult: SHARE,
              digitisation: SHARE,
              reuse: SHARE,
              digitisedDocuments: SHARE,
              supplementMoreThanOnce: { type: 'integer' },
              supplementAfterWindow: { type: 'integer', description: 'Counted dossiers with a supplement requested after the procedure window (counted late)' },
              apologies: {
                type: 'object',
                description: 'Form 04 letters sent in the period; late = with less than the procedure lead (apologyLeadWorkingDays) before the due date',
                properties: { issued: { type: 'integer' }, late: { type: 'integer' }, dossiers: { type: 'integer' } },
              },
            },
          },
          ...errorResponses(403, 422),
        },
      },
    },
    async (request) => serviceIndex(request.query, await scopeOf(request), new Date()),
  );
}
