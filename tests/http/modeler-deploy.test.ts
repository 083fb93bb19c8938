/**
 * Issue 10: Camunda Modeler's Deploy button, replayed over real HTTP as the Modeler sends it
 * (FormData fields and file parts in its order, Basic or Bearer), in Camunda 7 mode
 * (`<url>/engine-rest`) and Camunda 8 mode (`<url>/camunda`, REST v2).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedEnv, startService, type TestService } from '../support/harness.js';

// Copies of two MIWG exports (tests/fixtures/diagrams/miwg/README.md): a clean clone has no shared corpus.
const CORPUS = new URL('../fixtures/diagrams/miwg/', import.meta.url);
const corpus = (name: string) => readFileSync(new URL(name, CORPUS), 'utf8');
const GOOD = 'A.1.0-export.bpmn';
const BAD = 'B.1.0-export.bpmn';
const BODY_LIMIT = 256 * 1024;

/** The bodies under test have several shapes (Camunda 7, Camunda 8, ours): read them loosely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = async (res: Response): Promise<any> => res.json();

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** CamundaAPI.deployDiagram of the Modeler (Camunda 7 mode): fields, then the diagram, then attachments. */
function camunda7Form(diagram: { name: string; contents: string }, options: { tenantId?: string; attachments?: { name: string; contents: string }[] } = {}) {
  const form = new FormData();
  form.append('deployment-name', diagram.name.replace(/\.bpmn$/, ''));
  form.append('deployment-source', 'Camunda Modeler');
  form.append('enable-duplicate-filtering', 'true');
  if (options.tenantId) form.append('tenant-id', options.tenantId);
  form.append(diagram.name, new Blob([diagram.contents], { type: 'text/xml' }), diagram.name);
  for (const file of options.attachments ?? []) form.append(file.name, new Blob([file.contents]), file.name);
  return form;
}

/** Camunda 8 REST v2 as the SDK sends it: one `resources` part per file. */
function camunda8Form(files: { name: string; contents: string }[]) {
  const form = new FormData();
  for (const file of files) form.append('resources', new Blob([file.contents], { type: 'application/octet-stream' }), file.name);
  return form;
}

describe('deploy from Camunda Modeler', () => {
  let service: TestService;
  let base: string;
  let admin: string;
  let analystKey: string;
  let integrationKey: string;

  const call = (path: string, init: RequestInit & { auth?: string } = {}) =>
    fetch(`${base}${path}`, { ...init, headers: { accept: 'application/json', ...(init.auth ? { authorization: init.auth } : {}), ...(init.headers ?? {}) } });

  beforeAll(async () => {
    service = await startService('modeler_deploy', { background: false, env: { ...isolatedEnv('modeler_deploy'), BODY_LIMIT_BYTES: String(BODY_LIMIT) } });
    base = await service.container.app.listen({ port: 0, host: '127.0.0.1' });
    admin = service.env.ADMIN_API_KEY as string;
    const issue = async (role: string) => {
      const res = await service.inject({ method: 'POST', url: '/v1/api-keys', payload: { name: `modeler ${role}`, role } });
      expect(res.statusCode, res.body).toBe(201);
      return res.json<{ key: string }>().key;
    };
    analystKey = await issue('analyst');
    integrationKey = await issue('integration');
  }, 120_000);

  afterAll(async () => {
    await service?.destroy();
  });

  it('answers the Camunda 7 connection check (Bearer and Basic with the key as password)', async () => {
    const check = await call('/engine-rest/deployment?maxResults=0', { auth: `Bearer ${admin}` });
    expect(check.status).toBe(200);
    expect(await json(check)).toEqual([]);
    const version = await call('/engine-rest/version', { auth: basic('analyst', analystKey) });
    expect(version.status).toBe(200);
    expect((await json(version)).version).toMatch(/^7\./);
  });

  it('publishes a MIWG diagram from the Camunda 7 deploy dialog, and duplicate filtering returns the existing version', async () => {
    const diagram = { name: GOOD, contents: corpus(GOOD) };
    const first = await call('/engine-rest/deployment/create', { method: 'POST', body: camunda7Form(diagram), auth: basic('analyst', analystKey) });
    expect(first.status).toBe(200);
    const body = await json(first);
    expect(body.name).toBe('A.1.0-export');
    expect(body.source).toBe('Camunda Modeler');
    expect(body.deploymentTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    const definitions = Object.values(body.deployedProcessDefinitions) as { id: string; key: string; version: number; resource: string; deploymentId: string }[];
    expect(definitions).toHaveLength(1);
    const [definition] = definitions;
    expect(definition?.version).toBe(1);
    expect(definition?.resource).toBe(GOOD);
    expect(definition?.deploymentId).toBe(body.id);
    expect(body.procedures[0].created).toBe(true);

    const published = await service.inject({ method: 'GET', url: `/v1/procedures/${encodeURIComponent(definition?.key as string)}` });
    expect(published.json().versions.map((v: { version: number; hash: string }) => v.version)).toEqual([1]);

    const again = await call('/engine-rest/deployment/create', { method: 'POST', body: camunda7Form(diagram), auth: `Bearer ${admin}` });
    expect(again.status).toBe(200);
    const second = await json(again);
    expect(second.id).toBe(body.id);
    expect(Object.keys(second.deployedProcessDefinitions)).toEqual([definition?.id]);
    expect(second.procedures[0]).toMatchObject({ version: 1, created: false, hash: body.procedures[0].hash });
    // The same diagram reformatted (canonical form) is still the same version.
    const reformatted = { name: GOOD, contents: diagram.contents.replace(/\n\s*/g, '\n    ') };
    const third = await json(await call('/engine-rest/deployment/create', { method: 'POST', body: camunda7Form(reformatted), auth: `Bearer ${admin}` }));
    expect(third.procedures[0]).toMatchObject({ version: 1, created: false });
  });

  it("refuses a diagram with a ParseException the Modeler's error panel shows, our coded error inside", async () => {
    const res = await call('/engine-rest/deployment/create', { method: 'POST', body: camunda7Form({ name: BAD, contents: corpus(BAD) }), auth: `Bearer ${admin}` });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = await json(res);
    expect(body.type).toBe('ParseException');
    expect(body.message.startsWith('ENGINE-09005 Could not parse BPMN process.')).toBe(true);
    expect(body.error.code).toBe('INVALID_DIAGRAM');
    expect(body.error.details.resource).toBe(BAD);
    const problems = body.error.details.problems as { code: string; elementId?: string }[];
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems) expect(body.message).toContain(`[${p.code}]`);
    expect(body.details[BAD].errors).toHaveLength(problems.length);
    const located = problems.find((p) => p.elementId);
    if (located) expect(body.details[BAD].errors.some((e: { mainElementId: string }) => e.mainElementId === located.elementId)).toBe(true);
  });

  it('refuses wrong keys, keys without the publish permission, tenants and non-BPMN files', async () => {
    const diagram = { name: GOOD, contents: corpus(GOOD) };
    const wrong = await call('/engine-rest/deployment/create', { method: 'POST', body: camunda7Form(diagram), auth: basic('analyst', 'bpk_nope_wrongsecret') });
    expect(wrong.status).toBe(401);
    expect(await json(wrong)).toMatchObject({ type: 'AuthorizationException', error: { code: 'INVALID_CREDENTIALS' } });
    const wrongBearer = await call('/engine-rest/deployment?maxResults=0', { auth: 'Bearer not-a-key' });
    expect(wrongBearer.status).toBe(401);
    const none = await call('/engine-rest/deployment/create', { method: 'POST', body: camunda7Form(diagram) });
    expect(none.status).toBe(401);
    expect((await json(none)).error.code).toBe('UNAUTHENTICATED');
    // Basic is only for the Modeler's routes.
    expect((await call('/v1/procedures', { auth: basic('analyst', analystKey) })).status).toBe(401);

    const forbidden = await call('/engine-rest/deployment/create', { method: 'POST', body: camunda7Form(diagram), auth: `Bearer ${integrationKey}` });
    expect(forbidden.status).toBe(403);
    expect(await json(forbidden)).toMatchObject({ type: 'AuthorizationException', error: { code: 'FORBIDDEN' } });

    const tenant = await call('/engine-rest/deployment/create', { method: 'POST', body: camunda7Form(diagram, { tenantId: 'hanoi' }), auth: `Bearer ${admin}` });
    expect(tenant.status).toBe(400);
    expect((await json(tenant)).error.code).toBe('TENANT_NOT_SUPPORTED');

    const withForm = camunda7Form(diagram, { attachments: [{ name: 'notes.txt', contents: 'x' }] });
    const other = await call('/engine-rest/deployment/create', { method: 'POST', body: withForm, auth: `Bearer ${admin}` });
    expect(other.status).toBe(400);
    expect(await json(other)).toMatchObject({ type: 'InvalidRequestException', error: { code: 'UNSUPPORTED_RESOURCE', details: { resource: 'notes.txt' } } });
    // A .dmn is a decision table (docs/decisions.md): a broken one is a parse error the Modeler lists.
    const brokenDmn = camunda7Form(diagram, { attachments: [{ name: 'fees.dmn', contents: '<definitions/>' }] });
    const dmn = await call('/engine-rest/deployment/create', { method: 'POST', body: brokenDmn, auth: `Bearer ${admin}` });
    expect(dmn.status).toBe(422);
    const dmnBody = await json(dmn);
    expect(dmnBody).toMatchObject({ type: 'ParseException', error: { code: 'INVALID_DECISION', details: { resource: 'fees.dmn' } } });
    expect(dmnBody.message).toMatch(/^DMN-02004 .*\[DMN_VERSION_UNSUPPORTED\]/s);

    const jsonBody = await call('/engine-rest/deployment/create', { method: 'POST', body: JSON.stringify({ xml: diagram.contents }), headers: { 'content-type': 'application/json' }, auth: `Bearer ${admin}` });
    expect(jsonBody.status).toBe(415);
    expect((await json(jsonBody)).error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('holds deployments to the body limit of publishing', async () => {
    const huge = { name: 'huge.bpmn', contents: `${corpus(GOOD)}<!--${'x'.repeat(BODY_LIMIT)}-->` };
    const res = await call('/engine-rest/deployment/create', { method: 'POST', body: camunda7Form(huge), auth: `Bearer ${admin}` });
    expect(res.status).toBe(413);
    expect((await json(res)).error.code).toBe('BODY_TOO_LARGE');
  });

  it('answers Camunda 8 mode: topology, then resources published, errors as problem details', async () => {
    const topology = await call('/camunda/v2/topology', { auth: basic('demo', analystKey) });
    expect(topology.status).toBe(200);
    expect((await json(topology)).gatewayVersion).toMatch(/^8\./);

    const ok = await call('/camunda/v2/deployments', { method: 'POST', body: camunda8Form([{ name: GOOD, contents: corpus(GOOD) }]), auth: `Bearer ${analystKey}` });
    expect(ok.status).toBe(200);
    const deployed = await json(ok);
    expect(deployed.deployments).toHaveLength(1);
    expect(deployed.deployments[0].processDefinition).toMatchObject({ processDefinitionVersion: 1, resourceName: GOOD });
    expect(deployed.procedures[0].created).toBe(false); // published by the Camunda 7 test above

    const bad = await call('/camunda/v2/deployments', { method: 'POST', body: camunda8Form([{ name: BAD, contents: corpus(BAD) }]), auth: `Bearer ${analystKey}` });
    expect(bad.status).toBe(422);
    expect(bad.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = await json(bad);
    expect(problem).toMatchObject({ status: 422, code: 'INVALID_DIAGRAM', type: 'urn:tthc:error:INVALID_DIAGRAM' });
    expect(problem.detail).toContain('[');
    expect(problem.error.details.problems.length).toBeGreaterThan(0);

    const wrongPassword = await call('/camunda/v2/deployments', { method: 'POST', body: camunda8Form([{ name: GOOD, contents: corpus(GOOD) }]), auth: basic('demo', 'demo') });
    expect(wrongPassword.status).toBe(401);
    expect((await json(wrongPassword)).code).toBe('INVALID_CREDENTIALS');
  });
});
