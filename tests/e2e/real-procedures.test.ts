import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES } from '../fixtures/dossier-examples.js';
import { eventually, startService, type TestService } from '../support/harness.js';

interface Dossier {
  id: string;
  code: string;
  status: { code: number };
  currentUnitId: string;
  case: { status: string; tasks: { id: string; activityId: string; unitId: string | null }[]; deadline: { paused: boolean; late: boolean } | null; sla: { class: string } | null };
}

/** The procedures of processes/ driven as a desk would, over the HTTP API. */
describe('the real procedures, dossier by dossier', () => {
  let svc: TestService;
  const body = <T = Dossier>(res: { body: string }) => JSON.parse(res.body) as T;
  const call = (opts: InjectOptions) => svc.inject(opts);
  const get = async (id: string) => body(await call({ method: 'GET', url: `/v1/dossiers/${id}` }));

  async function receive(procedureKey: string, receivingUnitId: string, extra: Record<string, unknown> = {}) {
    const res = await call({
      method: 'POST',
      url: '/v1/dossiers',
      payload: { procedureKey, applicant: { name: 'Nguyễn Thị Hoa', phone: '0987654321' }, data: EXAMPLES[procedureKey]!.valid, channel: 'in-person', receivingUnitId, ...extra },
    });
    expect(res.statusCode, res.body).toBe(201);
    return body(res);
  }

  /** Waits until the task is open (plugins run in between), then completes it. */
  async function complete(id: string, activityId: string, data: Record<string, unknown> = {}) {
    const task = await eventually(async () => (await get(id)).case.tasks.find((t) => t.activityId === activityId));
    const res = await call({ method: 'POST', url: `/v1/tasks/${task.id}/complete`, payload: { data } });
    expect(res.statusCode, res.body).toBe(200);
    return task;
  }

  const statusOf = (id: string, code: number) => eventually(async () => ((await get(id)).status.code === code ? get(id) : undefined));
  const op = async (id: string, operation: string, payload: Record<string, unknown> = {}) => {
    const res = await call({ method: 'POST', url: `/v1/dossiers/${id}/${operation}`, payload });
    expect(res.statusCode, res.body).toBe(200);
    return body(res);
  };

  beforeAll(async () => {
    svc = await startService('procedures');
    await svc.container.publishDirectory('processes'); // units.json seed + the five procedures
  }, 60_000);
  afterAll(async () => svc?.destroy());

  it('building permit: supplement, fee, issue, return — portal statuses 4 → 5 → 4 → 6 → 4 → 9 → 10', async () => {
    const d = await receive('building-permit', 'xa-dong-lua');
    expect(d.code).toMatch(/^000\.00\.33\.H99-\d{6}-\d{4}$/);
    await complete(d.id, 'Activity_Receive');
    await complete(d.id, 'Activity_Review', { complete: false, missing: ['Bản vẽ mặt bằng'], note: 'thiếu bản vẽ' });
    const waiting = await statusOf(d.id, 5);
    expect(waiting.case.deadline!.paused).toBe(true);
    await op(d.id, 'supplement-received', { note: 'đã nộp bản vẽ' });
    await complete(d.id, 'Activity_Review', { complete: true });
    await complete(d.id, 'Activity_Approve', { approved: true, feeAmount: 150000 });
    const fee = await statusOf(d.id, 6);
    expect(fee.case.deadline!.paused).toBe(true);
    await op(d.id, 'payment-received', { data: { paidAmount: 150000 } });
    await complete(d.id, 'Activity_Issue', { permitNumber: 'GPXD-001' });
    await complete(d.id, 'Activity_Return', { result: 'đã trả' });
    const finished = await statusOf(d.id, 9);
    expect(finished.case.sla?.class).not.toBe('late');
    expect((await op(d.id, 'return-result')).status.code).toBe(10);
    const sheet = body<{ rows: { step: string }[] }>(await call({ method: 'GET', url: `/v1/dossiers/${d.id}/tracking-sheet` }));
    expect(sheet.rows.length).toBeGreaterThanOrEqual(6);
  });

  it('birth registration: refused at the desk before receipt (3), and refused after review through the diagram', async () => {
    const online = await receive('birth-registration', 'phuong-trung-tam', { receive: false, channel: 'online' });
    expect(online.status.code).toBe(1);
    expect((await op(online.id, 'refuse', { reason: 'không thuộc thẩm quyền' })).status.code).toBe(3);

    const d = await receive('birth-registration', 'phuong-trung-tam');
    await complete(d.id, 'Activity_Receive');
    await complete(d.id, 'Activity_Review', { complete: true });
    await complete(d.id, 'Activity_Sign', { approved: false, reason: 'giấy chứng sinh không hợp lệ' });
    const ended = await statusOf(d.id, 9);
    expect(ended.case.status).toBe('completed');
  });

  it('social allowance: reviewed, appraised and decided by the commune chairman at the commune (Decree 147/2025 art. 5(1))', async () => {
    const d = await receive('social-allowance', 'xa-nui-may');
    await complete(d.id, 'Activity_Receive');
    await complete(d.id, 'Activity_CommuneReview', { complete: true });
    const appraisal = await complete(d.id, 'Activity_Appraisal', { result: 'đủ điều kiện' });
    expect(appraisal.unitId).toBe('xa-nui-may');
    const decision = await complete(d.id, 'Activity_Decision', { approved: true });
    expect(decision.unitId).toBe('xa-nui-may');
    const back = await complete(d.id, 'Activity_Return');
    expect(back.unitId).toBe('xa-nui-may');
    await statusOf(d.id, 9);
    const sheet = body<{ rows: { from: { unit: string | null }; to: { unit: string | null } }[] }>(
      await call({ method: 'GET', url: `/v1/dossiers/${d.id}/tracking-sheet` }),
    );
    // No provincial department any more: every handover stays inside the commune.
    for (const r of sheet.rows) for (const unit of [r.from.unit, r.to.unit]) if (unit) expect(unit).not.toMatch(/Sở/);
  });

  it('household business: late with an apology and a new appointment date; it stays counted late', async () => {
    const d = await receive('household-business-registration', 'phuong-ben-song');
    const dueAt = (await call({ method: 'GET', url: `/v1/cases/${d.id}` }).then((r) => body<{ deadline: { dueAt: string } }>(r))).deadline.dueAt;
    const newDueAt = new Date(new Date(dueAt).getTime() + 2 * 86_400_000).toISOString();
    const res = await call({ method: 'POST', url: `/v1/cases/${d.id}/apologies`, payload: { reason: 'chờ xác minh địa điểm', newDueAt } });
    expect(res.statusCode, res.body).toBe(200);
    await complete(d.id, 'Activity_Receive');
    await complete(d.id, 'Activity_Review', { complete: true });
    await complete(d.id, 'Activity_Approve', { approved: true });
    await complete(d.id, 'Activity_Return');
    const done = await statusOf(d.id, 9);
    expect(done.case.sla?.class).toBe('late');
    const portal = await op(d.id, 'return-result');
    expect(portal.status.code).toBe(10);
  });
});
