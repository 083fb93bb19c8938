import type { FastifyInstance } from 'fastify';
import type { ApiKeyRecord, ApiKeyService } from '../../auth/api-keys.js';
import { ROLES } from '../../auth/permissions.js';
import { errorResponses, idParam } from '../schemas.js';
import { typedRoutes } from '../typed-routes.js';

const keyView = (k: ApiKeyRecord) => ({
  id: k.id,
  name: k.name,
  displayName: k.displayName,
  title: k.title,
  role: k.role,
  unitIds: k.unitIds,
  createdAt: k.createdAt.toISOString(),
  createdBy: k.createdBy,
  revokedAt: k.revokedAt ? k.revokedAt.toISOString() : null,
  revokedBy: k.revokedBy,
});

const keyProperties = {
  id: { type: 'string' },
  name: { type: 'string' },
  displayName: { type: ['string', 'null'] },
  title: { type: ['string', 'null'] },
  role: { enum: [...ROLES] },
  unitIds: { type: 'array', items: { type: 'string' } },
  createdAt: { type: 'string' },
  createdBy: { type: 'string' },
  revokedAt: { type: ['string', 'null'] },
  revokedBy: { type: ['string', 'null'] },
} as const;
const keySchema = { type: 'object', required: ['id', 'name', 'role', 'unitIds', 'createdAt'], properties: keyProperties } as const;

/** API keys: issue (the key is shown once), list (no secrets), revoke. Admins only. */
export async function apiKeyRoutes(server: FastifyInstance, { apiKeys }: { apiKeys: ApiKeyService }): Promise<void> {
  const app = typedRoutes(server);
  app.post(
    '/v1/api-keys',
    {
      config: { permission: 'keys:admin' },
      schema: {
        tags: ['api-keys'],
        summary: 'Issue an API key; `key` is in this response only (the service keeps a hash)',
        body: {
          type: 'object',
          required: ['name', 'role'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 200, description: 'who or what uses it, e.g. "Một cửa xã Tân Phú — desk 2"' },
            displayName: { type: 'string', minLength: 1, maxLength: 200, description: 'the person holding the key (họ và tên), shown on the tracking sheet and sent to the portal' },
            title: { type: 'string', minLength: 1, maxLength: 200, description: 'their job title (chức danh), e.g. "Công chức Một cửa"' },
            role: { enum: [...ROLES] },
            unitIds: {
              type: 'array',
              maxItems: 100,
              default: [],
              items: { type: 'string', minLength: 1, maxLength: 100 },
              description: 'units the holder works for (required for desk-officer, specialist, leader, supervisor)',
            },
          },
        },
        response: {
          201: { type: 'object', required: ['id', 'key'], properties: { ...keyProperties, key: { type: 'string' } } },
          ...errorResponses(422),
        },
      },
    },
    async (request, reply) => {
      const { name, displayName, title, role, unitIds } = request.body;
      const created = await apiKeys.create({ name, displayName, title, role, unitIds: unitIds ?? [] }, request.principal.id);
      request.log.info({ keyId: created.id, role, by: request.principal.id }, 'api key issued');
      return reply.status(201).send({ ...keyView(created), key: created.key });
    },
  );

  app.get(
    '/v1/api-keys',
    {
      config: { permission: 'keys:admin' },
      schema: {
        tags: ['api-keys'],
        summary: 'All API keys, newest first (no secrets)',
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: keySchema } } }, ...errorResponses() },
      },
    },
    async () => ({ items: (await apiKeys.list()).map(keyView) }),
  );

  app.get(
    '/v1/api-keys/:id',
    {
      config: { permission: 'keys:admin' },
      schema: { tags: ['api-keys'], summary: 'One API key (no secret)', params: idParam('id'), response: { 200: keySchema, ...errorResponses(404) } },
    },
    async (request) => keyView(await apiKeys.get(request.params.id)),
  );

  app.delete(
    '/v1/api-keys/:id',
    {
      config: { permission: 'keys:admin' },
      schema: {
        tags: ['api-keys'],
        summary: 'Revoke an API key (idempotent); other replicas refuse it within 5 s',
        params: idParam('id'),
        response: { 200: keySchema, ...errorResponses(404) },
      },
    },
    async (request) => {
      const revoked = await apiKeys.revoke(request.params.id, request.principal.id);
      request.log.info({ keyId: revoked.id, by: request.principal.id }, 'api key revoked');
      return keyView(revoked);
    },
  );
}
