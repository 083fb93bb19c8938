/**
 * The interconnected group (Decree 63/2024/NĐ-CP) over HTTP: a commune desk receives the
 * dossier, the commune registers the birth, the commune police (residence) and the
 * provincial social insurance (card) work their parts in parallel, each seeing only its own
 * tasks, and the desk returns the result; the appointment date is 3 working days, 15:00 cut-off.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey, type TestKey } from '../support/auth.js';
import { EXAMPLES } from '../fixtures/dossier-examples.js';
import { vnTime } from '../../src/calendar/index.js';
import { eventually, isolatedEnv, startService, type TestService } from '../support/harness.js';

const KEY = 'birth-residence-insurance';
const COMMUNE = 'phuong-trung-tam';
const POLICE = 'cong-an-phuong-trung-tam';
const BHXH = 'bhxh-tinh-mau';

interface Task {
  id: string;
  caseId: string;
  activityId: string;
  unitId: string | null;
}
interface Dossier {
  id: string;
  code: string;
  receivedAt: string;
  dueAt: string;
  status: { code: number };
  case: { status: string; tasks: Task[]; deadline: { dueAt: string; statutoryTime: string; paused: boolean } | null; sla: { class: string } | null };
}

const body = <T>(res: { body: string }) => JSON.parse(res.body) as T;

describe('interconnected birth + residence + health-insurance card (Decree 63/2024)', () => {
  let svc: TestService;
  let desk: TestKey, civilStatus: TestKey, chairman: TestKey, police: TestKey, policeHead: TestKey, insurance: TestKey, insuranceHead: TestKey, otherCommune: TestKey;

  beforeAll(async () => {
    svc = await startService('interconnected');
    await svc.container.publishDirectory('processes'); // units.json seed + every shipped procedure
    [desk, civilStatus, chairman, police, policeHead, insurance, insuranceHead, otherCommune] = await Promise.all([
      createKey(svc, 'desk-officer', [COMMUNE], 'Một cửa phường Trung Tâm'),
      createKey(svc, 'specialist', [COMMUNE], 'Công chức tư pháp - hộ tịch'),
      createKey(svc, 'leader', [COMMUNE], 'Chủ tịch UBND phường'),
      createKey(svc, 'specialist', [POLICE], 'Cán bộ đăng ký cư trú'),
      createKey(svc, 'leader', [POLICE], 'Trưởng Công an phường'),
      createKey(svc, 'specialist', [BHXH], 'Cán bộ thu BHXH'),
      createKey(svc, 'leader', [BHXH], 'Giám đốc BHXH tỉnh'),
      createKey(svc, 'specialist', ['phuong-ben-song'], 'Công chức phường Bến Sông'),
    ]);
  }, 90_000);
  afterAll(async () => svc?.destroy());

  const tasksSeenBy = async (key: TestKey, caseId: string): Promise<Task[]> => {
    const res = await key.inject({ method: 'GET', url: `/v1/tasks?caseId=${caseId}` });
    expect(res.statusCode, res.body).toBe(200);
    return body<{ items: Task[] }>(res).items;
  };

  /** Waits until `key` sees the open task, completes it as `key`, returns it. */
  async function work(key: TestKey, caseId: string, activityId: string, data: Record<string, unknown> = {}): Promise<Task> {
    const task = await eventually(async () => (await tasksSeenBy(key, caseId)).find((t) => t.activityId === activityId), 20_000);
    const res = await key.inject({ method: 'POST', url: `/v1/tasks/${task.id}/complete`, payload: { data } });
    expect(res.statusCode, res.body).toBe(200);
    return task;
  }

  const dossier = async (id: string) => body<Dossier>(await desk.inject({ method: 'GET', url: `/v1/dossiers/${id}` }));

  async function receive(): Promise<Dossier> {
    const res = await desk.inject({
      method: 'POST',
      url: '/v1/dossiers',
      payload: { procedureKey: KEY, applicant: { name: 'Phạm Thị Thu', phone: '0912345678' }, data: EXAMPLES[KEY]!.valid, channel: 'in-person', receivingUnitId: COMMUNE },
    });
    expect(res.statusCode, res.body).toBe(201);
    return body<Dossier>(res);
  }

  it('receives at the commune desk, hands the parts to their units in turn and in parallel, and returns the result', async () => {
    const d = await receive();
    expect(d.code).toMatch(/^000\.00\.31\.H99-\d{6}-\d{4}$/);

    // Appointment date: 3 working days from receipt, a receipt after 15:00 counting from the next
    // working day. The case clock starts a moment after the receipt is recorded, so the due
    // instant lies between the calendar's answers for the receipt and for a minute later.
    const calendarDue = async (start: Date) => {
      const res = await svc.inject({ method: 'GET', url: `/v1/calendar/due?start=${encodeURIComponent(start.toISOString())}&workingDays=3&cutoff=15:00` });
      expect(res.statusCode, res.body).toBe(200);
      return new Date(body<{ dueUtc: string }>(res).dueUtc).getTime();
    };
    const receivedAt = new Date(d.receivedAt);
    const dueAt = new Date(d.dueAt).getTime();
    expect(dueAt).toBeGreaterThanOrEqual(await calendarDue(receivedAt));
    expect(dueAt).toBeLessThanOrEqual(await calendarDue(new Date(receivedAt.getTime() + 60_000)));
    expect(new Date(d.dueAt).getTime() - new Date(d.receivedAt).getTime()).toBeGreaterThan(2 * 86_400_000); // at least three office days away
    expect(d.case.deadline?.statutoryTime).toBe('3 working days');

    // Part 0 and part 1 at the commune: the police and the social insurance see nothing yet.
    const received = await work(desk, d.id, 'Activity_Receive');
    expect(received.unitId).toBe(COMMUNE);
    await eventually(async () => ((await tasksSeenBy(civilStatus, d.id)).some((t) => t.activityId === 'Activity_Review') ? true : undefined));
    expect(await tasksSeenBy(police, d.id)).toEqual([]);
    expect(await tasksSeenBy(insurance, d.id)).toEqual([]);
    expect((await work(civilStatus, d.id, 'Activity_Review', { complete: true, result: 'đã ghi sổ' })).unitId).toBe(COMMUNE);
    expect((await work(chairman, d.id, 'Activity_Sign', { approved: true })).unitId).toBe(COMMUNE);

    // Parts 2 and 3 open together, each only at its own unit.
    const residence = await eventually(async () => (await tasksSeenBy(police, d.id)).find((t) => t.activityId === 'Activity_ResidenceReview'), 20_000);
    const card = await eventually(async () => (await tasksSeenBy(insurance, d.id)).find((t) => t.activityId === 'Activity_CardReview'), 20_000);
    expect(residence.unitId).toBe(POLICE);
    expect(card.unitId).toBe(BHXH);
    expect((await tasksSeenBy(police, d.id)).map((t) => t.activityId)).toEqual(['Activity_ResidenceReview']);
    expect((await tasksSeenBy(insurance, d.id)).map((t) => t.activityId)).toEqual(['Activity_CardReview']);
    expect(await tasksSeenBy(civilStatus, d.id)).toEqual([]);
    expect(await tasksSeenBy(otherCommune, d.id)).toEqual([]);
    // Another unit's task reads as absent and cannot be completed; nothing changes.
    expect((await police.inject({ method: 'GET', url: `/v1/tasks/${card.id}` })).statusCode).toBe(404);
    const foreign = await police.inject({ method: 'POST', url: `/v1/tasks/${card.id}/complete`, payload: { data: {} } });
    expect(foreign.statusCode).toBe(404);
    expect(body<{ error: { code: string } }>(foreign).error.code).toMatch(/NOT_FOUND/);
    expect((await civilStatus.inject({ method: 'POST', url: `/v1/tasks/${residence.id}/complete`, payload: { data: {} } })).statusCode).toBe(404);
    expect((await tasksSeenBy(insurance, d.id)).map((t) => t.id)).toEqual([card.id]);

    // The card part finishes first; the return waits for the residence part (parallel join).
    await work(insurance, d.id, 'Activity_CardReview', { note: 'đã lập danh sách' });
    expect((await work(insuranceHead, d.id, 'Activity_CardIssue', { result: 'Thẻ BHYT TE1990000000001' })).unitId).toBe(BHXH);
    await work(police, d.id, 'Activity_ResidenceReview');
    const afterCard = await dossier(d.id);
    expect(afterCard.case.tasks.map((t) => t.activityId)).not.toContain('Activity_Return');
    expect((await work(policeHead, d.id, 'Activity_ResidenceApprove', { result: 'đã đăng ký thường trú' })).unitId).toBe(POLICE);

    // Back at the receiving desk.
    const back = await work(desk, d.id, 'Activity_Return', { note: 'đã trả Giấy khai sinh và thẻ BHYT' });
    expect(back.unitId).toBe(COMMUNE);
    const finished = await eventually(async () => {
      const now = await dossier(d.id);
      return now.status.code === 9 ? now : undefined;
    }, 20_000);
    expect(finished.case.status).toBe('completed');
    expect(finished.case.sla?.class).not.toBe('late');
    const returned = await desk.inject({ method: 'POST', url: `/v1/dossiers/${d.id}/return-result`, payload: {} });
    expect(returned.statusCode, returned.body).toBe(200);
    expect(body<Dossier>(returned).status.code).toBe(10);

    // The tracking sheet records the hand-overs between the three agencies.
    const sheet = body<{ rows: { step: string; from: { unit: string | null }; to: { unit: string | null } }[] }>(
      await desk.inject({ method: 'GET', url: `/v1/dossiers/${d.id}/tracking-sheet` }),
    );
    const units = new Set(sheet.rows.flatMap((r) => [r.from.unit, r.to.unit]));
    expect([...units]).toEqual(expect.arrayContaining(['Công an phường Trung Tâm', 'Bảo hiểm xã hội tỉnh Mẫu', 'UBND phường Trung Tâm']));
  }, 180_000);

  it('a supplement during the birth part stops the clock (status 5) and the check starts again at the commune', async () => {
    const d = await receive();
    await work(desk, d.id, 'Activity_Receive');
    await work(civilStatus, d.id, 'Activity_Review', { complete: false, missing: ['Giấy chứng sinh'] });
    const waiting = await eventually(async () => {
      const now = await dossier(d.id);
      return now.status.code === 5 ? now : undefined;
    }, 20_000);
    expect(waiting.case.deadline).toMatchObject({ paused: true });
    const res = await desk.inject({ method: 'POST', url: `/v1/dossiers/${d.id}/supplement-received`, payload: { note: 'đã nộp giấy chứng sinh' } });
    expect(res.statusCode, res.body).toBe(200);
    expect((await work(civilStatus, d.id, 'Activity_Review', { complete: true })).unitId).toBe(COMMUNE);
    expect((await dossier(d.id)).status.code).toBe(4);
    expect(await tasksSeenBy(police, d.id)).toEqual([]);
  }, 120_000);

  it('a refused birth registration ends with a written answer and never reaches the police or the social insurance', async () => {
    const d = await receive();
    await work(desk, d.id, 'Activity_Receive');
    await work(civilStatus, d.id, 'Activity_Review', { complete: true });
    await work(chairman, d.id, 'Activity_Sign', { approved: false, reason: 'giấy chứng sinh không hợp lệ' });
    const ended = await eventually(async () => {
      const now = await dossier(d.id);
      return now.status.code === 9 ? now : undefined;
    }, 20_000);
    expect(ended.case.status).toBe('completed');
    expect(await tasksSeenBy(police, d.id)).toEqual([]);
    expect(await tasksSeenBy(insurance, d.id)).toEqual([]);
    const history = body<{ items: { type: string; activityId?: string }[] }>(await svc.inject({ method: 'GET', url: `/v1/cases/${d.id}/history` })).items;
    expect(JSON.stringify(history)).not.toContain('Activity_ResidenceReview');
    expect(JSON.stringify(history)).toContain('EndEvent_Refused');
  }, 120_000);
});

/**
 * The appointment date with an injected clock in November 2027 (ahead of the wall clock, so
 * no deadline job fires during the run): 3 working days across Wednesday 24/11/2027 (Ngày Văn
 * hóa Việt Nam), and the 15:00 cut-off. Expected instants are worked out by hand here.
 */
describe('interconnected group: the appointment date', () => {
  let svc: TestService;
  let clock = vnTime('2027-11-22', '09:00');
  beforeAll(async () => {
    svc = await startService('interconnected-clock', { env: isolatedEnv('interconnected-clock'), now: () => new Date(clock.getTime()) });
    await svc.container.publishDirectory('processes');
  }, 90_000);
  afterAll(async () => svc?.destroy());

  async function receiveAt(date: string, time: string): Promise<Dossier> {
    clock = vnTime(date, time);
    const res = await svc.inject({
      method: 'POST',
      url: '/v1/dossiers',
      payload: { procedureKey: KEY, applicant: { name: 'Phạm Thị Thu' }, data: EXAMPLES[KEY]!.valid, channel: 'in-person', receivingUnitId: COMMUNE },
    });
    expect(res.statusCode, res.body).toBe(201);
    return body<Dossier>(res);
  }

  it('Monday 22/11/2027 09:00 → Friday 26/11 09:00 (Tuesday, Thursday, Friday; 24/11 is off)', async () => {
    const d = await receiveAt('2027-11-22', '09:00');
    expect(new Date(d.dueAt).toISOString()).toBe(vnTime('2027-11-26', '09:00').toISOString());
    expect(d.case.deadline?.statutoryTime).toBe('3 working days');
  });

  it('before the cut-off counts from the receipt, after it from the next working day', async () => {
    const before = await receiveAt('2027-11-22', '14:30');
    expect(new Date(before.dueAt).toISOString()).toBe(vnTime('2027-11-26', '14:30').toISOString());
    const after = await receiveAt('2027-11-22', '15:30');
    // Counting starts Tuesday 07:30: three full working days end with Friday (at its close, or
    // the opening of Monday 29/11, as the deployment's DEADLINE_END reads day limits).
    const due = new Date(after.dueAt).getTime();
    expect(due).toBeGreaterThanOrEqual(vnTime('2027-11-26', '17:00').getTime());
    expect(due).toBeLessThanOrEqual(vnTime('2027-11-29', '07:30').getTime());
  });
});
