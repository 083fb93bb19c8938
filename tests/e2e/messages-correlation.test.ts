/**
 * POST /v1/messages over HTTP with real FerretDB and Redis: correlation by business key, by
 * dossier code and by a variable the diagram names (Camunda 7 property, Zeebe subscription),
 * 404 / 409, message start events, Idempotency-Key, unit isolation, bad input.
 */
import { readFileSync } from 'node:fs';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type TestService } from '../support/harness.js';
import { createKey, type TestKey } from '../support/auth.js';

const fixture = (name: string) => readFileSync(`tests/fixtures/messaging/${name}`, 'utf8');

interface CaseBody {
  id: string;
  status: string;
  businessKey: string | null;
  unitId: string | null;
  data: Record<string, unknown>;
  tasks: { id: string; activityId: string }[];
  waitingFor: { kind: string; message?: string }[];
}
interface Correlated {
  outcome: 'delivered' | 'started';
  case: CaseBody;
}
interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

const units = [
  { id: 'tinh-msg', code: '000.00.00.H97', name: 'UBND tỉnh thử thông điệp', kind: 'province', parentId: null },
  { id: 'xa-msg-a', code: '000.00.31.H97', name: 'UBND xã A', kind: 'commune', parentId: 'tinh-msg' },
  { id: 'xa-msg-b', code: '000.00.32.H97', name: 'UBND xã B', kind: 'commune', parentId: 'tinh-msg' },
];

describe('messages by correlation (POST /v1/messages)', () => {
  let svc: TestService;
  let officerA: TestKey;
  let officerB: TestKey;
  const json = <T>(res: { body: string }) => JSON.parse(res.body) as T;
  const call = (opts: InjectOptions, key?: TestKey) => (key ? key.inject(opts) : svc.inject(opts));
  const message = (payload: Record<string, unknown>, key?: TestKey, headers: Record<string, string> = {}) =>
    call({ method: 'POST', url: '/v1/messages', payload, headers }, key);
  const start = async (procedureKey: string, extra: Record<string, unknown> = {}, key?: TestKey) => {
    const res = await call({ method: 'POST', url: '/v1/cases', payload: { procedureKey, unitId: 'xa-msg-a', data: {}, ...extra } }, key);
    expect(res.statusCode, res.body).toBe(201);
    return json<CaseBody>(res);
  };
  const history = async (id: string) => json<{ items: { type: string }[] }>(await call({ method: 'GET', url: `/v1/cases/${id}/history` })).items;

  beforeAll(async () => {
    svc = await startService('messages');
    for (const unit of units) {
      const res = await call({ method: 'POST', url: '/v1/units', payload: unit });
      expect(res.statusCode, res.body).toBe(201);
    }
    for (const file of ['corr-c7.bpmn', 'corr-zeebe.bpmn', 'msg-start.bpmn', 'withdraw-esp.bpmn']) {
      const res = await call({ method: 'POST', url: '/v1/procedures', headers: { 'content-type': 'application/xml' }, payload: fixture(file) });
      expect(res.statusCode, `${file}: ${res.body}`).toBe(201);
    }
    const dossierXml = readFileSync('tests/fixtures/dossiers/simple-permit.bpmn', 'utf8');
    const schema = JSON.parse(readFileSync('tests/fixtures/dossiers/simple-permit.schema.json', 'utf8')) as object;
    const published = await call({ method: 'POST', url: '/v1/procedures', payload: { xml: dossierXml, schema } });
    expect(published.statusCode, published.body).toBe(201);
    officerA = await createKey(svc, 'desk-officer', ['xa-msg-a']);
    officerB = await createKey(svc, 'desk-officer', ['xa-msg-b']);
  }, 60_000);
  afterAll(async () => svc?.destroy());

  it('reaches the case by the business key given at start, with the data', async () => {
    const c = await start('corr-c7', { businessKey: 'BK-2026-0001' });
    expect(c.businessKey).toBe('BK-2026-0001');
    expect(c.waitingFor).toContainEqual(expect.objectContaining({ kind: 'message', message: 'bo-sung' }));
    const res = await message({ name: 'bo-sung', correlationKey: 'BK-2026-0001', data: { supplied: ['giay-to'] } });
    expect(res.statusCode, res.body).toBe(200);
    const body = json<Correlated>(res);
    expect(body.outcome).toBe('delivered');
    expect(body.case.id).toBe(c.id);
    expect(body.case.data.supplied).toEqual(['giay-to']);
    expect(body.case.tasks.map((t) => t.activityId)).toEqual(['review']);
    // The wait is gone, and with it its subscription: the same message again finds nothing.
    const again = await message({ name: 'bo-sung', correlationKey: 'BK-2026-0001' });
    expect(again.statusCode, again.body).toBe(404);
    expect(json<ErrorBody>(again).error.code).toBe('MESSAGE_NOT_CORRELATED');
    expect((await history(c.id)).filter((h) => h.type === 'message.received')).toHaveLength(1);
  });

  it('reaches a dossier by its dossier code', async () => {
    const res = await call({
      method: 'POST',
      url: '/v1/dossiers',
      payload: { procedureKey: 'simple-permit', applicant: { name: 'Trần Thị B' }, data: { plot: '12/34', area: 120 }, channel: 'in-person', receivingUnitId: 'xa-msg-a' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const dossier = json<{ id: string; code: string; case: { tasks: { id: string; activityId: string }[] } }>(res);
    const review = dossier.case.tasks.find((t) => t.activityId === 'review')!;
    const done = await call({ method: 'POST', url: `/v1/tasks/${review.id}/complete`, payload: { data: { complete: false } } });
    expect(done.statusCode, done.body).toBe(200);
    const delivered = await message({ name: 'supplement', correlationKey: dossier.code, data: { supplied: 'so-do' } }, officerA);
    expect(delivered.statusCode, delivered.body).toBe(200);
    const body = json<Correlated>(delivered);
    expect(body.case.id).toBe(dossier.id);
    expect(body.case.tasks.map((t) => t.activityId)).toEqual(['review']);
  });

  it('reaches the case by the variable the diagram names: Camunda 7 property and Zeebe subscription', async () => {
    const c7 = await start('corr-c7', { businessKey: 'BK-other', data: { byVariable: true, applicationNo: 'APP-77' } });
    expect(c7.waitingFor).toContainEqual(expect.objectContaining({ message: 'ket-qua' }));
    // The business key is not what this catch correlates on.
    expect((await message({ name: 'ket-qua', correlationKey: 'BK-other' })).statusCode).toBe(404);
    const byVar = await message({ name: 'ket-qua', correlationKey: 'APP-77' });
    expect(byVar.statusCode, byVar.body).toBe(200);
    expect(json<Correlated>(byVar).case.id).toBe(c7.id);

    const c8 = await start('corr-zeebe', { data: { payment: { reference: 'PAY-123' } } });
    const paid = await message({ name: 'da-nop-phi', correlationKey: 'PAY-123', data: { amount: 50000 } });
    expect(paid.statusCode, paid.body).toBe(200);
    expect(json<Correlated>(paid).case.id).toBe(c8.id);
    expect(json<Correlated>(paid).case.tasks.map((t) => t.activityId)).toEqual(['issue']);
  });

  it('refuses with 409 MESSAGE_AMBIGUOUS when two waiting cases match, and changes neither', async () => {
    const one = await start('corr-c7', { businessKey: 'BK-TWICE' });
    const two = await start('corr-c7', { businessKey: 'BK-TWICE' });
    const res = await message({ name: 'bo-sung', correlationKey: 'BK-TWICE' });
    expect(res.statusCode, res.body).toBe(409);
    const err = json<ErrorBody>(res).error;
    expect(err.code).toBe('MESSAGE_AMBIGUOUS');
    expect((err.details?.caseIds as string[]).sort()).toEqual([one.id, two.id].sort());
    for (const id of [one.id, two.id]) expect((await history(id)).some((h) => h.type === 'message.received')).toBe(false);
  });

  it('answers 404 MESSAGE_NOT_CORRELATED for an unknown name or key', async () => {
    const res = await message({ name: 'khong-ai-cho', correlationKey: 'x' });
    expect(res.statusCode).toBe(404);
    expect(json<ErrorBody>(res).error).toMatchObject({ code: 'MESSAGE_NOT_CORRELATED', details: { name: 'khong-ai-cho', correlationKey: 'x' } });
  });

  it('keeps units apart: another unit’s case is not reached, nor named', async () => {
    const c = await start('corr-c7', { businessKey: 'BK-UNIT-A' }, officerA);
    const fromB = await message({ name: 'bo-sung', correlationKey: 'BK-UNIT-A' }, officerB);
    expect(fromB.statusCode, fromB.body).toBe(404);
    expect(fromB.body).not.toContain(c.id);
    const outOfScope = await message({ name: 'bo-sung', correlationKey: 'BK-UNIT-A', unitId: 'xa-msg-a' }, officerB);
    expect(outOfScope.statusCode).toBe(403);
    expect(json<ErrorBody>(outOfScope).error.code).toBe('OUT_OF_SCOPE');
    const fromA = await message({ name: 'bo-sung', correlationKey: 'BK-UNIT-A' }, officerA);
    expect(fromA.statusCode, fromA.body).toBe(200);
    expect(json<Correlated>(fromA).case.id).toBe(c.id);
  });

  it('starts a case from the message start event; the plain start still starts at the desk', async () => {
    const desk = await start('msg-start');
    expect(desk.tasks.map((t) => t.activityId)).toEqual(['deskReview']);
    expect(desk.waitingFor).toEqual([]);

    const res = await message({ name: 'ho-so-lien-thong', correlationKey: 'LT-0001', data: { from: 'cong-dich-vu-cong' }, unitId: 'xa-msg-a' });
    expect(res.statusCode, res.body).toBe(201);
    const started = json<Correlated>(res);
    expect(started.outcome).toBe('started');
    expect(started.case.tasks.map((t) => t.activityId)).toEqual(['portalReview']);
    expect(started.case.businessKey).toBe('LT-0001');
    expect(started.case.unitId).toBe('xa-msg-a');
    expect(started.case.data.from).toBe('cong-dich-vu-cong');
    // Finishing its one task ends the case: the desk start was left aside, not waiting.
    const done = await call({ method: 'POST', url: `/v1/tasks/${started.case.tasks[0]!.id}/complete`, payload: { data: {} } });
    expect(json<CaseBody>(done).status).toBe('completed');
    // An unscoped key must say which unit the started case belongs to.
    const noUnit = await message({ name: 'ho-so-lien-thong', correlationKey: 'LT-0002' });
    expect(noUnit.statusCode).toBe(422);
    expect(json<ErrorBody>(noUnit).error.code).toBe('UNIT_REQUIRED');
  });

  it('honours Idempotency-Key: a retry is answered from the first delivery, a different body refused', async () => {
    const c = await start('corr-c7', { businessKey: 'BK-IDEM' });
    const headers = { 'idempotency-key': 'msg-retry-1' };
    const first = await message({ name: 'bo-sung', correlationKey: 'BK-IDEM', data: { n: 1 } }, undefined, headers);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.headers['idempotent-replayed']).toBe('false');
    const retry = await message({ name: 'bo-sung', correlationKey: 'BK-IDEM', data: { n: 1 } }, undefined, headers);
    expect(retry.statusCode, retry.body).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(json<Correlated>(retry).case.id).toBe(c.id);
    expect((await history(c.id)).filter((h) => h.type === 'message.received')).toHaveLength(1);
    const other = await message({ name: 'bo-sung', correlationKey: 'BK-IDEM', data: { n: 2 } }, undefined, headers);
    expect(other.statusCode).toBe(422);
    expect(json<ErrorBody>(other).error.code).toBe('IDEMPOTENCY_KEY_REUSED');

    const startHeaders = { 'idempotency-key': 'msg-start-1' };
    const payload = { name: 'ho-so-lien-thong', correlationKey: 'LT-IDEM', unitId: 'xa-msg-a' };
    const s1 = await message(payload, undefined, startHeaders);
    const s2 = await message(payload, undefined, startHeaders);
    expect(s1.statusCode, s1.body).toBe(201);
    expect(s2.statusCode, s2.body).toBe(200);
    expect(json<Correlated>(s2).case.id).toBe(json<Correlated>(s1).case.id);
  });

  it('starts a message event sub-process by correlation: "the applicant withdraws" by business key', async () => {
    const c = await start('withdraw-esp', { businessKey: 'BK-RUT-1' });
    expect(c.tasks.map((t) => t.activityId)).toEqual(['review']);
    const res = await message({ name: 'rut-ho-so', correlationKey: 'BK-RUT-1', data: { reason: 'cong dan rut' } });
    expect(res.statusCode, res.body).toBe(200);
    const body = json<Correlated>(res);
    expect(body.case.id).toBe(c.id);
    expect(body.case.tasks.map((t) => t.activityId)).toEqual(['closeFile']);
  });

  it('refuses bad input with coded 4xx in the documented shape', async () => {
    for (const payload of [{}, { name: '' }, { name: 'x', correlationKey: '' }, { name: 'x', data: 'not an object' }, { name: 'x', extra: 1 }]) {
      const res = await message(payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(json<ErrorBody>(res).error.code).toBeTruthy();
    }
    const big = await message({ name: 'bo-sung', correlationKey: 'BK-2026-0001', data: { blob: 'x'.repeat(2_000_000) } });
    expect([404, 413, 422]).toContain(big.statusCode);
    expect(json<ErrorBody>(big).error.code).toBeTruthy();
  });
});
