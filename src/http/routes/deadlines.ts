import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Queries } from '../../cases/queries.js';
import type { SlaReport } from '../../cases/sla-report.js';
import type { UnitScope } from '../../dossiers/dossier-queries.js';
import type { DeadlineService } from '../../cases/deadline-service.js';
import { actorOf } from '../actor.js';
import { cursorPageOf, cursorPaging } from '../paging.js';
import { actorSchema, errorResponses, idParam, reasonBody, ref } from '../schemas.js';
import { typedRoutes } from '../typed-routes.js';

const actor = actorSchema;

/** Counts of one group: early, onTime, late, total, onTimeRate (and the group's keys). */
const COUNTS = { type: 'object', additionalProperties: true } as const;

interface Deps {
  deadlines: DeadlineService;
  slaReport: SlaReport;
  queries: Queries;
  scopeOf: (request: FastifyRequest) => Promise<UnitScope>;
}

export async function deadlineRoutes(server: FastifyInstance, { deadlines, queries, scopeOf, slaReport }: Deps): Promise<void> {
  const app = typedRoutes(server);
  app.addHook('preHandler', async (request) => {
    const id = (request.params as { id?: string }).id;
    if (id) await queries.assertVisible(id, await scopeOf(request));
  });

  app.post(
    '/v1/cases/:id/clock/pause',
    {
      config: { permission: 'cases:manage' },
      schema: {
        tags: ['deadlines'],
        summary: 'Stop the statutory and step clocks (waiting for the applicant: supplement, fees)',
        params: idParam('id'),
        body: reasonBody,
        response: { 200: ref('Case'), ...errorResponses(404, 409) },
      },
    },
    async (request) => deadlines.pause(request.params.id, request.body.reason, actorOf(request, request.body.actor)),
  );

  app.post(
    '/v1/cases/:id/clock/resume',
    {
      config: { permission: 'cases:manage' },
      schema: {
        tags: ['deadlines'],
        summary: "Start the clocks again: resume what was left or restart from zero (the procedure's clockOnResume)",
        params: idParam('id'),
        body: { type: 'object', additionalProperties: false, properties: { actor } },
        response: { 200: ref('Case'), ...errorResponses(404, 409) },
      },
    },
    async (request) => deadlines.resume(request.params.id, actorOf(request, request.body?.actor)),
  );

  app.post(
    '/v1/cases/:id/apologies',
    {
      config: { permission: 'cases:manage' },
      schema: {
        tags: ['deadlines'],
        summary: 'Record a letter of apology with a new appointment date; the case stays counted as late',
        params: idParam('id'),
        body: {
          type: 'object',
          required: ['reason', 'newDueAt'],
          additionalProperties: false,
          properties: {
            reason: { type: 'string', minLength: 1, maxLength: 2000 },
            newDueAt: { type: 'string', format: 'date-time' },
            actor,
          },
        },
        response: { 200: ref('Case'), ...errorResponses(404, 409) },
      },
    },
    async (request) =>
      deadlines.apologize(request.params.id, { reason: request.body.reason, newDueAt: request.body.newDueAt }, actorOf(request, request.body.actor)),
  );

  app.get(
    '/v1/escalations',
    {
      config: { permission: 'escalations:read' },
      schema: {
        tags: ['deadlines'],
        summary: 'Reminders and breaches that fired, newest first, a page at a time (cursor)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            caseId: { type: 'string', maxLength: 200 },
            procedureKey: { type: 'string', maxLength: 200 },
            kind: { enum: ['reminder', 'breach'] },
            ...cursorPaging,
          },
        },
        response: {
          200: cursorPageOf({
            type: 'object',
            properties: {
              id: { type: 'string' },
              caseId: { type: 'string' },
              procedureKey: { type: 'string' },
              subject: { type: 'string' },
              activityId: { type: ['string', 'null'] },
              kind: { type: 'string' },
              generation: { type: 'integer' },
              at: { type: 'string' },
              dueAt: { type: 'string' },
              budgetMinutes: { type: 'number' },
              usedMinutes: { type: 'number' },
            },
          }),
          ...errorResponses(),
        },
      },
    },
    async (request) => queries.listEscalations(request.query, await scopeOf(request)),
  );

  app.get(
    '/v1/reports/sla',
    {
      config: { permission: 'escalations:read' },
      schema: {
        tags: ['deadlines'],
        summary: 'Early / on time / late of finished cases and steps, per procedure and step, and open cases past due',
        description:
          "Finished figures come from counters kept at commit, per local day (Asia/Ho_Chi_Minh): from / to are read as the days they cover (to exclusive; `period` echoes the days read; neither: all time). A finished case counts for its processing unit (a dossier's) or its own unit, a step for its task's unit. A unit outside the caller's units answers 403 OUT_OF_SCOPE.",
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            procedureKey: { type: 'string', maxLength: 200 },
            unitId: { type: 'string', maxLength: 100 },
            from: { type: 'string', format: 'date-time' },
            to: { type: 'string', format: 'date-time' },
            // Pages open.overdue; open.nextCursor is the next page's cursor (null on the last).
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
            cursor: { type: 'string', maxLength: 200 },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              period: {
                type: 'object',
                description: 'The local days the finished figures cover (null: open-ended)',
                properties: { from: { type: ['string', 'null'] }, to: { type: ['string', 'null'] } },
              },
              finished: COUNTS,
              byProcedure: { type: 'array', items: COUNTS },
              bySteps: { type: 'array', items: COUNTS },
              open: { type: 'object', additionalProperties: true },
            },
          },
          ...errorResponses(),
        },
      },
    },
    async (request) => {
      const q = request.query;
      const filter = {
        ...(q.procedureKey ? { procedureKey: q.procedureKey } : {}),
        ...(q.unitId ? { unitId: q.unitId } : {}),
        ...(q.from ? { from: new Date(q.from).toISOString() } : {}),
        ...(q.to ? { to: new Date(q.to).toISOString() } : {}),
        ...(q.limit ? { limit: q.limit } : {}),
        ...(q.cursor ? { cursor: q.cursor } : {}),
      };
      return slaReport(filter, await scopeOf(request), new Date());
    },
  );
}
