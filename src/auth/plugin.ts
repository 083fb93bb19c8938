/**
 * The auth plugin (fastify-plugin, name 'auth'): every route is authenticated and declares
 * the permission it needs, or is marked public.
 *
 *   app.get('/v1/cases', { config: { permission: 'cases:read' }, schema }, handler)
 *   app.get('/health/live', { config: { public: true }, schema }, handler)
 *
 * onRequest, for each route that is not `config.public === true`:
 *   - no `Authorization: Bearer <token>` (or another scheme) → 401 UNAUTHENTICATED
 *     (`config.basicAuth`: `Basic` with the key as password is taken too — Camunda Modeler's routes)
 *   - a token that is not ADMIN_API_KEY nor a valid, unrevoked API key → 401 INVALID_CREDENTIALS
 *   - then `request.principal` is set and the route's permission is checked:
 *     no `config.permission` → 403 NO_PERMISSION_DECLARED (deny by default);
 *     the role lacks it → 403 FORBIDDEN `{ permission, role }`.
 * The permission is checked in onRequest, right after authentication, so a forbidden call
 * is refused before its body is read or validated. Unknown URLs (404) need no credentials.
 */
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../domain/errors.js';
import type { Authenticate } from './authenticator.js';
import { basicPassword } from './basic-auth.js';
import { can, isPermission, type Permission } from './permissions.js';
import type { Principal } from './principal.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the caller's role must hold to use the route (src/auth/permissions.ts). */
    permission?: Permission;
    /** No authentication: health checks and the OpenAPI document only. */
    public?: boolean;
    /** Callers from the trusted addresses (METRICS_ALLOW_FROM) need no key; others need `permission`. */
    trustedAddresses?: boolean;
    /** Also `Authorization: Basic` with the API key as password (Camunda Modeler; src/auth/basic-auth.ts). */
    basicAuth?: boolean;
  }
  interface FastifyRequest {
    /** The authenticated caller; set on every route that is not public, before any handler runs. */
    principal: Principal;
  }
}

export interface AuthPluginOptions {
  authenticate: Authenticate;
  /** Addresses for `config.trustedAddresses` routes; absent: nobody is trusted. */
  isTrusted?: (ip: string) => boolean;
  /** The API key behind a console session cookie (src/console/sessions.ts); accepted for reads only. */
  sessionToken?: (cookieHeader: string | undefined) => string | null;
}

const BEARER_RE = /^Bearer +([A-Za-z0-9._~+/=-]{1,512}) *$/i;

/** The token of an `Authorization: Bearer <token>` header; null when missing or malformed. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = BEARER_RE.exec(header);
  return match ? (match[1] as string) : null;
}

/** Throws 403 FORBIDDEN unless the request's principal holds `permission` (for checks inside handlers). */
export function requirePermission(request: FastifyRequest, permission: Permission): void {
  const role = request.principal?.role;
  if (!role || !can(role, permission)) {
    throw new DomainError('FORBIDDEN', `role '${role ?? 'none'}' lacks permission '${permission}'`, 403, { permission, role: role ?? null });
  }
}

async function auth(app: FastifyInstance, opts: AuthPluginOptions): Promise<void> {
  app.decorateRequest('principal', null as unknown as Principal);

  app.addHook('onRequest', async (request, reply) => {
    if (request.is404) return;
    const config = request.routeOptions.config;
    if (config.public === true) return;
    if (config.trustedAddresses === true && opts.isTrusted?.(request.ip)) return;

    // A session cookie stands for its key on GET/HEAD only: a cross-site form cannot change anything.
    const readOnly = request.method === 'GET' || request.method === 'HEAD';
    const basic = config.basicAuth === true ? basicPassword(request.headers.authorization) : null;
    const token = basic ?? bearerToken(request.headers.authorization) ?? (readOnly ? (opts.sessionToken?.(request.headers.cookie) ?? null) : null);
    if (!token) {
      reply.header('www-authenticate', 'Bearer');
      throw new DomainError('UNAUTHENTICATED', 'send an API key: Authorization: Bearer <key>', 401);
    }
    try {
      request.principal = await opts.authenticate(token);
    } catch (err) {
      if (err instanceof DomainError && err.statusCode === 401) reply.header('www-authenticate', 'Bearer error="invalid_token"');
      throw err;
    }

    const permission = config.permission;
    if (!isPermission(permission)) {
      throw new DomainError(
        'NO_PERMISSION_DECLARED',
        `route ${request.method} ${request.routeOptions.url ?? request.url} declares no permission: denied by default`,
        403,
        { method: request.method, route: request.routeOptions.url ?? null },
      );
    }
    requirePermission(request, permission);
  });
}

export const authPlugin = fp(auth, { name: 'auth', fastify: '5.x' });
