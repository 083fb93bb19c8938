/** The bearer scheme and each route's permission in the OpenAPI document. */
import type { FastifySchema } from 'fastify';
import { PERMISSIONS, isPermission } from './permissions.js';

export const securitySchemes = {
  bearerAuth: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'bpk_<keyId>_<secret> (or the bootstrap ADMIN_API_KEY)',
    description: 'An API key: `Authorization: Bearer <key>`. See docs/access-control.md.',
  },
  modelerBasic: {
    type: 'http',
    scheme: 'basic',
    description: 'Only on the Camunda Modeler deploy routes (config.basicAuth): any user name, the API key as password. See docs/diagrams.md.',
  },
} as const;

/** Global requirement; public routes override it with `security: []`. */
export const security = [{ bearerAuth: [] as string[] }];

interface TransformInput {
  schema: FastifySchema;
  url: string;
  route: { config?: { public?: boolean; permission?: unknown } };
}

/**
 * @fastify/swagger `transform`: public routes get `security: []`; the others get
 * `x-permission` and a line in their description naming the permission and its roles.
 */
export function documentAccess({ schema, url, route }: TransformInput): { schema: FastifySchema; url: string } {
  if (!schema) return { schema, url };
  if (route.config?.public === true) return { schema: { ...schema, security: [] } as FastifySchema, url };
  const permission = route.config?.permission;
  if (!isPermission(permission)) return { schema, url };
  const line = `Permission: \`${permission}\` (${PERMISSIONS[permission].join(', ')}).`;
  const current = (schema as { description?: unknown }).description;
  const description = typeof current === 'string' ? `${current}\n\n${line}` : line;
  return { schema: { ...schema, description, 'x-permission': permission } as FastifySchema, url };
}
