import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startService, type TestService } from '../support/harness.js';
import { TEST_UNIT_ID, createTestUnit } from '../support/auth.js';
import { c7Task, camunda7Procedure, dmn, zeebeProcedure, type TableSpec } from './support.js';

/** Decisions over HTTP on the real FerretDB and Redis: publish, versions, and cases running business rule tasks. */

const feeTable = (perCopy: string): TableSpec => ({
  id: 'copyFee',
  name: 'Phí cấp bản sao',
  hitPolicy: 'FIRST',
  inputs: [{ expression: 'category' }, { expression: 'copies', typeRef: 'integer' }],
  outputs: [{ name: 'fee', typeRef: 'number' }],
  rules: [
    [['"exempt"', '-'], ['0']],
    [['-', '>= 1'], [`${perCopy} * copies`]],
  ],
});

describe('decisions over HTTP', () => {
  let svc: TestService;
  const inject = (opts: InjectOptions) => svc.inject(opts);
  const json = <T = Record<string, unknown>>(res: { body: string }) => JSON.parse(res.body) as T;
  const publishDmn = (xml: string) => inject({ method: 'POST', url: '/v1/decisions', headers: { 'content-type': 'application/xml' }, payload: xml });
  const publishBpmn = (xml: string) => inject({ method: 'POST', url: '/v1/procedures', headers: { 'content-type': 'application/xml' }, payload: xml });
  const start = async (procedureKey: string, data: Record<string, unknown>) => {
    const res = await inject({ method: 'POST', url: '/v1/cases', payload: { unitId: TEST_UNIT_ID, procedureKey, data } });
    expect(res.statusCode, res.body).toBe(201);
    return json<{ id: string }>(res).id;
  };
  type CaseView = { status: string; data: Record<string, unknown>; tasks: { activityId: string }[]; incident: { code?: string; message: string; activityId?: string } | null };
  const caseWhen = (id: string, ready: (c: CaseView) => boolean) =>
    eventually(async () => {
      const c = json<CaseView>(await inject({ method: 'GET', url: `/v1/cases/${id}` }));
      return ready(c) ? c : undefined;
    }, 20_000);

  beforeAll(async () => {
    svc = await startService('decisions');
    await createTestUnit(svc);
  });
  afterAll(async () => svc?.destroy());

  it('publishes a .dmn as versions per decision id, answers an equal file with the same version, lists and reads them', async () => {
    let res = await publishDmn(dmn(feeTable('8000')));
    expect(res.statusCode, res.body).toBe(201);
    expect(json<{ decisions: { key: string; version: number; hitPolicy: string; created: boolean }[] }>(res).decisions).toEqual([
      expect.objectContaining({ key: 'copyFee', version: 1, hitPolicy: 'FIRST', created: true }),
    ]);
    res = await publishDmn(dmn(feeTable('8000')).replace(/></g, '>\n<'));
    expect(res.statusCode).toBe(200);
    expect(json<{ decisions: { version: number; created: boolean }[] }>(res).decisions).toEqual([expect.objectContaining({ version: 1, created: false })]);
    res = await inject({ method: 'POST', url: '/v1/decisions', payload: { xml: dmn(feeTable('10000')) } });
    expect(res.statusCode).toBe(201);
    expect(json<{ decisions: { version: number }[] }>(res).decisions[0]?.version).toBe(2);

    const list = json<{ items: { key: string; latestVersion: number; versions: number }[] }>(await inject({ method: 'GET', url: '/v1/decisions' })).items;
    expect(list).toContainEqual(expect.objectContaining({ key: 'copyFee', latestVersion: 2, versions: 2 }));
    const versions = json<{ versions: { version: number }[] }>(await inject({ method: 'GET', url: '/v1/decisions/copyFee' })).versions;
    expect(versions.map((v) => v.version)).toEqual([1, 2]);
    const one = json<{ version: number; tables: { id: string; rules: { outputEntries: string[] }[] }[] }>(
      await inject({ method: 'GET', url: '/v1/decisions/copyFee/versions/1' }),
    );
    expect(one.tables[0]?.rules[1]?.outputEntries).toEqual(['8000 * copies']);
    expect((await inject({ method: 'GET', url: '/v1/decisions/copyFee/versions/9' })).statusCode).toBe(404);
    expect((await inject({ method: 'GET', url: '/v1/decisions/nothing' })).statusCode).toBe(404);
  });

  it('refuses an invalid table with coded problems in the error shape', async () => {
    const res = await publishDmn(dmn({ ...feeTable('1'), hitPolicy: 'UNIQUE', rules: [[['"a"', '-'], ['1']], [['"a"', '> 1'], ['2']]] }));
    expect(res.statusCode).toBe(422);
    const body = json<{ error: { code: string; message: string; details: { problems: { code: string; elementId: string; message: string }[] } } }>(res);
    expect(body.error.code).toBe('INVALID_DECISION');
    expect(body.error.details.problems).toEqual([expect.objectContaining({ code: 'OVERLAPPING_RULES', elementId: 'copyFee_r1' })]);
    expect(body.error.details.problems[0]?.message).toContain(' / ');
  });

  it('refuses a procedure whose business rule task names an unpublished decision', async () => {
    const res = await publishBpmn(camunda7Procedure('needs-missing', c7Task('camunda:decisionRef="notPublished" camunda:resultVariable="fee"')));
    expect(res.statusCode).toBe(422);
    const problems = json<{ error: { details: { problems: { code: string; elementId: string }[] } } }>(res).error.details.problems;
    expect(problems).toEqual([expect.objectContaining({ code: 'DECISION_NOT_FOUND', elementId: 'Fee' })]);
  });

  it('runs a Camunda 7 business rule task on the latest version and reaches the next step with the result variable', async () => {
    const res = await publishBpmn(camunda7Procedure('fee-c7', c7Task('camunda:decisionRef="copyFee" camunda:resultVariable="fee" camunda:mapDecisionResult="singleEntry"')));
    expect(res.statusCode, res.body).toBe(201);
    const id = await start('fee-c7', { category: 'citizen', copies: 3 });
    const reached = await caseWhen(id, (c) => c.tasks.some((t) => t.activityId === 'Collect'));
    expect(reached.data.fee).toBe(30000); // version 2: 10 000 per copy
    const exempt = await caseWhen(await start('fee-c7', { category: 'exempt', copies: 3 }), (c) => c.tasks.length > 0);
    expect(exempt.data.fee).toBe(0);
  });

  it('binds a version, and maps resultList', async () => {
    const res = await publishBpmn(
      camunda7Procedure('fee-v1', c7Task('camunda:decisionRef="copyFee" camunda:decisionRefBinding="version" camunda:decisionRefVersion="1" camunda:resultVariable="fees"')),
    );
    expect(res.statusCode, res.body).toBe(201);
    const c = await caseWhen(await start('fee-v1', { category: 'citizen', copies: 2 }), (v) => v.tasks.length > 0);
    expect(c.data.fees).toEqual([{ fee: 16000 }]);
  });

  it('runs a Camunda 8 zeebe:calledDecision (the result is the FEEL value)', async () => {
    const res = await publishBpmn(zeebeProcedure('fee-c8', 'copyFee', 'feeResult'));
    expect(res.statusCode, res.body).toBe(201);
    const c = await caseWhen(await start('fee-c8', { category: 'business', copies: 1 }), (v) => v.tasks.length > 0);
    expect(c.data.feeResult).toBe(10000);
  });

  it("Camunda Modeler's deploy publishes a .dmn with the diagram that uses it, tables first", async () => {
    const boundary = 'modeler-boundary';
    const part = (name: string, contents: string, file = true) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${file ? `; filename="${name}"` : ''}\r\n${file ? 'Content-Type: application/octet-stream\r\n' : ''}\r\n${contents}\r\n`;
    const diagram = camunda7Procedure('fee-modeler', c7Task('camunda:decisionRef="modelerFee" camunda:resultVariable="fee" camunda:mapDecisionResult="singleEntry"'));
    const table = dmn({ ...feeTable('3000'), id: 'modelerFee' });
    const payload = `${part('deployment-name', 'fees', false)}${part('fee.bpmn', diagram)}${part('fee.dmn', table)}--${boundary}--\r\n`;
    const res = await inject({ method: 'POST', url: '/engine-rest/deployment/create', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, payload });
    expect(res.statusCode, res.body).toBe(200);
    const body = json<{ deployedProcessDefinitions: Record<string, { key: string }>; deployedDecisionDefinitions: Record<string, { key: string; version: number; resource: string }> }>(res);
    expect(Object.values(body.deployedProcessDefinitions).map((d) => d.key)).toEqual(['fee-modeler']);
    expect(Object.values(body.deployedDecisionDefinitions)).toEqual([expect.objectContaining({ key: 'modelerFee', version: 1, resource: 'fee.dmn' })]);
    const c = await caseWhen(await start('fee-modeler', { category: 'citizen', copies: 2 }), (v) => v.tasks.length > 0);
    expect(c.data.fee).toBe(6000);
  });

  it('turns an evaluation failure into a coded incident, not a crash', async () => {
    const id = await start('fee-c7', { category: 'citizen', copies: 'many' });
    const failed = await caseWhen(id, (c) => c.status === 'incident');
    expect(failed.incident).toEqual(expect.objectContaining({ code: 'DECISION_TYPE_MISMATCH', activityId: 'Fee' }));
    expect(failed.incident?.message).toContain('integer');
    // The service still answers and other cases still run.
    const ok = await caseWhen(await start('fee-c7', { category: 'citizen', copies: 1 }), (c) => c.tasks.length > 0);
    expect(ok.data.fee).toBe(10000);
  });
});
