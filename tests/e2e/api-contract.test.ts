import { readFileSync } from 'node:fs';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type TestService } from '../support/harness.js';
import { TEST_UNIT_ID, createTestUnit } from '../support/auth.js';

const chainXml = readFileSync('tests/fixtures/crash/chain.bpmn', 'utf8');

describe('API contract: publishing, idempotent starts, bad input', () => {
  let svc: TestService;
  const inject = (opts: InjectOptions) => svc.inject(opts);
  const body = <T = Record<string, unknown>>(res: { body: string }) => JSON.parse(res.body) as T;
  const publish = (xml: string) => inject({ method: 'POST', url: '/v1/procedures', headers: { 'content-type': 'application/xml' }, payload: xml });
  const errorCode = (res: { body: string }) => body<{ error: { code: string } }>(res).error.code;

  beforeAll(async () => {
    svc = await startService('contract');
    await createTestUnit(svc);
  });
  afterAll(async () => svc?.destroy());

  it('publishes versions, keeps identical re-publishes at one version, and keeps running cases on theirs', async () => {
    const first = await publish(chainXml);
    expect(first.statusCode).toBe(201);
    expect(body(first)).toMatchObject({ key: 'chain', version: 1, name: 'Crash chain' });
    const again = await publish(chainXml);
    expect(again.statusCode).toBe(200);
    expect(body(again)).toMatchObject({ key: 'chain', version: 1 });

    const onV1 = body<{ id: string; procedureVersion: number }>(
      await inject({ method: 'POST', url: '/v1/cases', payload: { unitId: TEST_UNIT_ID, procedureKey: 'chain', data: {} } }),
    );
    const v2Xml = chainXml.replace('name="First step"', 'name="First step (v2)"');
    const second = await publish(v2Xml);
    expect(body(second)).toMatchObject({ key: 'chain', version: 2 });
    const onV2 = body<{ procedureVersion: number; tasks: { name: string }[] }>(
      await inject({ method: 'POST', url: '/v1/cases', payload: { unitId: TEST_UNIT_ID, procedureKey: 'chain', data: {} } }),
    );
    expect(onV2.procedureVersion).toBe(2);
    expect(onV2.tasks[0]!.name).toBe('First step (v2)');
    const stillV1 = body<{ procedureVersion: number; tasks: { name: string }[] }>(await inject({ method: 'GET', url: `/v1/cases/${onV1.id}` }));
    expect(stillV1.procedureVersion).toBe(1);
    expect(stillV1.tasks[0]!.name).toBe('First step');

    const versions = body<{ versions: { version: number }[] }>(await inject({ method: 'GET', url: '/v1/procedures/chain' }));
    expect(versions.versions.map((v) => v.version)).toEqual([1, 2]);
    const xml = await inject({ method: 'GET', url: '/v1/procedures/chain/versions/1/xml' });
    expect(xml.headers['content-type']).toContain('application/xml');
    expect(xml.body).toBe(chainXml);
    const list = body<{ items: { key: string; latestVersion: number }[] }>(await inject({ method: 'GET', url: '/v1/procedures' }));
    expect(list.items).toContainEqual(expect.objectContaining({ key: 'chain', latestVersion: 2 }));
  });

  it('refuses invalid diagrams with 422 and a list of problems, creating nothing', async () => {
    const bad = chainXml.replace('<userTask id="first" name="First step"/>', '<userTsk id="first" name="First step"/>');
    const res = await publish(bad.replace('id="chain"', 'id="chain_bad"'));
    expect(res.statusCode).toBe(422);
    const err = body<{ error: { code: string; details: { problems: { code: string; message: string }[] } } }>(res).error;
    expect(err.code).toBe('INVALID_DIAGRAM');
    expect(err.details.problems.length).toBeGreaterThan(0);
    expect((await inject({ method: 'GET', url: '/v1/procedures/chain_bad' })).statusCode).toBe(404);

    const notXml = await publish('this is not xml');
    expect(notXml.statusCode).toBe(422);
    const huge = await publish(`<x>${'a'.repeat(3 * 1024 * 1024)}</x>`);
    expect(huge.statusCode).toBe(413);
    expect(errorCode(huge)).toBe('BODY_TOO_LARGE');
    const wrongType = await inject({ method: 'POST', url: '/v1/procedures', headers: { 'content-type': 'image/png' }, payload: 'x' });
    expect(wrongType.statusCode).toBe(415);
    // curl --data-binary @file.bpmn sends a form content type: the XML is still read.
    const asForm = await inject({ method: 'POST', url: '/v1/procedures', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: chainXml });
    expect(asForm.statusCode).toBe(200);
    const stringToJsonRoute = await inject({ method: 'POST', url: '/v1/cases', headers: { 'content-type': 'text/plain' }, payload: 'hello' });
    expect(stringToJsonRoute.statusCode).toBe(400);
  });

  it('returns the first result for a repeated Idempotency-Key, even under concurrency', async () => {
    const headers = { 'idempotency-key': 'desk-42-receipt-0001' };
    const payload = { unitId: TEST_UNIT_ID, procedureKey: 'chain', data: { applicant: 'Nguyễn Văn A' } };
    const results = await Promise.all(Array.from({ length: 6 }, () => inject({ method: 'POST', url: '/v1/cases', headers, payload })));
    const ids = new Set(results.map((r) => body<{ id: string }>(r).id));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.statusCode === 201)).toHaveLength(1);
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(5);
    const later = await inject({ method: 'POST', url: '/v1/cases', headers, payload });
    expect(later.statusCode).toBe(200);
    expect(later.headers['idempotent-replayed']).toBe('true');
    const reused = await inject({ method: 'POST', url: '/v1/cases', headers, payload: { ...payload, data: { applicant: 'B' } } });
    expect(reused.statusCode).toBe(422);
    expect(errorCode(reused)).toBe('IDEMPOTENCY_KEY_REUSED');
    const listed = body<{ items: { data: { applicant?: string } }[] }>(await inject({ method: 'GET', url: '/v1/cases?procedureKey=chain&limit=200' }));
    expect(listed.items.filter((c) => c.data.applicant === 'Nguyễn Văn A')).toHaveLength(1);
  });

  it('answers bad input with coded 4xx errors in one shape', async () => {
    const cases: [InjectOptions, number, string][] = [
      [{ method: 'POST', url: '/v1/cases', headers: { 'content-type': 'application/json' }, payload: '{"procedureKey": ' }, 400, 'INVALID_JSON'],
      [{ method: 'POST', url: '/v1/cases', payload: { unitId: TEST_UNIT_ID, data: {} } }, 400, 'VALIDATION_FAILED'],
      [{ method: 'POST', url: '/v1/cases', payload: { unitId: TEST_UNIT_ID, procedureKey: 'chain', data: [] } }, 400, 'VALIDATION_FAILED'],
      [{ method: 'POST', url: '/v1/cases', payload: { unitId: TEST_UNIT_ID, procedureKey: 'chain', extra: 1 } }, 400, 'VALIDATION_FAILED'],
      [{ method: 'POST', url: '/v1/cases', payload: { unitId: TEST_UNIT_ID, procedureKey: 'nope' } }, 404, 'PROCEDURE_NOT_FOUND'],
      [{ method: 'GET', url: '/v1/cases/unknown-id' }, 404, 'CASE_NOT_FOUND'],
      [{ method: 'GET', url: '/v1/cases/unknown-id/history' }, 404, 'CASE_NOT_FOUND'],
      [{ method: 'GET', url: '/v1/tasks/unknown-id' }, 404, 'TASK_NOT_FOUND'],
      [{ method: 'POST', url: '/v1/tasks/unknown-id/complete', payload: {} }, 404, 'TASK_NOT_FOUND'],
      [{ method: 'POST', url: '/v1/cases/unknown-id/messages', payload: { name: 'x' } }, 404, 'CASE_NOT_FOUND'],
      [{ method: 'GET', url: '/v1/cases?limit=100000' }, 400, 'VALIDATION_FAILED'],
      [{ method: 'GET', url: '/v1/procedures/nope' }, 404, 'PROCEDURE_NOT_FOUND'],
      [{ method: 'GET', url: '/v1/procedures/chain/versions/99/xml' }, 404, 'PROCEDURE_VERSION_NOT_FOUND'],
      [{ method: 'GET', url: '/v1/nothing-here' }, 404, 'ROUTE_NOT_FOUND'],
    ];
    for (const [request, status, code] of cases) {
      const res = await inject(request);
      expect({ url: request.url, status: res.statusCode, code: errorCode(res) }).toEqual({ url: request.url, status, code });
    }
  });

  it('terminates a case: tasks cancelled, no further moves', async () => {
    const c = body<{ id: string; tasks: { id: string }[] }>(await inject({ method: 'POST', url: '/v1/cases', payload: { unitId: TEST_UNIT_ID, procedureKey: 'chain' } }));
    const res = await inject({ method: 'POST', url: `/v1/cases/${c.id}/terminate`, payload: { reason: 'withdrawn' } });
    expect(body(res)).toMatchObject({ status: 'terminated', tasks: [] });
    expect(body<{ status: string }>(await inject({ method: 'GET', url: `/v1/tasks/${c.tasks[0]!.id}` })).status).toBe('cancelled');
    expect((await inject({ method: 'POST', url: `/v1/tasks/${c.tasks[0]!.id}/complete`, payload: {} })).statusCode).toBe(409);
    expect((await inject({ method: 'POST', url: `/v1/cases/${c.id}/terminate`, payload: { reason: 'again' } })).statusCode).toBe(409);
  });

  it('serves health checks and the OpenAPI document', async () => {
    expect(body(await inject({ method: 'GET', url: '/health/live' }))).toEqual({ status: 'ok' });
    expect(body(await inject({ method: 'GET', url: '/health/ready' }))).toMatchObject({ status: 'ok', checks: { mongodb: 'ok', redis: 'ok' } });
    const doc = body<{ openapi: string; paths: Record<string, unknown> }>(await inject({ method: 'GET', url: '/openapi.json' }));
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/procedures', '/v1/cases', '/v1/cases/{id}', '/v1/tasks/{id}/complete']));
    expect((await inject({ method: 'GET', url: '/docs/' })).statusCode).toBe(200);
  });
});
