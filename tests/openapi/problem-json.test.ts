/**
 * Issue 11: errors as RFC 9457 problem details when the client asks for them
 * (`Accept: application/problem+json`); the `{error:{code,message}}` envelope otherwise,
 * for one release. Both carry the same stable code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type TestService } from '../support/harness.js';

const problem = { accept: 'application/problem+json' };

describe('problem+json errors', () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startService('problem_json', { background: false });
  }, 120_000);

  afterAll(async () => {
    await service?.destroy();
  });

  it('answers 401, 404, 400 as problem details with the stable code and the old envelope inside', async () => {
    const cases = [
      { req: { method: 'GET' as const, url: '/v1/cases', headers: { ...problem, authorization: 'Bearer nope' } }, status: 401, code: 'INVALID_CREDENTIALS' },
      { req: { method: 'GET' as const, url: '/v1/nowhere', headers: problem }, status: 404, code: 'ROUTE_NOT_FOUND' },
      { req: { method: 'GET' as const, url: '/v1/cases?limit=0', headers: problem }, status: 400, code: 'VALIDATION_FAILED' },
    ];
    for (const { req, status, code } of cases) {
      const res = await service.inject(req);
      expect(res.statusCode, req.url).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      const body = res.json<Record<string, unknown>>();
      expect(body).toMatchObject({ type: `urn:tthc:error:${code}`, status, code, error: { code } });
      expect(typeof body.title).toBe('string');
      expect(typeof body.detail).toBe('string');
    }
  });

  it('keeps the {error} envelope as JSON when problem+json is not asked for', async () => {
    const res = await service.inject({ method: 'GET', url: '/v1/nowhere' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toEqual({ error: { code: 'ROUTE_NOT_FOUND', message: expect.any(String) as string } });
  });
});
