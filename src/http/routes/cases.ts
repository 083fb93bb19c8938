import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { UnitScope } from '../../domain/unit-scope.js';
import { unitToActFor } from '../../auth/unit-access.js';
import type { CaseService } from '../../cases/case-service.js';
import type { Queries } from '../../cases/queries.js';
import type { IdempotentStart } from '../../cases/idempotency.js';
import { actorOf } from '../actor.js';
import { cursorPageOf, cursorPaging } from '../paging.js';
import { actorSchema, dataSchema, errorResponses, idParam, reasonBody, ref } from '../schemas.js';
import { typedRoutes } from '../typed-routes.js';

interface Deps {
  cases: CaseService;
  queries: Queries;
  scopeOf: (request: FastifyRequest) => Promise<UnitScope>;
  startIdempotent: IdempotentStart;
  /** 422 UNKNOWN_UNIT / UNIT_DISSOLVED unless the unit exists and is active. */
  requireActiveUnit: (unitId: string, field: string) => Promise<unknown>;
}

const actor = actorSchema;

export async function caseRoutes(server: FastifyInstance, { cases, queries, startIdempotent, scopeOf, requireActiveUnit }: Deps): Promise<void> {
  const app = typedRoutes(server);
  // Every route on one case first checks the caller may see it (a dossier of their units).
  app.addHook('preHandler', async (request) => {
    const id = (request.params as { id?: string }).id;
    if (id && request.routeOptions.url?.startsWith('/v1/cases/:id')) await queries.assertVisible(id, await scopeOf(request));
  });

  app.post(
    '/v1/cases',
    {
      config: { permission: 'cases:start' },
      schema: {
        tags: ['cases'],
        summary: 'Start a case on the latest version of a procedure; runs until it waits',
        headers: {
          type: 'object',
          properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 200, pattern: '^[\\x21-\\x7E]+$' } },
        },
        body: {
          type: 'object',
          required: ['procedureKey'],
          additionalProperties: false,
          properties: {
            procedureKey: { type: 'string', minLength: 1, maxLength: 200 },
            unitId: {
              type: 'string',
              minLength: 1,
              maxLength: 100,
              description: "the unit the case belongs to, within the caller's scope; absent: the caller's own unit (admin and integration keys must name one)",
            },
            businessKey: {
              type: 'string',
              minLength: 1,
              maxLength: 200,
              description: 'your own key for the case (an application number): POST /v1/messages correlates on it',
            },
            data: dataSchema,
            actor,
          },
        },
        response: { 200: ref('Case'), 201: ref('Case'), ...errorResponses(404, 409, 422) },
      },
    },
    async (request, reply) => {
      const { procedureKey, data } = request.body;
      const businessKey = request.body.businessKey !== undefined ? { businessKey: request.body.businessKey } : {};
      const by = actorOf(request, request.body.actor);
      const unitId = unitToActFor(request.principal, await scopeOf(request), request.body.unitId);
      await requireActiveUnit(unitId, 'unitId');
      const key = request.headers['idempotency-key'];
      if (key) {
        const result = await startIdempotent(key, { procedureKey, data, by, unitId, ...businessKey }, request.principal.id);
        return reply.status(result.replayed ? 200 : 201).header('idempotent-replayed', String(result.replayed)).send(result.case);
      }
      return reply.status(201).send(await cases.start({ procedureKey, data, by, unitId, ...businessKey }));
    },
  );

  app.get(
    '/v1/cases',
    {
      config: { permission: 'cases:read' },
      schema: {
        tags: ['cases'],
        summary: 'List cases, newest first, a page at a time (cursor)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            procedureKey: { type: 'string', maxLength: 200 },
            unitId: { type: 'string', maxLength: 100, description: "only this unit's cases; outside the caller's scope: 403 OUT_OF_SCOPE" },
            status: { enum: ['active', 'completed', 'terminated', 'incident'] },
            ...cursorPaging,
          },
        },
        response: {
          200: cursorPageOf(ref('Case')),
          ...errorResponses(),
        },
      },
    },
    async (request) => queries.listCases(request.query, await scopeOf(request)),
  );

  app.get(
    '/v1/cases/:id',
    { config: { permission: 'cases:read' }, schema: { tags: ['cases'], summary: 'One case', params: idParam('id'), response: { 200: ref('Case'), ...errorResponses(404) } } },
    async (request) => cases.get(request.params.id),
  );

  app.get(
    '/v1/cases/:id/history',
    {
      config: { permission: 'cases:read' },
      schema: {
        tags: ['cases'],
        summary: 'Append-only history: steps entered and left, tasks completed, messages, timers, incidents',
        params: idParam('id'),
        response: {
          200: { type: 'object', properties: { caseId: { type: 'string' }, items: { type: 'array', items: ref('HistoryEntry') } } },
          ...errorResponses(404),
        },
      },
    },
    async (request) => queries.history(request.params.id),
  );

  app.post(
    '/v1/cases/:id/messages',
    {
      config: { permission: 'cases:advance' },
      schema: {
        tags: ['cases'],
        summary: 'Deliver a BPMN message to the case (message catch event or receive task)',
        params: idParam('id'),
        body: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: { name: { type: 'string', minLength: 1, maxLength: 200 }, data: dataSchema, actor },
        },
        response: { 200: ref('Case'), ...errorResponses(404, 409, 422) },
      },
    },
    async (request) => cases.deliverMessage(request.params.id, request.body.name, request.body.data, actorOf(request, request.body.actor)),
  );

  app.post(
    '/v1/cases/:id/incidents/retry',
    {
      config: { permission: 'cases:manage' },
      schema: {
        tags: ['cases'],
        summary: 'Retry what failed (a service task after its last attempt, or an engine error)',
        params: idParam('id'),
        body: { type: 'object', additionalProperties: false, properties: { actor } },
        response: { 200: ref('Case'), ...errorResponses(404, 409) },
      },
    },
    async (request) => cases.retryIncident(request.params.id, actorOf(request, request.body?.actor)),
  );

  app.post(
    '/v1/cases/:id/terminate',
    {
      config: { permission: 'cases:manage' },
      schema: {
        tags: ['cases'],
        summary: 'End a case now: open tasks are cancelled and pending timers dropped',
        params: idParam('id'),
        body: reasonBody,
        response: { 200: ref('Case'), ...errorResponses(404, 409) },
      },
    },
    async (request) => cases.terminate(request.params.id, request.body.reason, actorOf(request, request.body.actor)),
  );
}
