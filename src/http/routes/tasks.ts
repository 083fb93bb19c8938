import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CaseService } from '../../cases/case-service.js';
import type { Queries } from '../../cases/queries.js';
import type { UnitScope } from '../../domain/unit-scope.js';
import { actorOf } from '../actor.js';
import { cursorPageOf, cursorPaging } from '../paging.js';
import { dataSchema, errorResponses, idParam, ref } from '../schemas.js';
import { typedRoutes } from '../typed-routes.js';

interface Deps {
  cases: CaseService;
  queries: Queries;
  scopeOf: (request: FastifyRequest) => Promise<UnitScope>;
}

export async function taskRoutes(server: FastifyInstance, { cases, queries, scopeOf }: Deps): Promise<void> {
  const app = typedRoutes(server);
  app.get(
    '/v1/tasks',
    {
      config: { permission: 'cases:read' },
      schema: {
        tags: ['tasks'],
        summary: 'Work list: open tasks by default, oldest first, a page at a time (cursor)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            caseId: { type: 'string', maxLength: 200 },
            unitId: { type: 'string', maxLength: 100, description: "only this unit's tasks; outside the caller's scope: 403 OUT_OF_SCOPE" },
            activityId: { type: 'string', maxLength: 200 },
            candidateGroup: { type: 'string', maxLength: 200 },
            assignee: { type: 'string', maxLength: 200 },
            status: { enum: ['open', 'completed', 'cancelled'] },
            ...cursorPaging,
          },
        },
        response: {
          200: cursorPageOf(ref('Task')),
          ...errorResponses(),
        },
      },
    },
    async (request) => queries.listTasks(request.query, await scopeOf(request)),
  );

  app.get(
    '/v1/tasks/:id',
    { config: { permission: 'cases:read' }, schema: { tags: ['tasks'], summary: 'One task', params: idParam('id'), response: { 200: ref('Task'), ...errorResponses(404) } } },
    async (request) => queries.getTask(request.params.id, await scopeOf(request)),
  );

  app.post(
    '/v1/tasks/:id/complete',
    {
      config: { permission: 'cases:advance' },
      schema: {
        tags: ['tasks'],
        summary: 'Complete an open task; its data joins the case data and drives the next gateways',
        params: idParam('id'),
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { data: dataSchema, actor: { type: 'string', minLength: 1, maxLength: 200 } },
        },
        response: { 200: ref('Case'), ...errorResponses(404, 409, 422) },
      },
    },
    async (request) => {
      const task = await queries.getTask(request.params.id, await scopeOf(request));
      const body = request.body ?? { data: {} };
      return cases.completeTask(task.caseId, task.id, body.data ?? {}, actorOf(request, body.actor));
    },
  );
}
