/**
 * The interconnected group as a parent calling three child procedures (docs/procedures.md,
 * section 7), over HTTP: the commune desk receives the dossier, each part is a case of its own
 * at its competent unit with its own statutory time, each unit sees only its part, and the
 * parent resumes once per part with its result (a refused birth through the call's error boundary).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey, type TestKey } from '../support/auth.js';
import { EXAMPLES } from '../fixtures/dossier-examples.js';
import { eventually, startService, type TestService } from '../support/harness.js';

const KEY = 'birth-residence-insurance-linked';
const COMMUNE = 'phuong-trung-tam';
const POLICE = 'cong-an-phuong-trung-tam';
const BHXH = 'bhxh-tinh-mau';

interface Task {
  id: string;
  caseId: string;
  activityId: string;
  unitId: string | null;
}
interface CaseBody {
  id: string;
  status: string;
  unitId: string | null;
  procedureKey: string;
  data: Record<string, unknown>;
  tasks: Task[];
  parentCaseId: string | null;
  calledCases: { caseId: string; activityId: string; procedureKey: string; unitId: string | null; status: string }[];
  deadline: { statutoryTime: string; dueAt: string } | null;
}
interface Dossier {
  id: string;
  status: { code: number };
  dueAt: string;
}

const body = <T>(res: { body: string }) => JSON.parse(res.body) as T;

describe('interconnected group: a parent dossier calling three procedures at their units', () => {
  let svc: TestService;
  let desk: TestKey, civilStatus: TestKey, chairman: TestKey, police: TestKey, policeHead: TestKey, insurance: TestKey, insuranceHead: TestKey;

  beforeAll(async () => {
    svc = await startService('linked-group');
    await svc.container.publishDirectory('processes');
    [desk, civilStatus, chairman, police, policeHead, insurance, insuranceHead] = await Promise.all([
      createKey(svc, 'desk-officer', [COMMUNE], 'Một cửa phường Trung Tâm'),
      createKey(svc, 'specialist', [COMMUNE], 'Công chức tư pháp - hộ tịch'),
      createKey(svc, 'leader', [COMMUNE], 'Chủ tịch UBND phường'),
      createKey(svc, 'specialist', [POLICE], 'Cán bộ đăng ký cư trú'),
      createKey(svc, 'leader', [POLICE], 'Trưởng Công an phường'),
      createKey(svc, 'specialist', [BHXH], 'Cán bộ thu BHXH'),
      createKey(svc, 'leader', [BHXH], 'Giám đốc BHXH tỉnh'),
    ]);
  }, 120_000);
  afterAll(async () => svc?.destroy());

  const parentCase = async (id: string) => body<CaseBody>(await desk.inject({ method: 'GET', url: `/v1/cases/${id}` }));
  const tasksSeenBy = async (key: TestKey, caseId: string): Promise<Task[]> => {
    const res = await key.inject({ method: 'GET', url: `/v1/tasks?caseId=${caseId}` });
    expect(res.statusCode, res.body).toBe(200);
    return body<{ items: Task[] }>(res).items;
  };
  async function work(key: TestKey, caseId: string, activityId: string, data: Record<string, unknown> = {}): Promise<Task> {
    const task = await eventually(async () => (await tasksSeenBy(key, caseId)).find((t) => t.activityId === activityId), 30_000);
    const res = await key.inject({ method: 'POST', url: `/v1/tasks/${task.id}/complete`, payload: { data } });
    expect(res.statusCode, res.body).toBe(200);
    return task;
  }
  /** The child the parent's call activity started, once the parent has recorded it. */
  const childAt = (parentId: string, activityId: string) =>
    eventually(async () => (await parentCase(parentId)).calledCases.find((c) => c.activityId === activityId), 30_000).catch(async (err: Error) => {
      const c = body<Record<string, unknown>>(await svc.inject({ method: 'GET', url: `/v1/cases/${parentId}` }));
      throw new Error(`${err.message}; the parent: ${JSON.stringify({ status: c.status, incident: c.incident, waitingFor: c.waitingFor, tasks: c.tasks })}`);
    });

  async function receive(): Promise<Dossier> {
    const res = await desk.inject({
      method: 'POST',
      url: '/v1/dossiers',
      payload: { procedureKey: KEY, applicant: { name: 'Phạm Thị Thu', phone: '0912345678' }, data: EXAMPLES[KEY]!.valid, channel: 'in-person', receivingUnitId: COMMUNE },
    });
    expect(res.statusCode, res.body).toBe(201);
    return body<Dossier>(res);
  }

  it('runs each part as a case at its unit, with its own statutory time, and returns the results at the desk', async () => {
    const d = await receive();
    expect((await parentCase(d.id)).deadline?.statutoryTime).toBe('3 working days');
    await work(desk, d.id, 'Activity_Receive');

    const birth = await childAt(d.id, 'CallActivity_Birth');
    expect(birth).toMatchObject({ procedureKey: 'linked-birth-registration', unitId: COMMUNE, status: 'active' });
    const birthCase = body<CaseBody>(await civilStatus.inject({ method: 'GET', url: `/v1/cases/${birth.caseId}` }));
    expect(birthCase).toMatchObject({ parentCaseId: d.id, unitId: COMMUNE });
    expect(birthCase.deadline?.statutoryTime).toMatch(/within the day/);
    expect(birthCase.data.child).toEqual(EXAMPLES[KEY]!.valid.child);
    expect((await work(civilStatus, birth.caseId, 'Activity_Review')).unitId).toBe(COMMUNE);
    await work(chairman, birth.caseId, 'Activity_Sign', { approved: true, result: 'Giấy khai sinh số 123/2026' });

    const residence = await childAt(d.id, 'CallActivity_Residence');
    const card = await childAt(d.id, 'CallActivity_Card');
    // While only the children work, the dossier is still being processed (portal status 4).
    expect(body<Dossier>(await desk.inject({ method: 'GET', url: `/v1/dossiers/${d.id}` })).status.code).toBe(4);
    expect(residence).toMatchObject({ procedureKey: 'linked-permanent-residence', unitId: POLICE });
    expect(card).toMatchObject({ procedureKey: 'linked-health-insurance-card', unitId: BHXH });
    // Each agency sees its own part only; the commune sees the links, not the other agencies' work.
    expect((await police.inject({ method: 'GET', url: `/v1/cases/${residence.caseId}` })).statusCode).toBe(200);
    expect((await police.inject({ method: 'GET', url: `/v1/cases/${card.caseId}` })).statusCode).toBe(404);
    expect((await police.inject({ method: 'GET', url: `/v1/cases/${d.id}` })).statusCode).toBe(404);
    expect((await desk.inject({ method: 'GET', url: `/v1/cases/${residence.caseId}` })).statusCode).toBe(404);
    expect(await tasksSeenBy(insurance, residence.caseId)).toEqual([]);
    expect(await tasksSeenBy(civilStatus, card.caseId)).toEqual([]);
    const residenceCase = body<CaseBody>(await police.inject({ method: 'GET', url: `/v1/cases/${residence.caseId}` }));
    expect(residenceCase.deadline?.statutoryTime).toBe('2 working days');

    await work(insurance, card.caseId, 'Activity_CardReview');
    expect((await work(insuranceHead, card.caseId, 'Activity_CardIssue', { approved: true, result: 'Thẻ BHYT TE1990000000001' })).unitId).toBe(BHXH);
    await work(police, residence.caseId, 'Activity_ResidenceReview');
    // The card part ended first: the return waits for the residence part.
    expect((await parentCase(d.id)).tasks.map((t) => t.activityId)).not.toContain('Activity_Return');
    expect((await work(policeHead, residence.caseId, 'Activity_ResidenceApprove', { approved: true, result: 'đã đăng ký thường trú' })).unitId).toBe(POLICE);

    await work(desk, d.id, 'Activity_Return', { note: 'đã trả kết quả' });
    const finished = await eventually(async () => {
      const now = body<Dossier>(await desk.inject({ method: 'GET', url: `/v1/dossiers/${d.id}` }));
      return now.status.code === 9 ? now : undefined;
    }, 30_000);
    expect(finished.status.code).toBe(9);
    const parent = await parentCase(d.id);
    expect(parent.status).toBe('completed');
    expect(parent.data).toMatchObject({ birthResult: 'Giấy khai sinh số 123/2026', residenceResult: 'đã đăng ký thường trú', residenceApproved: true, cardResult: 'Thẻ BHYT TE1990000000001', cardApproved: true });
    expect(parent.calledCases.map((c) => [c.activityId, c.status]).sort()).toEqual([
      ['CallActivity_Birth', 'completed'],
      ['CallActivity_Card', 'completed'],
      ['CallActivity_Residence', 'completed'],
    ]);
    const history = body<{ items: { type: string }[] }>(await desk.inject({ method: 'GET', url: `/v1/cases/${d.id}/history` })).items;
    expect(history.filter((h) => h.type === 'call.completed')).toHaveLength(3);
    // The parent's tracking sheet reads with the call entries in its history.
    expect((await desk.inject({ method: 'GET', url: `/v1/dossiers/${d.id}/tracking-sheet` })).statusCode).toBe(200);
  }, 240_000);

  it('a part refused by its agency comes back as its outcome; the desk returns it with the rest', async () => {
    const d = await receive();
    await work(desk, d.id, 'Activity_Receive');
    const birth = await childAt(d.id, 'CallActivity_Birth');
    await work(civilStatus, birth.caseId, 'Activity_Review');
    await work(chairman, birth.caseId, 'Activity_Sign', { approved: true });
    const residence = await childAt(d.id, 'CallActivity_Residence');
    const card = await childAt(d.id, 'CallActivity_Card');
    await work(police, residence.caseId, 'Activity_ResidenceReview');
    await work(policeHead, residence.caseId, 'Activity_ResidenceApprove', { approved: false, reason: 'địa chỉ thường trú không khớp' });
    await work(insurance, card.caseId, 'Activity_CardReview');
    await work(insuranceHead, card.caseId, 'Activity_CardIssue', { approved: true });
    await work(desk, d.id, 'Activity_Return');
    const parent = await eventually(async () => {
      const c = await parentCase(d.id);
      return c.status === 'completed' ? c : undefined;
    }, 30_000);
    expect(parent.data).toMatchObject({ residenceApproved: false, residenceRefusal: 'địa chỉ thường trú không khớp', cardApproved: true });
    expect(parent.calledCases.map((c) => c.status)).toEqual(['completed', 'completed', 'completed']);
    const history = body<{ items: { type: string; activityId: string | null }[] }>(await desk.inject({ method: 'GET', url: `/v1/cases/${d.id}/history` })).items;
    expect(history.filter((h) => h.type === 'call.completed')).toHaveLength(3);
  }, 240_000);

  it('a refused birth registration ends the group with a written answer and starts no other part', async () => {
    const d = await receive();
    await work(desk, d.id, 'Activity_Receive');
    const birth = await childAt(d.id, 'CallActivity_Birth');
    await work(civilStatus, birth.caseId, 'Activity_Review');
    await work(chairman, birth.caseId, 'Activity_Sign', { approved: false, reason: 'giấy chứng sinh không hợp lệ' });
    const ended = await eventually(async () => {
      const now = body<Dossier>(await desk.inject({ method: 'GET', url: `/v1/dossiers/${d.id}` }));
      return now.status.code === 9 ? now : undefined;
    }, 30_000).catch(async (err: Error) => {
      throw new Error(`${err.message}: ${JSON.stringify(body<unknown>(await svc.inject({ method: 'GET', url: `/v1/cases/${d.id}` })))}`);
    });
    expect(ended.status.code).toBe(9);
    const parent = await parentCase(d.id);
    expect(parent.calledCases.map((c) => c.activityId)).toEqual(['CallActivity_Birth']);
    expect(parent.calledCases[0]).toMatchObject({ status: 'error' });
    const items = body<{ items: { type: string; data: { errorCode?: string } | null }[] }>(await desk.inject({ method: 'GET', url: `/v1/cases/${d.id}/history` })).items;
    expect(items.filter((h) => h.type === 'call.error').map((h) => h.data?.errorCode)).toEqual(['BIRTH_REFUSED']);
    const history = JSON.stringify(items);
    expect(history).toContain('EndEvent_Refused');
    expect(history).not.toContain('CallActivity_Residence');
  }, 240_000);
});
