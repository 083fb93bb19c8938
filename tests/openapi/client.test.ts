/**
 * Issue 11: the committed typed client (src/client/schema.ts) is the one generated from the
 * served document, and it drives a case end to end over real HTTP.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientTypes } from '../../src/client/generate.js';
import { tthcClient } from '../../src/client/index.js';
import { startService, type TestService } from '../support/harness.js';

describe('the generated client', () => {
  let service: TestService;
  let baseUrl: string;

  beforeAll(async () => {
    service = await startService('openapi_client', { background: false });
    baseUrl = await service.container.app.listen({ port: 0, host: '127.0.0.1' });
  }, 120_000);

  afterAll(async () => {
    await service?.destroy();
  });

  it('matches the served document (run `npm run gen:client` after changing a route)', async () => {
    const doc = (await service.inject({ method: 'GET', url: '/openapi.json' })).json<Record<string, unknown>>();
    const committed = readFileSync(new URL('../../src/client/schema.ts', import.meta.url), 'utf8');
    expect(committed === (await clientTypes(doc)), 'src/client/schema.ts is stale: npm run gen:client').toBe(true);
  });

  it('drives the API with typed paths, bodies and coded errors', async () => {
    const client = tthcClient({ baseUrl, apiKey: service.env.ADMIN_API_KEY });
    const procedures = await client.GET('/v1/procedures');
    expect(procedures.response.status).toBe(200);
    expect(Array.isArray(procedures.data?.items)).toBe(true);
    const missing = await client.GET('/v1/cases/{id}', { params: { path: { id: 'no-such-case' } } });
    expect(missing.response.status).toBe(404);
    expect(missing.error?.error?.code).toBeTruthy();
    const anonymous = await tthcClient({ baseUrl }).GET('/v1/tasks');
    expect(anonymous.response.status).toBe(401);
  });
});
