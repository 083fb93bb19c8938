import type { FastifyInstance, FastifyRequest } from 'fastify';
import { can } from '../../auth/permissions.js';
import { unitToActFor } from '../../auth/unit-access.js';
import { DomainError } from '../../domain/errors.js';
import { requireInScope, type UnitScope } from '../../domain/unit-scope.js';
import type { Messaging } from '../../messaging/index.js';
import { actorOf } from '../actor.js';
import { actorSchema, dataSchema, errorResponses, idParam, ref } from '../schemas.js';
import { typedRoutes } from '../typed-routes.js';

interface Deps {
  messaging: Messaging;
  scopeOf: (request: FastifyRequest) => Promise<UnitScope>;
  requireActiveUnit: (unitId: string, field: string) => Promise<unknown>;
}

const idempotencyHeader = {
  type: 'object',
  properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 200, pattern: '^[\\x21-\\x7E]+$' } },
} as const;

const nameSchema = { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S' } as const;
const unitIdSchema = {
  type: 'string',
  minLength: 1,
  maxLength: 100,
  description: "the unit a case this starts belongs to, within the caller's scope; absent: the caller's own unit",
} as const;

const signalSchema = {
  type: 'object',
  required: ['id', 'name', 'status'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    status: { enum: ['running', 'done'] },
    delivered: { type: 'integer', description: 'waiting cases that took the signal so far' },
    started: { type: 'integer', description: 'cases started by signal start events' },
    createdAt: { type: 'string' },
    finishedAt: { type: ['string', 'null'] },
  },
} as const;

/** POST /v1/messages (correlation, message starts) and POST /v1/signals (broadcasts): src/messaging. */
export async function messageRoutes(server: FastifyInstance, { messaging, scopeOf, requireActiveUnit }: Deps): Promise<void> {
  const app = typedRoutes(server);
  app.post(
    '/v1/messages',
    {
      config: { permission: 'cases:advance' },
      schema: {
        tags: ['messages'],
        summary: 'Deliver a message to the one waiting case it correlates with, or start a case of the procedure whose message start event has its name',
        description:
          'Correlates on the business key given at start, the dossier code, or the variable the diagram names (zeebe:subscription correlationKey, or the extension property correlationKey in Camunda 7), among the cases of the caller’s units. 404 MESSAGE_NOT_CORRELATED: nothing waits and nothing starts; 409 MESSAGE_AMBIGUOUS: more than one case (or procedure) matches.',
        headers: idempotencyHeader,
        body: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: {
            name: nameSchema,
            correlationKey: { type: 'string', minLength: 1, maxLength: 200, description: 'business key, dossier code or the diagram’s correlation variable value' },
            data: dataSchema,
            unitId: unitIdSchema,
            actor: actorSchema,
          },
        },
        response: {
          200: { type: 'object', required: ['outcome', 'case'], properties: { outcome: { enum: ['delivered', 'started'] }, case: ref('Case') } },
          201: { type: 'object', required: ['outcome', 'case'], properties: { outcome: { enum: ['delivered', 'started'] }, case: ref('Case') } },
          ...errorResponses(403, 404, 409, 422),
        },
      },
    },
    async (request, reply) => {
      const scope = await scopeOf(request);
      const { name, correlationKey, data } = request.body;
      // A unit named is checked whether or not the message starts a case: out of scope is 403 either way.
      if (request.body.unitId) requireInScope(scope, request.body.unitId, 'unitId');
      const result = await messaging.correlation.correlate({
        name,
        ...(correlationKey !== undefined ? { correlationKey } : {}),
        data,
        by: actorOf(request, request.body.actor),
        scope,
        mayStart: can(request.principal.role, 'cases:start'),
        startUnit: async () => {
          const unitId = unitToActFor(request.principal, scope, request.body.unitId);
          await requireActiveUnit(unitId, 'unitId');
          return unitId;
        },
        ...(request.headers['idempotency-key'] ? { idempotencyKey: request.headers['idempotency-key'] } : {}),
        callerId: request.principal.id,
      });
      const status = result.outcome === 'started' && !result.replayed ? 201 : 200;
      return reply.status(status).header('idempotent-replayed', String(result.replayed)).send({ outcome: result.outcome, case: result.case });
    },
  );

  app.post(
    '/v1/signals',
    {
      config: { permission: 'cases:advance' },
      schema: {
        tags: ['messages'],
        summary: 'Broadcast a signal to every case of the caller’s units waiting for it, and start the procedures with that signal start',
        description:
          'Answers 202 at once: a durable job delivers the signal in batches, each waiting case exactly once (GET /v1/signals/{id} shows the progress). Started cases belong to `unitId` or the caller’s own unit.',
        headers: idempotencyHeader,
        body: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: { name: nameSchema, data: dataSchema, unitId: unitIdSchema, actor: actorSchema },
        },
        response: { 202: signalSchema, ...errorResponses(403, 422) },
      },
    },
    async (request, reply) => {
      const scope = await scopeOf(request);
      const { name, data, unitId } = request.body;
      let startUnitId: string | null = null;
      try {
        startUnitId = unitToActFor(request.principal, scope, unitId);
      } catch (err) {
        // No unit of its own (admin, integration): fine unless the signal starts a case.
        if (!(err instanceof DomainError && err.code === 'UNIT_REQUIRED') || (await messaging.signals.startsCases(name))) throw err;
      }
      if (startUnitId) await requireActiveUnit(startUnitId, 'unitId');
      const result = await messaging.signals.send({
        name,
        data,
        by: actorOf(request, request.body.actor),
        scope,
        startUnitId: can(request.principal.role, 'cases:start') ? startUnitId : null,
        ...(request.headers['idempotency-key'] ? { idempotencyKey: request.headers['idempotency-key'] } : {}),
        callerId: request.principal.id,
      });
      return reply.status(202).header('idempotent-replayed', String(result.replayed)).send(result.signal);
    },
  );

  app.get(
    '/v1/signals/:id',
    {
      config: { permission: 'cases:read' },
      schema: { tags: ['messages'], summary: 'A signal broadcast: running or done, cases reached and started', params: idParam('id'), response: { 200: signalSchema, ...errorResponses(404) } },
    },
    async (request) => messaging.signals.get(request.params.id, await scopeOf(request)),
  );
}
