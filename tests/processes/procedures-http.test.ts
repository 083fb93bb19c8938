/**
 * Issue 12 over HTTP, on the real procedures of processes/: the building permit counts
 * "15 ngày" as calendar days across Ngày Văn hóa Việt Nam (Saturday 24/11/2029, in lieu
 * Monday 26/11), the social allowance is decided by the commune chairman at the commune,
 * and the province setting DEADLINE_END moves the due instant and the SLA class together.
 *
 * The service clock is injected and set in 2029, ahead of the wall clock, so deadline jobs
 * stay delayed for the whole run and nothing fires behind the test's back.
 */
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vnTime } from '../../src/calendar/index.js';
import { EXAMPLES } from '../fixtures/dossier-examples.js';
import { eventually, isolatedEnv, startService } from '../support/harness.js';

interface CaseBody {
  status: string;
  tasks: { id: string; activityId: string; unitId: string | null; name: string }[];
  deadline: { statutoryTime: string; dueAt: string } | null;
  sla: { class: string; dueAt: string } | null;
}
interface Dossier {
  id: string;
  status: { code: number };
  case: CaseBody;
}

/** One service with its own database, Redis prefix, injected clock and DEADLINE_END. */
async function desk(label: string, deadlineEnd: 'clock-time' | 'end-of-day') {
  let clock = vnTime('2029-11-09', '09:00');
  const svc = await startService(label, { env: { ...isolatedEnv(label), DEADLINE_END: deadlineEnd }, now: () => new Date(clock.getTime()) });
  await svc.container.publishDirectory('processes');
  const call = (opts: InjectOptions) => svc.inject(opts);
  const json = <T>(res: { body: string }) => JSON.parse(res.body) as T;
  const get = async (id: string) => json<Dossier>(await call({ method: 'GET', url: `/v1/dossiers/${id}` }));
  return {
    svc,
    setClock: (date: string, time: string) => void (clock = vnTime(date, time)),
    get,
    async receive(procedureKey: string, receivingUnitId: string): Promise<Dossier> {
      const res = await call({
        method: 'POST',
        url: '/v1/dossiers',
        payload: { procedureKey, applicant: { name: 'Trần Văn Bình', phone: '0912345678' }, data: EXAMPLES[procedureKey]!.valid, channel: 'in-person', receivingUnitId },
      });
      expect(res.statusCode, res.body).toBe(201);
      return json<Dossier>(res);
    },
    async complete(id: string, activityId: string, data: Record<string, unknown> = {}) {
      const task = await eventually(async () => (await get(id)).case.tasks.find((t) => t.activityId === activityId), 30_000);
      const res = await call({ method: 'POST', url: `/v1/tasks/${task.id}/complete`, payload: { data } });
      expect(res.statusCode, res.body).toBe(200);
      return task;
    },
    async operation(id: string, op: string, payload: Record<string, unknown> = {}) {
      const res = await call({ method: 'POST', url: `/v1/dossiers/${id}/${op}`, payload });
      expect(res.statusCode, res.body).toBe(200);
    },
  };
}

type Desk = Awaited<ReturnType<typeof desk>>;

/** Building permit main path, finished at `finish` (local date, time). */
async function buildingPermit(d: Desk, finish: [string, string]) {
  d.setClock('2029-11-09', '09:00'); // Friday
  const dossier = await d.receive('building-permit', 'xa-dong-lua');
  expect(dossier.case.deadline?.statutoryTime).toBe('15 calendar days');
  const dueAt = dossier.case.deadline?.dueAt;
  await d.complete(dossier.id, 'Activity_Receive');
  await d.complete(dossier.id, 'Activity_Review', { complete: true });
  await d.complete(dossier.id, 'Activity_Approve', { approved: true, feeAmount: 150000 });
  // Portal status 6: waiting for the fee, clock stopped.
  await eventually(async () => ((await d.get(dossier.id)).status.code === 6 ? true : undefined), 30_000);
  await d.operation(dossier.id, 'payment-received', { data: { paidAmount: 150000 } });
  await d.complete(dossier.id, 'Activity_Issue', { permitNumber: 'GPXD-29/001' });
  d.setClock(...finish);
  await d.complete(dossier.id, 'Activity_Return');
  const done = await eventually(async () => {
    const c = (await d.get(dossier.id)).case;
    return c.status === 'completed' ? c : undefined;
  }, 30_000);
  return { dueAt, done };
}

describe('real procedures over HTTP, DEADLINE_END=clock-time (default)', () => {
  let d: Desk;
  beforeAll(async () => {
    d = await desk('issue12-clock', 'clock-time');
  }, 120_000);
  afterAll(async () => d?.svc.destroy());

  it('building permit: 15 calendar days from Friday 09/11/2029 end on Tuesday 27/11 (24/11 Saturday, in lieu Monday 26/11)', async () => {
    const { dueAt, done } = await buildingPermit(d, ['2029-11-27', '12:00']);
    expect(dueAt).toBe(vnTime('2029-11-27', '09:00').toISOString());
    // Returned at 12:00 on the due day: after the due instant, so late.
    expect(done.sla).toMatchObject({ class: 'late', dueAt });
  }, 120_000);

  it('social allowance: decided by the commune chairman, at the commune; 10 working days skip 26/11/2029', async () => {
    d.setClock('2029-11-19', '09:00'); // Monday
    const dossier = await d.receive('social-allowance', 'xa-nui-may');
    expect(dossier.case.deadline?.dueAt).toBe(vnTime('2029-12-04', '09:00').toISOString());
    await d.complete(dossier.id, 'Activity_Receive');
    await d.complete(dossier.id, 'Activity_CommuneReview', { complete: true });
    const appraisal = await d.complete(dossier.id, 'Activity_Appraisal', { result: 'đủ điều kiện' });
    const decision = await d.complete(dossier.id, 'Activity_Decision', { approved: true, monthlyAmount: 750000, startMonth: '2029-12' });
    // Every step stays with the receiving commune: no provincial department.
    expect(appraisal.unitId).toBe('xa-nui-may');
    expect(decision.unitId).toBe('xa-nui-may');
    expect(decision.name).toMatch(/Chủ tịch UBND cấp xã/);
    d.setClock('2029-11-30', '10:00');
    await d.complete(dossier.id, 'Activity_Return');
    const done = await eventually(async () => {
      const c = (await d.get(dossier.id)).case;
      return c.status === 'completed' ? c : undefined;
    }, 30_000);
    expect(done.sla?.class).toBe('early');
  }, 120_000);
});

describe('real procedures over HTTP, DEADLINE_END=end-of-day', () => {
  let d: Desk;
  beforeAll(async () => {
    d = await desk('issue12-eod', 'end-of-day');
  }, 120_000);
  afterAll(async () => d?.svc.destroy());

  it('the same building permit is due at the close of Tuesday 27/11 and, returned at 12:00, on time', async () => {
    const { dueAt, done } = await buildingPermit(d, ['2029-11-27', '12:00']);
    expect(dueAt).toBe(vnTime('2029-11-27', '17:00').toISOString());
    expect(done.sla).toMatchObject({ class: 'on-time', dueAt });
  }, 120_000);
});
