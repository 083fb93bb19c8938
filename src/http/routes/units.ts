import type { FastifyInstance } from 'fastify';
import type { UnitService } from '../../org/unit-service.js';
import { UNIT_CODE_PATTERN, UNIT_ID_PATTERN, UNIT_KINDS, type Unit, type UnitTreeNode } from '../../org/types.js';
import { errorResponses } from '../schemas.js';
import { typedRoutes } from '../typed-routes.js';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export const unitView = (u: Unit) => ({
  id: u.id,
  code: u.code,
  name: u.name,
  kind: u.kind,
  parentId: u.parentId,
  dissolvedAt: iso(u.dissolvedAt),
  successorIds: u.successorIds,
  createdAt: u.createdAt.toISOString(),
  updatedAt: u.updatedAt.toISOString(),
});

type UnitNodeView = ReturnType<typeof unitView> & { children: UnitNodeView[] };
const nodeView = (n: UnitTreeNode): UnitNodeView => ({ ...unitView(n), children: n.children.map(nodeView) });

const unitProperties = {
  id: { type: 'string', description: "slug, e.g. 'xa-tan-phu'" },
  code: { type: 'string', description: "agency identifier used in dossier codes, e.g. '000.00.01.H22'" },
  name: { type: 'string' },
  kind: { enum: [...UNIT_KINDS] },
  parentId: { type: ['string', 'null'] },
  dissolvedAt: { type: ['string', 'null'], description: 'set when dissolved; the record stays' },
  successorIds: { type: 'array', items: { type: 'string' }, description: 'units that took over its work' },
  createdAt: { type: 'string' },
  updatedAt: { type: 'string' },
} as const;

const unitSchema = { type: 'object', required: ['id', 'code', 'name', 'kind', 'parentId'], properties: unitProperties } as const;
const treeNodeSchema = {
  type: 'object',
  properties: {
    ...unitProperties,
    children: { type: 'array', description: 'view=tree only: the units below, same shape', items: { type: 'object', additionalProperties: true } },
  },
} as const;

const idParam = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 100, description: 'unit id (slug) or agency code' } },
} as const;

/** The organisation tree: read by every role, changed by admins. */
export async function unitRoutes(server: FastifyInstance, { units }: { units: UnitService }): Promise<void> {
  const app = typedRoutes(server);
  app.get(
    '/v1/units',
    {
      config: { permission: 'units:read' },
      schema: {
        tags: ['units'],
        summary: 'Organisation units: a flat list ordered by id, or the tree (view=tree)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            view: { enum: ['flat', 'tree'], default: 'flat' },
            active: { type: 'boolean', description: 'true: leave dissolved units out' },
          },
        },
        response: {
          200: { type: 'object', properties: { items: { type: 'array', items: treeNodeSchema } } },
          ...errorResponses(),
        },
      },
    },
    async (request) => {
      const options = { active: request.query.active === true };
      if (request.query.view === 'tree') return { items: (await units.tree(options)).map(nodeView) };
      return { items: (await units.list(options)).map(unitView) };
    },
  );

  app.get(
    '/v1/units/:id',
    {
      config: { permission: 'units:read' },
      schema: {
        tags: ['units'],
        summary: 'One unit, by id or by agency code',
        params: idParam,
        response: { 200: unitSchema, ...errorResponses(404) },
      },
    },
    async (request) => unitView(await units.resolve(request.params.id)),
  );

  app.post(
    '/v1/units',
    {
      config: { permission: 'units:admin' },
      schema: {
        tags: ['units'],
        summary: 'Create a unit under an active parent (or a root)',
        body: {
          type: 'object',
          required: ['id', 'code', 'name', 'kind'],
          additionalProperties: false,
          properties: {
            id: { type: 'string', pattern: UNIT_ID_PATTERN, maxLength: 100 },
            code: { type: 'string', pattern: UNIT_CODE_PATTERN, maxLength: 40 },
            name: { type: 'string', minLength: 1, maxLength: 300 },
            kind: { enum: [...UNIT_KINDS] },
            parentId: { type: ['string', 'null'], maxLength: 100 },
          },
        },
        response: { 201: unitSchema, ...errorResponses(409, 422) },
      },
    },
    async (request, reply) => {
      const { id, code, name, kind, parentId = null } = request.body;
      return reply.status(201).send(unitView(await units.create({ id, code, name, kind, parentId })));
    },
  );

  app.patch(
    '/v1/units/:id',
    {
      config: { permission: 'units:admin' },
      schema: {
        tags: ['units'],
        summary: 'Rename a unit (id and code never change)',
        params: idParam,
        body: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: { name: { type: 'string', minLength: 1, maxLength: 300 } },
        },
        response: { 200: unitSchema, ...errorResponses(404, 409, 422) },
      },
    },
    async (request) => unitView(await units.rename(request.params.id, request.body.name)),
  );

  app.post(
    '/v1/units/:id/dissolve',
    {
      config: { permission: 'units:admin' },
      schema: {
        tags: ['units'],
        summary: 'Dissolve a unit; its successors (existing, active) take over. Running cases are not moved here.',
        params: idParam,
        body: {
          type: 'object',
          required: ['successorIds'],
          additionalProperties: false,
          properties: {
            successorIds: { type: 'array', minItems: 1, maxItems: 50, items: { type: 'string', minLength: 1, maxLength: 100 } },
            at: { type: 'string', format: 'date-time', description: 'when the dissolution takes effect (default: now)' },
          },
        },
        response: { 200: unitSchema, ...errorResponses(404, 409, 422) },
      },
    },
    async (request) => {
      const { successorIds, at } = request.body;
      return unitView(await units.dissolve(request.params.id, successorIds, at ? new Date(at) : undefined, request.principal.id));
    },
  );
}
