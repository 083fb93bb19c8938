/** The permission matrix, token formats and the auth plugin on a bare Fastify app (no stores). */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey, hashSecret, parseKey } from '../../src/auth/api-keys.js';
import { createAuthenticator } from '../../src/auth/authenticator.js';
import { documentAccess } from '../../src/auth/openapi.js';
import { PERMISSIONS, PERMISSION_NAMES, ROLES, can, type Role } from '../../src/auth/permissions.js';
import { bearerToken, authPlugin } from '../../src/auth/plugin.js';
import type { Principal } from '../../src/auth/principal.js';
import { createScopeOf } from '../../src/auth/scope.js';
import { registerErrorHandling } from '../../src/http/errors.js';
import { sharedSchemas } from '../../src/http/schemas.js';

describe('permission matrix', () => {
  it('is the one agreed in the access-control brief', () => {
    // `metrics` is a Prometheus server's key: it reads /metrics and nothing else.
    const all = ROLES.filter((role) => role !== 'metrics');
    const expected: Record<string, Role[]> = {
      'procedures:read': all,
      'procedures:publish': ['analyst', 'admin'],
      'cases:read': all,
      'cases:start': ['desk-officer', 'integration', 'admin'],
      'cases:advance': ['desk-officer', 'specialist', 'leader', 'integration', 'admin'],
      'cases:manage': ['leader', 'admin'],
      'cases:migrate': ['leader', 'analyst', 'admin'],
      'escalations:read': ['supervisor', 'leader', 'admin'],
      'calendar:read': all,
      'calendar:admin': ['admin'],
      'units:read': all,
      'units:admin': ['admin'],
      'keys:admin': ['admin'],
      'metrics:read': ['metrics', 'admin'],
      'queues:admin': ['admin'],
    };
    const actual = Object.fromEntries(Object.entries(PERMISSIONS).map(([p, roles]) => [p, [...roles].sort()]));
    expect(actual).toEqual(Object.fromEntries(Object.entries(expected).map(([p, roles]) => [p, [...roles].sort()])));
  });

  it('gives admin every permission and names only known roles', () => {
    for (const permission of PERMISSION_NAMES) {
      expect(can('admin', permission)).toBe(true);
      for (const role of PERMISSIONS[permission]) expect(ROLES).toContain(role);
    }
    expect(can('analyst', 'cases:start')).toBe(false);
    expect(can('desk-officer', 'cases:start')).toBe(true);
  });
});

describe('tokens', () => {
  it('issues bpk_<16 hex>_<43 base64url> keys whose secret is only hashed', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const { id, secret, key } = generateKey();
      expect(key).toMatch(/^bpk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
      expect(parseKey(key)).toEqual({ id, secret });
      expect(hashSecret(secret)).toMatch(/^[0-9a-f]{64}$/);
      seen.add(key);
    }
    expect(seen.size).toBe(200);
    expect(parseKey('bpk_123_abc')).toBeNull();
    expect(parseKey(`${generateKey().key}x`)).toBeNull();
  });

  it('reads the bearer token of an Authorization header', () => {
    expect(bearerToken('Bearer abc.def-_~+/=')).toBe('abc.def-_~+/=');
    expect(bearerToken('bearer   tok ')).toBe('tok');
    for (const bad of [undefined, '', 'Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'Bearertok', 'Bearer a b', `Bearer ${'a'.repeat(600)}`]) {
      expect(bearerToken(bad)).toBeNull();
    }
  });

  it('accepts the bootstrap key in constant time and refuses others', async () => {
    const authenticate = createAuthenticator({ adminApiKey: 'x'.repeat(32), apiKeys: { verify: async () => null } });
    await expect(authenticate('x'.repeat(32))).resolves.toMatchObject({ id: 'bootstrap-admin', role: 'admin', unitIds: [] });
    await expect(authenticate('x'.repeat(31))).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS', statusCode: 401 });
    const none = createAuthenticator({ adminApiKey: null, apiKeys: { verify: async () => null } });
    await expect(none('x'.repeat(32))).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
  });
});

describe('unit scope', () => {
  // province ─┬─ so-a ── phong-a1
  //           └─ xa-b
  const children: Record<string, string[]> = { province: ['so-a', 'xa-b'], 'so-a': ['phong-a1'] };
  const scopeOf = createScopeOf({
    async descendantsOf(ids) {
      const out = new Set<string>();
      const queue = [...ids];
      while (queue.length) {
        const id = queue.pop() as string;
        out.add(id);
        queue.push(...(children[id] ?? []));
      }
      return out;
    },
  });
  const principal = (role: Role, unitIds: string[]): Principal => ({ id: 'k', name: 'k', role, unitIds, kind: 'api-key' });

  it('all units for admin, analyst, integration; the subtree for leader and supervisor; own units otherwise', async () => {
    for (const role of ['admin', 'analyst', 'integration'] as const) expect(await scopeOf(principal(role, ['xa-b']))).toEqual({ all: true });
    for (const role of ['leader', 'supervisor'] as const) {
      expect(await scopeOf(principal(role, ['so-a']))).toEqual({ all: false, unitIds: ['phong-a1', 'so-a'] });
      expect(await scopeOf(principal(role, ['province']))).toEqual({ all: false, unitIds: ['phong-a1', 'province', 'so-a', 'xa-b'] });
    }
    for (const role of ['desk-officer', 'specialist'] as const) {
      expect(await scopeOf(principal(role, ['so-a', 'so-a']))).toEqual({ all: false, unitIds: ['so-a'] });
    }
    expect(await scopeOf(principal('leader', []))).toEqual({ all: false, unitIds: [] });
  });
});

describe('the auth plugin', () => {
  let app: FastifyInstance;
  const keys: Record<string, Principal> = {
    'tok-analyst': { id: 'k-analyst', name: 'analyst', role: 'analyst', unitIds: [], kind: 'api-key' },
    'tok-desk': { id: 'k-desk', name: 'desk', role: 'desk-officer', unitIds: ['xa-b'], kind: 'api-key' },
  };
  const as = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    app = Fastify();
    for (const schema of sharedSchemas) app.addSchema(schema);
    registerErrorHandling(app);
    await app.register(authPlugin, {
      authenticate: createAuthenticator({ adminApiKey: null, apiKeys: { verify: async (t) => keys[t] ?? null } }),
    });
    app.get('/open', { config: { public: true } }, async (request) => ({ principal: request.principal ?? null }));
    app.get('/undeclared', async () => ({ ok: true }));
    app.get('/who', { config: { permission: 'cases:read' } }, async (request) => request.principal);
    app.post(
      '/publish',
      {
        config: { permission: 'procedures:publish' },
        schema: { body: { type: 'object', required: ['x'], properties: { x: { type: 'integer' } } } },
      },
      async () => ({ ok: true }),
    );
    await app.ready();
  });
  afterAll(() => app.close());

  it('lets public routes through without credentials', async () => {
    const res = await app.inject({ method: 'GET', url: '/open' });
    expect(res.statusCode).toBe(200);
  });

  it('answers 401 UNAUTHENTICATED to a missing or malformed header, INVALID_CREDENTIALS to a wrong token', async () => {
    for (const headers of [{}, { authorization: 'Basic dXNlcjpwYXNz' }, { authorization: 'Bearer' }]) {
      const res = await app.inject({ method: 'GET', url: '/who', headers });
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('UNAUTHENTICATED');
      expect(res.headers['www-authenticate']).toBe('Bearer');
    }
    const wrong = await app.inject({ method: 'GET', url: '/who', headers: as('tok-nobody') });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('INVALID_CREDENTIALS');
  });

  it('decorates the request with the principal', async () => {
    const res = await app.inject({ method: 'GET', url: '/who', headers: as('tok-desk') });
    expect(res.json()).toMatchObject({ id: 'k-desk', role: 'desk-officer', unitIds: ['xa-b'] });
  });

  it('denies a route that declares no permission', async () => {
    const res = await app.inject({ method: 'GET', url: '/undeclared', headers: as('tok-analyst') });
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toMatchObject({ code: 'NO_PERMISSION_DECLARED', details: { method: 'GET', route: '/undeclared' } });
  });

  it('refuses a role without the permission before the body is validated', async () => {
    const res = await app.inject({ method: 'POST', url: '/publish', headers: as('tok-desk'), payload: { x: 'not a number' } });
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toMatchObject({ code: 'FORBIDDEN', details: { permission: 'procedures:publish', role: 'desk-officer' } });
    const allowed = await app.inject({ method: 'POST', url: '/publish', headers: as('tok-analyst'), payload: { x: 'not a number' } });
    expect(allowed.statusCode).toBe(400);
    expect((await app.inject({ method: 'POST', url: '/publish', headers: as('tok-analyst'), payload: { x: 1 } })).statusCode).toBe(200);
  });

  it('applies to HEAD routes too, and answers unknown URLs with 404 without credentials', async () => {
    expect((await app.inject({ method: 'HEAD', url: '/who' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'HEAD', url: '/who', headers: as('tok-desk') })).statusCode).toBe(200);
    const missing = await app.inject({ method: 'GET', url: '/nothing-here' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('ROUTE_NOT_FOUND');
  });
});

describe('the OpenAPI transform', () => {
  it('marks public routes with security: [] and names the permission of the others', () => {
    const pub = documentAccess({ schema: { summary: 's' } as never, url: '/h', route: { config: { public: true } } });
    expect(pub.schema).toMatchObject({ security: [] });
    const guarded = documentAccess({ schema: { description: 'Does X.' } as never, url: '/x', route: { config: { permission: 'cases:manage' } } });
    expect(guarded.schema).toMatchObject({ 'x-permission': 'cases:manage' });
    expect((guarded.schema as { description: string }).description).toBe('Does X.\n\nPermission: `cases:manage` (leader, admin).');
  });
});
