import { readFileSync } from 'node:fs';
import type { InjectOptions } from 'fastify';
import { Queue } from 'bullmq';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey } from '../support/auth.js';
import { eventually, isolatedEnv, startService, type TestService } from '../support/harness.js';

const xml = readFileSync('tests/fixtures/dossiers/simple-permit.bpmn', 'utf8');
const schema = JSON.parse(readFileSync('tests/fixtures/dossiers/simple-permit.schema.json', 'utf8')) as object;

interface Dossier {
  id: string;
  code: string;
  status: { code: number; name: string };
  receivedAt: string | null;
  dueAt: string | null;
  currentUnitId: string;
  supplements: { receivedAt: string | null; phase: string }[];
  case: { status: string; tasks: { id: string; activityId: string }[]; deadline: { paused: boolean; dueAt: string } | null };
}

const units = [
  { id: 'tinh-test', code: '000.00.00.H98', name: 'UBND tỉnh Test', kind: 'province', parentId: null },
  { id: 'xa-a', code: '000.00.31.H98', name: 'UBND xã A', kind: 'commune', parentId: 'tinh-test' },
  { id: 'xa-b', code: '000.00.32.H98', name: 'UBND xã B', kind: 'commune', parentId: 'tinh-test' },
  { id: 'so-xd', code: '000.00.10.H98', name: 'Sở Xây dựng', kind: 'department', parentId: 'tinh-test' },
];

describe('dossiers: receipt, codes, lifecycle, tracking sheet, migration, reassignment', () => {
  const env = isolatedEnv('dossiers');
  let a: TestService;
  let b: TestService;
  const body = <T = Dossier>(res: { body: string }) => JSON.parse(res.body) as T;
  const call = (opts: InjectOptions, svc: TestService = a) => svc.inject(opts);
  const op = (id: string, operation: string, payload: Record<string, unknown> = {}) =>
    call({ method: 'POST', url: `/v1/dossiers/${id}/${operation}`, payload });
  const receive = async (extra: Record<string, unknown> = {}, svc: TestService = a) => {
    const res = await call(
      {
        method: 'POST',
        url: '/v1/dossiers',
        payload: {
          procedureKey: 'simple-permit',
          applicant: { name: 'Trần Thị B', phone: '0901234567' },
          data: { plot: '12/34', area: 120 },
          channel: 'in-person',
          receivingUnitId: 'xa-a',
          ...extra,
        },
      },
      svc,
    );
    expect(res.statusCode, res.body).toBe(201);
    return body(res);
  };
  const get = async (id: string) => body(await call({ method: 'GET', url: `/v1/dossiers/${id}` }));
  const completeTask = async (id: string, activityId: string, data: Record<string, unknown>) => {
    const d = await get(id);
    const task = d.case.tasks.find((t) => t.activityId === activityId);
    expect(task, `open ${activityId}`).toBeTruthy();
    const res = await call({ method: 'POST', url: `/v1/tasks/${task!.id}/complete`, payload: { data } });
    expect(res.statusCode, res.body).toBe(200);
    return get(id);
  };

  beforeAll(async () => {
    a = await startService('dossiers', { env });
    b = await startService('dossiers', { env });
    for (const unit of units) {
      const res = await call({ method: 'POST', url: '/v1/units', payload: unit });
      expect(res.statusCode, res.body).toBe(201);
    }
    const published = await call({ method: 'POST', url: '/v1/procedures', payload: { xml, schema } });
    expect(published.statusCode, published.body).toBe(201);
  }, 60_000);
  afterAll(async () => {
    await b?.close();
    await a?.destroy();
  });

  it('receives a dossier: code, appointment date, processing, portal records', async () => {
    const d = await receive();
    expect(d.code).toMatch(/^000\.00\.31\.H98-\d{6}-\d{4}$/);
    expect(d.status).toEqual({ code: 4, name: 'processing' });
    expect(d.receivedAt).not.toBeNull();
    expect(d.dueAt).not.toBeNull();
    expect(d.case.tasks.map((t) => t.activityId)).toEqual(['review']);
    const invalid = await call({
      method: 'POST',
      url: '/v1/dossiers',
      payload: { procedureKey: 'simple-permit', applicant: { name: 'X' }, data: { plot: 1 }, channel: 'online', receivingUnitId: 'xa-a' },
    });
    expect(invalid.statusCode).toBe(422);
    expect(body<{ error: { code: string } }>(invalid).error.code).toBe('INVALID_DOSSIER_DATA');
    const unknownUnit = await call({
      method: 'POST',
      url: '/v1/dossiers',
      payload: { procedureKey: 'simple-permit', applicant: { name: 'X' }, data: { plot: 'a', area: 1 }, channel: 'online', receivingUnitId: 'nowhere' },
    });
    expect(unknownUnit.statusCode).toBe(422);
  });

  it('hands out unique codes under concurrent receipts from two service instances', async () => {
    const results = await Promise.all(Array.from({ length: 16 }, (_, i) => receive({ receivingUnitId: 'xa-b' }, i % 2 ? a : b)));
    const codes = results.map((d) => d.code);
    expect(new Set(codes).size).toBe(16);
    const sequences = codes.map((c) => Number(c.slice(-4))).sort((x, y) => x - y);
    expect(sequences).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
  });

  it('walks the supplement loop: status 5 with the clock stopped, then processing again', async () => {
    const d = await receive();
    const waiting = await completeTask(d.id, 'review', { complete: false, missing: ['land-use certificate'], note: 'thiếu giấy tờ' });
    expect(waiting.status.code).toBe(5);
    expect(waiting.case.deadline!.paused).toBe(true);
    expect(waiting.supplements).toHaveLength(1);
    const back = body(await op(d.id, 'supplement-received', { note: 'đã bổ sung' }));
    expect(back.status.code).toBe(4);
    expect(back.case.deadline!.paused).toBe(false);
    expect(back.supplements[0]!.receivedAt).not.toBeNull();
    await completeTask(d.id, 'review', { complete: true });
    const finished = await completeTask(d.id, 'decide', { approved: true, result: 'approved' });
    expect(finished.status.code).toBe(9);
    const returned = body(await op(d.id, 'return-result', { note: 'trả tại quầy' }));
    expect(returned.status.code).toBe(10);

    const sheet = body<{ rows: { kind: string; step: string; from: { unit: string } }[]; code: string }>(
      await call({ method: 'GET', url: `/v1/dossiers/${d.id}/tracking-sheet` }),
    );
    expect(sheet.code).toBe(d.code);
    // Task hand-overs; the lifecycle events (receipt, supplement, return) have rows of their own.
    const steps = sheet.rows.filter((r) => r.kind === 'task');
    expect(steps.map((r) => r.step)).toEqual(['Review', 'Review', 'Decide']);
    expect(steps[0]!.from.unit).toBe('UBND xã A');
    const html = await call({ method: 'GET', url: `/v1/dossiers/${d.id}/tracking-sheet?format=html` });
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.body).toContain('PHIẾU KIỂM SOÁT');
    expect(html.body).toContain(d.code);

    const client = new MongoClient(env.MONGODB_URL);
    const outbox = await client.db().collection<{ payloadJson: string }>('portal_outbox').find({ dossierId: d.id }).sort({ seq: 1 }).toArray();
    await client.close();
    expect(outbox.map((r) => Number(JSON.parse(r.payloadJson).TrangThaiHoSo))).toEqual([2, 4, 5, 4, 9, 10]);

    // The applicant heard of the receipt, the supplement request and the result, through the plugin.
    const notices = await eventually(async () => {
      const c2 = new MongoClient(env.MONGODB_URL);
      const docs = await c2.db().collection<{ topic: string; deliveredAt: string | null }>('notifications').find({ caseId: d.id }).toArray();
      await c2.close();
      return docs.length === 3 && docs.every((n) => n.deliveredAt) ? docs : undefined;
    });
    expect(notices.map((n) => n.topic).sort()).toEqual(['applicant.receipt', 'applicant.result-ready', 'applicant.supplement-requested']);
  });

  /** A dossier brought to each portal status, to try every operation from it. */
  async function inStatus(status: number, beforeReceipt = false): Promise<Dossier> {
    switch (status) {
      case 1:
        return receive({ receive: false, channel: 'online' });
      case 3: {
        const d = await receive({ receive: false });
        return body(await op(d.id, 'refuse', { reason: 'out of scope' }));
      }
      case 4:
        return receive();
      case 5: {
        if (beforeReceipt) {
          const d = await receive({ receive: false });
          return body(await op(d.id, 'supplement-request', { reason: 'missing copy', items: ['copy'] }));
        }
        const d = await receive();
        return body(await op(d.id, 'supplement-request', { reason: 'missing plan', items: ['plan'] }));
      }
      case 6: {
        const d = await receive();
        return body(await op(d.id, 'payment-request', { reason: 'permit fee', amount: 75000 }));
      }
      case 7: {
        const d = await receive();
        return body(await op(d.id, 'withdraw', { reason: 'applicant request' }));
      }
      case 8: {
        const d = await receive();
        return body(await op(d.id, 'stop', { reason: 'court case' }));
      }
      case 9: {
        const d = await receive();
        await completeTask(d.id, 'review', { complete: true });
        return completeTask(d.id, 'decide', {});
      }
      case 10: {
        const d = await inStatus(9);
        return body(await op(d.id, 'return-result', {}));
      }
      default:
        throw new Error(`no recipe for status ${status}`);
    }
  }

  const payloads: Record<string, Record<string, unknown>> = {
    receive: {},
    refuse: { reason: 'out of scope' },
    'supplement-request': { reason: 'missing', items: ['x'] },
    'supplement-received': { note: 'ok' },
    'payment-request': { reason: 'fee', amount: 1000 },
    'payment-received': {},
    stop: { reason: 'stop' },
    withdraw: { reason: 'withdraw' },
    transfer: { toUnitId: 'so-xd', note: 'liên thông' },
    'transfer-return': { note: 'back', result: 'agreed' },
    'return-result': {},
  };
  const allowed: Record<string, string[]> = {
    '1': ['receive', 'refuse', 'supplement-request', 'withdraw'],
    '3': [],
    '4': ['supplement-request', 'payment-request', 'stop', 'withdraw', 'transfer'],
    '5-before': ['refuse', 'supplement-received', 'withdraw'],
    '5': ['supplement-received', 'stop', 'withdraw'],
    '6': ['payment-received', 'stop', 'withdraw'],
    '7': [],
    '8': [],
    '9': ['return-result'],
    '10': [],
  };

  it('allows each lifecycle operation only from the right states (409 otherwise, nothing changed)', async () => {
    // A refused operation changes nothing, so one dossier per state takes all of them; each
    // allowed operation gets a fresh dossier in that state. States run concurrently.
    await Promise.all(
      Object.entries(allowed).map(async ([state, ops]) => {
        const make = () => inStatus(Number(state.split('-')[0]), state.endsWith('before'));
        const shared = await make();
        for (const operation of Object.keys(payloads)) {
          const allowedHere = ops.includes(operation);
          const d = allowedHere ? await make() : shared;
          const res = await op(d.id, operation, payloads[operation]);
          expect({ state, operation, status: res.statusCode }, res.body).toEqual({ state, operation, status: allowedHere ? 200 : 409 });
          if (!allowedHere) {
            expect(body<{ error: { code: string } }>(res).error.code).toMatch(/INVALID_TRANSITION|NOT_TRANSFERRED/);
            expect((await get(d.id)).status.code).toBe(d.status.code);
          }
        }
      }),
    );
  }, 120_000);

  it('transfers to a provincial department and back: tasks follow, hand-overs recorded', async () => {
    const d = await receive();
    const there = body(await op(d.id, 'transfer', { toUnitId: 'so-xd', note: 'xin ý kiến' }));
    expect(there.currentUnitId).toBe('so-xd');
    const tasks = body<{ items: { unitId: string | null }[] }>(await call({ method: 'GET', url: `/v1/tasks?caseId=${d.id}` })).items;
    expect(tasks.map((t) => t.unitId)).toEqual(['so-xd']);
    const back = body(await op(d.id, 'transfer-return', { result: 'đồng ý', note: 'ý kiến thống nhất' }));
    expect(back.currentUnitId).toBe('xa-a');
    const sheet = body<{ rows: { kind: string; step: string; result: string }[] }>(await call({ method: 'GET', url: `/v1/dossiers/${d.id}/tracking-sheet` }));
    expect(sheet.rows.filter((r) => r.kind === 'transfer').map((r) => r.result)).toEqual(['Đã chuyển', 'đồng ý']);
  });

  it('reassigns running dossiers of a dissolved unit to its successor, timers and all', async () => {
    await call({ method: 'POST', url: '/v1/units', payload: { id: 'huyen-cu', code: '000.00.20.H98', name: 'Huyện cũ', kind: 'other', parentId: 'tinh-test' } });
    const d = await receive({ receivingUnitId: 'huyen-cu' });
    const timers = new Queue('timers', { connection: { url: env.REDIS_URL }, prefix: env.REDIS_PREFIX });
    const timerJobs = (await timers.getDelayed()).filter((j) => j.data.caseId === d.id);
    expect(timerJobs).toHaveLength(1); // the review reminder
    const dissolved = await call({ method: 'POST', url: '/v1/units/huyen-cu/dissolve', payload: { successorIds: ['xa-b'] } });
    expect(dissolved.statusCode, dissolved.body).toBe(200);
    const res = await call({ method: 'POST', url: '/v1/units/huyen-cu/reassign', payload: { toUnitId: 'xa-b' } });
    expect(body<{ caseIds: string[] }>(res).caseIds).toContain(d.id);
    const moved = await get(d.id);
    expect(moved).toMatchObject({ code: d.code, receivedAt: d.receivedAt, dueAt: d.dueAt, currentUnitId: 'xa-b' });
    const tasks = body<{ items: { unitId: string | null }[] }>(await call({ method: 'GET', url: `/v1/tasks?caseId=${d.id}` })).items;
    expect(tasks.map((t) => t.unitId)).toEqual(['xa-b']);
    expect((await timers.getDelayed()).filter((j) => j.data.caseId === d.id).map((j) => j.id)).toEqual(timerJobs.map((j) => j.id));
    await timers.close();
    const history = body<{ items: { type: string }[] }>(await call({ method: 'GET', url: `/v1/cases/${d.id}/history` })).items;
    expect(history.map((h) => h.type)).toContain('dossier.reassigned');
    const refused = await receive({ receivingUnitId: 'xa-b' }).then(() =>
      call({ method: 'POST', url: '/v1/dossiers', payload: { procedureKey: 'simple-permit', applicant: { name: 'X' }, data: { plot: 'a', area: 1 }, channel: 'online', receivingUnitId: 'huyen-cu' } }),
    );
    expect(body<{ error: { code: string } }>(refused).error.code).toBe('UNIT_DISSOLVED');
  });

  it('migrates a running case to a new version with an activity mapping', async () => {
    const d = await receive();
    const v2 = xml.replace(/"review"/g, '"examine"').replace('name="Review"', 'name="Examine"');
    const published = await call({ method: 'POST', url: '/v1/procedures', payload: { xml: v2, schema } });
    expect(body<{ version: number }>(published).version).toBe(2);
    const bad = await call({ method: 'POST', url: `/v1/cases/${d.id}/migrate`, payload: { toVersion: 2 } });
    expect(bad.statusCode).toBe(422);
    const res = await call({ method: 'POST', url: `/v1/cases/${d.id}/migrate`, payload: { toVersion: 2, activityMapping: { review: 'examine' } } });
    expect(res.statusCode, res.body).toBe(200);
    const migrated = await get(d.id);
    expect(migrated.case.tasks.map((t) => t.activityId)).toEqual(['examine']);
    const done = await completeTask(d.id, 'examine', { complete: true });
    expect(done.case.tasks.map((t) => t.activityId)).toEqual(['decide']);
    const history = body<{ items: { type: string }[] }>(await call({ method: 'GET', url: `/v1/cases/${d.id}/history` })).items;
    expect(history.map((h) => h.type)).toContain('case.migrated');
  });

  it("keeps each commune's dossiers and tasks from other communes' officials; supervisors see the units below", async () => {
    const deskA = await createKey(a, 'desk-officer', ['xa-a']);
    const specialistA = await createKey(a, 'specialist', ['xa-a']);
    const specialistB = await createKey(a, 'specialist', ['xa-b']);
    const supervisor = await createKey(a, 'supervisor', ['tinh-test']);
    const created = await deskA.inject({
      method: 'POST',
      url: '/v1/dossiers',
      payload: { procedureKey: 'simple-permit', applicant: { name: 'Lê C' }, data: { plot: '9', area: 50 }, channel: 'in-person', receivingUnitId: 'xa-a' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const d = body(created);
    const taskId = d.case.tasks[0]!.id;

    const denied: InjectOptions[] = [
      { method: 'GET', url: `/v1/dossiers/${d.id}` },
      { method: 'GET', url: `/v1/dossiers/${d.id}/tracking-sheet` },
      { method: 'POST', url: `/v1/dossiers/${d.id}/withdraw`, payload: { reason: 'x' } },
      { method: 'GET', url: `/v1/cases/${d.id}` },
      { method: 'GET', url: `/v1/cases/${d.id}/history` },
      { method: 'POST', url: `/v1/cases/${d.id}/messages`, payload: { name: 'supplement' } },
      { method: 'GET', url: `/v1/tasks/${taskId}` },
      { method: 'POST', url: `/v1/tasks/${taskId}/complete`, payload: { data: { complete: true } } },
    ];
    for (const request of denied) {
      const res = await specialistB.inject(request);
      expect({ url: request.url, method: request.method, status: res.statusCode }).toEqual({ url: request.url, method: request.method, status: 404 });
    }
    const listB = body<{ items: { id: string }[] }>(await specialistB.inject({ method: 'GET', url: '/v1/dossiers?limit=200' }));
    expect(listB.items.map((x) => x.id)).not.toContain(d.id);
    const tasksB = body<{ items: { caseId: string }[] }>(await specialistB.inject({ method: 'GET', url: `/v1/tasks?caseId=${d.id}` }));
    expect(tasksB.items).toEqual([]);
    const casesB = body<{ items: { id: string }[] }>(await specialistB.inject({ method: 'GET', url: '/v1/cases?limit=200' }));
    expect(casesB.items.map((x) => x.id)).not.toContain(d.id);
    expect((await get(d.id)).status.code).toBe(4); // nothing changed

    expect((await supervisor.inject({ method: 'GET', url: `/v1/dossiers/${d.id}` })).statusCode).toBe(200);
    const done = await specialistA.inject({ method: 'POST', url: `/v1/tasks/${taskId}/complete`, payload: { data: { complete: true } } });
    expect(done.statusCode, done.body).toBe(200);
    const history = body<{ items: { type: string; by: string | null }[] }>(await supervisor.inject({ method: 'GET', url: `/v1/cases/${d.id}/history` })).items;
    expect(history.find((h) => h.type === 'task.completed')?.by).toBe(specialistA.id);
  });

  it('receives once per Idempotency-Key, even when the desk retries concurrently', async () => {
    const payload = { procedureKey: 'simple-permit', applicant: { name: 'Đỗ D' }, data: { plot: '7', area: 70 }, channel: 'post', receivingUnitId: 'xa-a' };
    const headers = { 'idempotency-key': `desk-xa-a-${Date.now()}` };
    const results = await Promise.all(Array.from({ length: 4 }, () => call({ method: 'POST', url: '/v1/dossiers', payload, headers })));
    expect(new Set(results.map((r) => body(r).id)).size).toBe(1);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 201]);
    expect(body(results[0]!).status.code).toBe(4);
    const other = await call({ method: 'POST', url: '/v1/dossiers', payload: { ...payload, data: { plot: '8', area: 70 } }, headers });
    expect(body<{ error: { code: string } }>(other).error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('starts processing of a received dossier whose process died between receipt and processing', async () => {
    const d = await receive({ receive: false });
    // The state a crash between the receipt's two commits leaves: received, no engine.
    const client = new MongoClient(env.MONGODB_URL);
    const old = new Date(Date.now() - 120_000).toISOString();
    await client.db().collection('cases').updateOne({ _id: d.id as never }, { $set: { 'dossier.status': 2, 'dossier.receivedAt': old, updatedAt: old } });
    await client.close();
    const started = await eventually(async () => {
      const cur = await get(d.id);
      return cur.status.code === 4 ? cur : undefined;
    }, 20_000, 250);
    expect(started.case.tasks).toHaveLength(1); // the first review step (on the newest version)
  }, 30_000);
});
