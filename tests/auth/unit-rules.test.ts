/**
 * The unit rules behind the isolation matrix, one by one: the unit of a new case, tasks
 * inheriting it, receipt and transfer across units (docs/access-control.md), Idempotency-Key
 * namespaces per caller, out-of-scope filters, and the start-up migration of unit-less cases.
 */
import { readFileSync } from 'node:fs';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey, createUnit, type TestKey } from '../support/auth.js';
import { isolatedEnv, startService, type TestService } from '../support/harness.js';

const CASE_XML = `<?xml version="1.0" encoding="UTF-8"?>
<definitions id="rules_defs" xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" targetNamespace="http://example.org/bpmn">
  <process id="unit-case" isExecutable="true">
    <startEvent id="start"/><sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
    <userTask id="work" name="Work"/><sequenceFlow id="f2" sourceRef="work" targetRef="end"/><endEvent id="end"/>
  </process>
</definitions>`;

const permit = readFileSync('tests/fixtures/dossiers/simple-permit.bpmn', 'utf8');
const schema = JSON.parse(readFileSync('tests/fixtures/dossiers/simple-permit.schema.json', 'utf8')) as object;
/** simple-permit with its unit rules as process properties, under another key. */
const withProperties = (key: string, properties: Record<string, string>) =>
  permit
    .replaceAll('simple-permit', key)
    .replace('<camunda:properties>', `<camunda:properties>${Object.entries(properties).map(([n, v]) => `<camunda:property name="${n}" value="${v}"/>`).join('')}`);

const A = 'xa-quy-tac-a';
const B = 'xa-quy-tac-b';
const C = 'xa-quy-tac-c';

describe('unit rules', () => {
  const env = isolatedEnv('unit_rules');
  let svc: TestService;
  let deskA: TestKey;
  let deskB: TestKey;
  let integration: TestKey;
  let leaderB: TestKey;
  const receipt = (procedureKey: string, receivingUnitId: string, extra: Record<string, unknown> = {}) => ({
    method: 'POST' as const,
    url: '/v1/dossiers',
    payload: { procedureKey, applicant: { name: 'Quy Tắc' }, data: { plot: '1', area: 10 }, channel: 'in-person', receivingUnitId, ...extra },
  });
  const code = (res: { json(): unknown }) => (res.json() as { error?: { code: string } }).error?.code;

  beforeAll(async () => {
    svc = await startService('unit_rules', { env, background: false });
    await createUnit(svc, { id: 'tinh-quy-tac', code: '000.00.00.Q01', kind: 'province' });
    for (const [id, n] of [[A, 1], [B, 2], [C, 3]] as const) await createUnit(svc, { id, code: `000.00.3${n}.Q01`, parentId: 'tinh-quy-tac' });
    deskA = await createKey(svc, 'desk-officer', [A]);
    deskB = await createKey(svc, 'desk-officer', [B]);
    leaderB = await createKey(svc, 'leader', [B]);
    integration = await createKey(svc, 'integration', []);
    const publish = [
      { xml: CASE_XML },
      { xml: permit, schema },
      { xml: withProperties('permit-anywhere', { receiptAcrossBoundaries: 'true', processingUnits: `${A}, ${B}`, transferUnits: C }), schema },
      { xml: withProperties('permit-listed', { processingUnits: A }), schema },
    ];
    for (const payload of publish) expect((await svc.inject({ method: 'POST', url: '/v1/procedures', payload })).statusCode).toBe(201);
  }, 90_000);
  afterAll(async () => {
    await svc?.destroy();
  });

  it("gives a new case the caller's unit, refuses other units, and makes unscoped keys name one", async () => {
    const own = await deskA.inject({ method: 'POST', url: '/v1/cases', payload: { procedureKey: 'unit-case', data: {} } });
    expect(own.statusCode, own.body).toBe(201);
    const started = own.json() as { id: string; unitId: string; tasks: { id: string; unitId: string }[] };
    expect(started.unitId).toBe(A);
    expect(started.tasks[0]!.unitId).toBe(A);

    const other = await deskA.inject({ method: 'POST', url: '/v1/cases', payload: { procedureKey: 'unit-case', unitId: B, data: {} } });
    expect([other.statusCode, code(other)]).toEqual([403, 'OUT_OF_SCOPE']);
    const unnamed = await svc.inject({ method: 'POST', url: '/v1/cases', payload: { procedureKey: 'unit-case', data: {} } });
    expect([unnamed.statusCode, code(unnamed)]).toEqual([422, 'UNIT_REQUIRED']);
    const unknown = await svc.inject({ method: 'POST', url: '/v1/cases', payload: { procedureKey: 'unit-case', unitId: 'xa-khong-co', data: {} } });
    expect([unknown.statusCode, code(unknown)]).toEqual([422, 'UNKNOWN_UNIT']);

    // Another unit's officials neither list nor complete its task.
    const listed = (await deskB.inject({ method: 'GET', url: '/v1/tasks?limit=200' })).json() as { items: { id: string }[] };
    expect(listed.items.map((t) => t.id)).not.toContain(started.tasks[0]!.id);
    const complete = await deskB.inject({ method: 'POST', url: `/v1/tasks/${started.tasks[0]!.id}/complete`, payload: { data: {} } });
    expect(complete.statusCode).toBe(404);
    const filtered = await deskB.inject({ method: 'GET', url: `/v1/tasks?unitId=${A}` });
    expect([filtered.statusCode, code(filtered)]).toEqual([403, 'OUT_OF_SCOPE']);
    const casesOfA = await deskB.inject({ method: 'GET', url: `/v1/cases?unitId=${A}` });
    expect([casesOfA.statusCode, code(casesOfA)]).toEqual([403, 'OUT_OF_SCOPE']);
    const sla = await leaderB.inject({ method: 'GET', url: `/v1/reports/sla?unitId=${A}` });
    expect([sla.statusCode, code(sla)]).toEqual([403, 'OUT_OF_SCOPE']);
    const done = await deskA.inject({ method: 'POST', url: `/v1/tasks/${started.tasks[0]!.id}/complete`, payload: { data: {} } });
    expect(done.statusCode, done.body).toBe(200);
  });

  it("keeps each caller's Idempotency-Keys apart", async () => {
    const headers = { 'idempotency-key': 'quay-1-0001' };
    const payload = { procedureKey: 'unit-case', unitId: A, data: { applicant: 'A' } };
    const first = await svc.inject({ method: 'POST', url: '/v1/cases', headers, payload });
    expect(first.statusCode).toBe(201);
    const replay = await svc.inject({ method: 'POST', url: '/v1/cases', headers, payload });
    expect([replay.statusCode, (replay.json() as { id: string }).id]).toEqual([200, (first.json() as { id: string }).id]);
    // Another caller, same key and body: an unrelated request, a case of its own.
    const other = await integration.inject({ method: 'POST', url: '/v1/cases', headers: { ...headers, ...integration.headers }, payload });
    expect(other.statusCode, other.body).toBe(201);
    expect((other.json() as { id: string }).id).not.toBe((first.json() as { id: string }).id);
    // Same key, other body: nothing says the key exists elsewhere.
    const otherBody = await deskB.inject({ method: 'POST', url: '/v1/cases', headers: { ...headers, ...deskB.headers }, payload: { procedureKey: 'unit-case', data: {} } });
    expect(otherBody.statusCode, otherBody.body).toBe(201);
  });

  it("receives only at the caller's desk, for another unit only where the procedure allows it", async () => {
    const atOtherDesk = await deskB.inject(receipt('simple-permit', A));
    expect([atOtherDesk.statusCode, code(atOtherDesk)]).toEqual([403, 'OUT_OF_SCOPE']);
    const forOtherUnit = await deskB.inject(receipt('simple-permit', B, { processingUnitId: A }));
    expect([forOtherUnit.statusCode, code(forOtherUnit)]).toEqual([403, 'OUT_OF_SCOPE']);
    // Phi địa giới: B's desk receives a dossier A processes.
    const anywhere = await deskB.inject(receipt('permit-anywhere', B, { processingUnitId: A }));
    expect(anywhere.statusCode, anywhere.body).toBe(201);
    const dossier = anywhere.json() as { id: string; receivingUnitId: string; processingUnitId: string; case: { unitId: string } };
    expect([dossier.receivingUnitId, dossier.processingUnitId, dossier.case.unitId]).toEqual([B, A, A]);
    const notListed = await deskB.inject(receipt('permit-anywhere', B, { processingUnitId: C }));
    expect([notListed.statusCode, code(notListed)]).toEqual([422, 'PROCESSING_UNIT_NOT_ALLOWED']);
    const listedOnly = await deskB.inject(receipt('permit-listed', B));
    expect([listedOnly.statusCode, code(listedOnly)]).toEqual([422, 'PROCESSING_UNIT_NOT_ALLOWED']);

    // B received it, A holds it: only A transfers it, and only where the procedure allows.
    const byReceiver = await deskB.inject({ method: 'POST', url: `/v1/dossiers/${dossier.id}/transfer`, payload: { toUnitId: C } });
    expect([byReceiver.statusCode, code(byReceiver)]).toEqual([403, 'OUT_OF_SCOPE']);
    const notAllowed = await deskA.inject({ method: 'POST', url: `/v1/dossiers/${dossier.id}/transfer`, payload: { toUnitId: B } });
    expect([notAllowed.statusCode, code(notAllowed)]).toEqual([422, 'TRANSFER_UNIT_NOT_ALLOWED']);
    const transferred = await deskA.inject({ method: 'POST', url: `/v1/dossiers/${dossier.id}/transfer`, payload: { toUnitId: C } });
    expect(transferred.statusCode, transferred.body).toBe(200);
    expect((transferred.json() as { currentUnitId: string }).currentUnitId).toBe(C);
  });

  it('refuses a reassignment from or to a unit outside the caller’s scope', async () => {
    const from = await leaderB.inject({ method: 'POST', url: `/v1/units/${A}/reassign`, payload: { toUnitId: B } });
    expect([from.statusCode, code(from)]).toEqual([403, 'OUT_OF_SCOPE']);
    const to = await leaderB.inject({ method: 'POST', url: `/v1/units/${B}/reassign`, payload: { toUnitId: A } });
    expect([to.statusCode, code(to)]).toEqual([403, 'OUT_OF_SCOPE']);
  });

  it('gives cases stored without a unit one at start-up', async () => {
    const client = new MongoClient(env.MONGODB_URL);
    await client.connect();
    try {
      const db = client.db();
      const template = await db.collection('cases').findOne({ procedureKey: 'unit-case', status: 'active' });
      expect(template).toBeTruthy();
      const legacy = { ...template!, _id: 'legacy-plain-case' } as Record<string, unknown>;
      delete legacy.unitId;
      await db.collection<{ _id: string }>('cases').insertOne(legacy as { _id: string });
      await db.collection<{ _id: string; caseId: string; status: string; unitId: null }>('tasks').insertOne({ _id: 'legacy-task', caseId: 'legacy-plain-case', status: 'open', unitId: null });
      await db.collection('migrations').deleteMany({});

      const restarted = await startService('unit_rules', { env: { ...env, CASE_UNIT_MIGRATION_UNIT_ID: C }, background: false });
      try {
        expect((await db.collection('cases').findOne({ _id: 'legacy-plain-case' as never }))?.unitId).toBe(C);
        expect((await db.collection('tasks').findOne({ _id: 'legacy-task' as never }))?.unitId).toBe(C);
        // The listing keys follow the unit (src/store/listing-keys.ts): the unit's scoped listing finds it.
        expect((await db.collection('cases').findOne({ _id: 'legacy-plain-case' as never }))?.unitIds).toEqual([C]);
        expect(await db.collection('migrations').countDocuments({ _id: 'case-units-v1' as never })).toBe(1);
      } finally {
        await restarted.close();
      }
    } finally {
      await client.close();
    }
  });
});
