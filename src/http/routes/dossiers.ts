import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { MigrationService } from '../../cases/migration-service.js';
import type { DossierQueries, UnitScope } from '../../dossiers/dossier-queries.js';
import { requireInScope } from '../../domain/unit-scope.js';
import type { DossierService, ReceiptInput } from '../../dossiers/dossier-service.js';
import type { IdempotentStart } from '../../cases/idempotency.js';
import { OPERATIONS, type Operation } from '../../dossiers/lifecycle.js';
import { trackingSheet, trackingSheetHtml, type SheetEvent } from '../../dossiers/tracking-sheet.js';
import { attachmentFlagProperties } from '../../dossiers/index-data.js';
import type { Person } from '../../auth/api-keys.js';
import { indexDataRoutes } from './dossier-index-data.js';
import { commandBodySchema, dossierCommandRoutes, type CommandHandler } from './dossier-commands.js';
import { actorOf } from '../actor.js';
import { cursorPageOf, cursorPaging } from '../paging.js';
import { dataSchema, errorResponses, idParam, ref } from '../schemas.js';
import { typedRoutes } from '../typed-routes.js';

interface Deps {
  dossiers: DossierService;
  receiveIdempotent: IdempotentStart<ReceiptInput>;
  /** Open dossiers a unit holds (to hand them to its successor). */
  heldBy: (unitId: string, procedureKey?: string) => Promise<string[]>;
  dossierQueries: DossierQueries;
  migrations: MigrationService;
  scopeOf: (request: FastifyRequest) => Promise<UnitScope>;
  assertVisible: (request: FastifyRequest, caseId: string) => Promise<void>;
  unitName: (id: string | null) => Promise<string | null>;
  /** Names and titles of the people behind actor strings. */
  peopleOf: (actors: Iterable<string>) => Promise<(actor: string) => Person>;
  /** The case history, oldest first (who did each lifecycle step). */
  history: (caseId: string) => Promise<SheetEvent[]>;
}

const dossierSchema = {
  type: 'object',
  additionalProperties: true,
  properties: {
    id: { type: 'string' },
    code: { type: 'string' },
    status: { type: 'object', properties: { code: { type: 'integer' }, name: { type: 'string' } } },
    procedureKey: { type: 'string' },
    procedureVersion: { type: 'integer' },
    procedureCode: { type: 'string' },
    applicant: { type: 'object', additionalProperties: true },
    channel: { type: 'string' },
    attachments: { type: 'array', items: { type: 'object', additionalProperties: true } },
    receivingUnitId: { type: 'string' },
    processingUnitId: { type: 'string' },
    currentUnitId: { type: 'string' },
    submittedAt: { type: 'string' },
    receivedAt: { type: ['string', 'null'] },
    dueAt: { type: ['string', 'null'] },
    finishedAt: { type: ['string', 'null'] },
    returnedAt: { type: ['string', 'null'] },
    supplements: { type: 'array', items: { type: 'object', additionalProperties: true } },
    payments: { type: 'array', items: { type: 'object', additionalProperties: true } },
    fees: { type: 'array', items: { type: 'object', additionalProperties: true } },
    result: { anyOf: [{ type: 'null' }, { type: 'object', additionalProperties: true }] },
    transfer: { anyOf: [{ type: 'null' }, { type: 'object', additionalProperties: true }] },
    closingReason: { type: ['string', 'null'] },
    case: ref('Case'),
  },
} as const;

const text = (max: number) => ({ type: 'string', minLength: 1, maxLength: max }) as const;

export async function dossierRoutes(server: FastifyInstance, deps: Deps): Promise<void> {
  const app = typedRoutes(server);
  const { dossiers, dossierQueries, migrations } = deps;

  app.post(
    '/v1/dossiers',
    {
      config: { permission: 'cases:start' },
      schema: {
        tags: ['dossiers'],
        summary: 'Receive a dossier (or register an online submission with receive=false): code, appointment date, processing',
        description: 'An Idempotency-Key header makes a retry return the first dossier (200) instead of receiving it twice.',
        headers: {
          type: 'object',
          properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 200, pattern: '^[\\x21-\\x7E]+$' } },
        },
        body: {
          type: 'object',
          required: ['procedureKey', 'applicant', 'channel', 'receivingUnitId'],
          additionalProperties: false,
          properties: {
            procedureKey: text(200),
            applicant: {
              type: 'object',
              required: ['name'],
              additionalProperties: false,
              properties: {
                name: text(200),
                idNumber: { type: 'string', pattern: '^[0-9]{9,12}$' },
                phone: { type: 'string', pattern: '^[+0-9 ]{8,16}$' },
                email: { type: 'string', format: 'email', maxLength: 200 },
                address: text(500),
              },
            },
            data: dataSchema,
            channel: { enum: ['in-person', 'online', 'post'] },
            receivingUnitId: text(100),
            processingUnitId: text(100),
            attachments: {
              type: 'array',
              maxItems: 100,
              default: [],
              items: {
                type: 'object',
                required: ['name'],
                additionalProperties: false,
                properties: { name: text(300), url: { type: 'string', format: 'uri', maxLength: 2000 }, mediaType: text(100), ...attachmentFlagProperties },
              },
            },
            receive: { type: 'boolean', default: true },
            submittedAt: { type: 'string', format: 'date-time', maxLength: 40, description: 'when the applicant submitted online (NgayNopHoSo); absent: now' },
            actor: text(200),
          },
        },
        response: { 200: dossierSchema, 201: dossierSchema, ...errorResponses(404, 409, 422) },
      },
    },
    async (request, reply) => {
      const { actor, ...input } = request.body;
      const receipt = { ...input, by: actorOf(request, actor) };
      await dossiers.assertReceiptUnits(receipt, await deps.scopeOf(request));
      const key = request.headers['idempotency-key'];
      if (key) {
        const { case: created, replayed } = await deps.receiveIdempotent(key, receipt, request.principal.id);
        return reply.status(replayed ? 200 : 201).header('idempotent-replayed', String(replayed)).send(await dossierQueries.view(created.id));
      }
      const created = await dossiers.receive(receipt);
      return reply.status(201).send(await dossierQueries.view(created.id));
    },
  );

  app.get(
    '/v1/dossiers',
    {
      config: { permission: 'cases:read' },
      schema: {
        tags: ['dossiers'],
        summary: 'Dossiers visible to the caller, newest first, a page at a time (cursor)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            code: { type: 'string', maxLength: 100 },
            status: { type: 'integer', minimum: 1, maximum: 10 },
            unitId: { type: 'string', maxLength: 100 },
            procedureKey: { type: 'string', maxLength: 200 },
            ...cursorPaging,
          },
        },
        response: {
          200: cursorPageOf(dossierSchema),
          ...errorResponses(),
        },
      },
    },
    async (request) => dossierQueries.list(request.query, await deps.scopeOf(request)),
  );

  app.get(
    '/v1/dossiers/:id',
    {
      config: { permission: 'cases:read' },
      schema: { tags: ['dossiers'], summary: 'One dossier', params: idParam('id'), response: { 200: dossierSchema, ...errorResponses(404) } },
    },
    async (request) => dossierQueries.view(request.params.id, await deps.scopeOf(request)),
  );

  app.post(
    '/v1/dossiers/:id/:operation',
    {
      config: { permission: 'cases:advance' },
      schema: {
        tags: ['dossiers'],
        summary: 'A lifecycle operation; refused with 409 when the dossier is not in a state that allows it',
        params: {
          type: 'object',
          required: ['id', 'operation'],
          properties: { id: text(200), operation: { enum: Object.keys(OPERATIONS) as Operation[] } },
        },
        body: commandBodySchema,
        response: { 200: dossierSchema, ...errorResponses(404, 409, 422) },
      },
    },
    async (request) => operate(request, request.params, request.body),
  );

  // The per-command routes share the handler (issue 11).
  const operate = async (...[request, { id, operation }, body]: Parameters<CommandHandler>) => {
    const scope = await deps.scopeOf(request);
    await dossierQueries.get(id, scope);
    const { actor, ...input } = body;
    await dossiers.operate(id, operation, { ...input, by: actorOf(request, actor), scope });
    return dossierQueries.view(id);
  };
  dossierCommandRoutes(app, operate, dossierSchema);

  await indexDataRoutes(app, { dossiers, dossierQueries, scopeOf: deps.scopeOf });

  app.get(
    '/v1/dossiers/:id/tracking-sheet',
    {
      config: { permission: 'cases:read' },
      schema: {
        tags: ['dossiers'],
        summary: 'The tracking sheet (phiếu kiểm soát): every hand-over with its step early/on time/late; JSON or printable HTML',
        params: idParam('id'),
        querystring: { type: 'object', additionalProperties: false, properties: { format: { enum: ['json', 'html'], default: 'json' } } },
        response: { 200: { type: 'object', additionalProperties: true }, ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      const doc = await dossierQueries.get(request.params.id, await deps.scopeOf(request));
      const names = new Map<string, string | null>();
      for (const id of new Set(doc.dossier?.handovers.flatMap((h) => [h.from.unitId, h.to.unitId]) ?? [])) {
        if (id) names.set(id, await deps.unitName(id));
      }
      const events = await deps.history(doc._id);
      const d = doc.dossier;
      const actors = [
        ...events.flatMap((e) => (e.by ? [e.by] : [])),
        ...(d?.handovers.flatMap((h) => [h.from.person, h.to.person ?? '']) ?? []),
        ...(d?.supplements.map((s) => s.requestedBy) ?? []),
        ...(d?.fees ?? []).map((f) => f.recordedBy),
        ...(d?.result ? [d.result.recordedBy] : []),
      ].filter(Boolean);
      for (const id of new Set([d?.receivingUnitId, d?.processingUnitId])) if (id && !names.has(id)) names.set(id, await deps.unitName(id));
      const sheet = trackingSheet(doc, (id) => (id ? (names.get(id) ?? id) : null), await deps.peopleOf(actors), events);
      const wantsHtml = request.query.format === 'html' || (request.headers.accept ?? '').includes('text/html');
      if (wantsHtml) return reply.type('text/html; charset=utf-8').serializer((payload: unknown) => String(payload)).send(trackingSheetHtml(sheet));
      return sheet;
    },
  );

  app.post(
    '/v1/cases/:id/migrate',
    {
      config: { permission: 'cases:migrate' },
      schema: {
        tags: ['cases'],
        summary: 'Move a running case to another version of its procedure, at a wait state, with an activity mapping',
        params: idParam('id'),
        body: {
          type: 'object',
          required: ['toVersion'],
          additionalProperties: false,
          properties: {
            toVersion: { type: 'integer', minimum: 1 },
            activityMapping: { type: 'object', additionalProperties: text(200), default: {} },
            actor: text(200),
          },
        },
        response: { 200: ref('Case'), ...errorResponses(404, 409, 422) },
      },
    },
    async (request) => {
      await deps.assertVisible(request, request.params.id);
      return migrations.migrate(request.params.id, request.body.toVersion, request.body.activityMapping, actorOf(request, request.body.actor));
    },
  );

  app.post(
    '/v1/units/:id/reassign',
    {
      config: { permission: 'cases:manage' },
      schema: {
        tags: ['units'],
        summary: "Move a unit's open dossiers (and their tasks) to another unit, e.g. the successor of a dissolved one",
        params: idParam('id'),
        body: {
          type: 'object',
          required: ['toUnitId'],
          additionalProperties: false,
          properties: { toUnitId: text(100), procedureKey: text(200), actor: text(200) },
        },
        response: {
          200: { type: 'object', properties: { moved: { type: 'integer' }, caseIds: { type: 'array', items: { type: 'string' } } } },
          ...errorResponses(404, 422),
        },
      },
    },
    async (request) => {
      const { toUnitId, procedureKey, actor } = request.body;
      // Both ends are the caller's: a leader moves work between units it leads, never another's.
      const scope = await deps.scopeOf(request);
      requireInScope(scope, request.params.id, 'id');
      requireInScope(scope, toUnitId, 'toUnitId');
      await dossiers.requireActiveUnit(toUnitId);
      const by = actorOf(request, actor);
      const moved: string[] = [];
      for (const caseId of await deps.heldBy(request.params.id, procedureKey)) {
        if (await migrations.reassign(caseId, request.params.id, toUnitId, by)) moved.push(caseId);
      }
      request.log.info({ from: request.params.id, to: toUnitId, moved: moved.length }, 'dossiers reassigned');
      return { moved: moved.length, caseIds: moved };
    },
  );
}
