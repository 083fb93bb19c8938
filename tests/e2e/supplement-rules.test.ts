/**
 * Supplement rules end to end (issue 12): the request window and the maximum on the
 * supplement-request command (refused, or allowed with a justification and counted late),
 * the same limits on a supplement wait the diagram enters itself, what the tracking sheet
 * shows, the SLA class at completion and the service-index figures.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type TestService } from '../support/harness.js';

const base = readFileSync('tests/fixtures/dossiers/simple-permit.bpmn', 'utf8');
const schema = JSON.parse(readFileSync('tests/fixtures/dossiers/simple-permit.schema.json', 'utf8')) as object;

/** simple-permit under another key, 10 working days, with the supplement properties given; `notify`: the written request goes out through a plugin before the wait, as the shipped diagrams do. */
function procedure(key: string, properties: Record<string, string>, notify = false): string {
  const extra = Object.entries(properties)
    .map(([name, value]) => `<camunda:property name="${name}" value="${value}"/>`)
    .join('');
  const xml = notify
    ? base.replace(
        '<sequenceFlow id="fMissing" sourceRef="complete" targetRef="awaitSupplement"/>',
        '<sequenceFlow id="fMissing" sourceRef="complete" targetRef="sendRequest"/><serviceTask id="sendRequest" name="Send request" camunda:type="external" camunda:topic="notify-applicant"/><sequenceFlow id="fSent" sourceRef="sendRequest" targetRef="awaitSupplement"/>',
      )
    : base;
  return xml
    .replace('id="simple-permit" name="Simple permit"', `id="${key}" name="Permit ${key}"`)
    .replace('<camunda:property name="statutoryTime" value="3 working days"/>', `<camunda:property name="statutoryTime" value="10 working days"/>${extra}`);
}

interface Supplement {
  ordinal?: number;
  windowEndsAt?: string | null;
  late?: boolean;
  breaches?: string[];
  justification?: string | null;
  receivedAt: string | null;
}
interface Dossier {
  id: string;
  code: string;
  status: { code: number };
  supplements: Supplement[];
  supplementCount: number;
  supplementRepeated: boolean;
  supplementLate: boolean;
  supplementWaitMinutes: number;
  case: { sla: { class: string } | null; deadline: { late: boolean; paused: boolean } | null; tasks: { id: string; activityId: string }[] };
}
interface Row {
  kind: string;
  note: string | null;
  stepDueAt: string | null;
  stepSla: string | null;
}

const H = 3_600_000;

describe('supplement rules: window, maximum, diagram waits', () => {
  // Tuesday 01/12/2026 09:00 in Vietnam; each test sets its own instants.
  let clock = new Date('2026-12-01T02:00:00Z');
  let svc: TestService;
  const post = (url: string, payload: object = {}) => svc.inject({ method: 'POST', url, payload });
  const get = async <T = Dossier>(url: string): Promise<T> => {
    const res = await svc.inject({ method: 'GET', url });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as T;
  };
  const receive = async (procedureKey: string, unit = 'xa-sr') => {
    const res = await post('/v1/dossiers', {
      procedureKey,
      applicant: { name: 'Phạm Thị Hồng' },
      data: { plot: '7', area: 70 },
      channel: 'in-person',
      receivingUnitId: unit,
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as Dossier;
  };
  const ok = async (url: string, payload: object = {}) => {
    const res = await post(url, payload);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Dossier;
  };
  const completeTask = async (id: string, activityId: string, data: Record<string, unknown>) => {
    const task = (await get(`/v1/dossiers/${id}`)).case.tasks.find((t) => t.activityId === activityId);
    expect(task, `open ${activityId}`).toBeTruthy();
    const res = await post(`/v1/tasks/${task!.id}/complete`, { data });
    expect(res.statusCode, res.body).toBe(200);
    return get(`/v1/dossiers/${id}`);
  };
  const finish = async (id: string) => {
    await completeTask(id, 'review', { complete: true });
    return completeTask(id, 'decide', { approved: true, result: 'approved' });
  };
  const supplementRows = async (id: string) => (await get<{ rows: Row[] }>(`/v1/dossiers/${id}/tracking-sheet`)).rows.filter((r) => r.kind === 'supplement-request');

  beforeAll(async () => {
    svc = await startService('supplement_rules', { now: () => clock });
    for (const unit of [
      { id: 'tinh-sr', code: '000.00.00.H91', name: 'UBND tỉnh SR', kind: 'province', parentId: null },
      { id: 'xa-sr', code: '000.00.31.H91', name: 'UBND xã Sơn Rạng', kind: 'commune', parentId: 'tinh-sr' },
      { id: 'xa-idx', code: '000.00.32.H91', name: 'UBND xã Chỉ Số', kind: 'commune', parentId: 'tinh-sr' },
    ]) {
      expect((await post('/v1/units', unit)).statusCode).toBe(201);
    }
    const lenient = { supplementOverLimit: 'allow-with-reason', supplementAfterWindow: 'allow-with-reason' };
    for (const [key, props] of [
      ['sr-strict', { supplementWindowWorkingDays: '2' }],
      ['sr-lenient', { supplementWindowWorkingDays: '2', ...lenient }],
      ['sr-no-sla', { supplementWindowWorkingDays: '2', ...lenient, supplementLateInSla: 'false' }],
    ] as const) {
      const res = await post('/v1/procedures', { xml: procedure(key, props), schema });
      expect(res.statusCode, res.body).toBe(201);
    }
    const notified = await post('/v1/procedures', { xml: procedure('sr-notify', { supplementWindowWorkingDays: '2' }, true), schema });
    expect(notified.statusCode, notified.body).toBe(201);
    // A setting the rules cannot read refuses the diagram instead of falling back to a default.
    const typo = await post('/v1/procedures', { xml: procedure('sr-typo', { supplementOverLimit: 'allow' }), schema });
    expect(typo.statusCode, typo.body).toBe(422);
    expect(JSON.stringify(typo.json())).toContain('INVALID_PROCEDURE_SETTING');
  }, 60_000);
  afterAll(async () => {
    await svc?.destroy();
  });

  it('strict: within the window accepted and shown with its window; after it 409; a second one 409', async () => {
    clock = new Date('2026-12-01T02:00:00Z'); // Tue 09:00
    const d = await receive('sr-strict');
    clock = new Date('2026-12-02T03:00:00Z'); // Wed 10:00, inside 2 working days
    const asked = await ok(`/v1/dossiers/${d.id}/supplement-request`, { reason: 'Thiếu bản vẽ', items: ['Bản vẽ'] });
    // Two working days from Tue 09:00 end Thu 03/12 09:00 (clock-time, the default).
    expect(asked.supplements[0]).toMatchObject({ ordinal: 1, windowEndsAt: '2026-12-03T02:00:00.000Z', late: false, breaches: [], justification: null });
    expect(asked.supplementLate).toBe(false);
    expect(await supplementRows(d.id)).toMatchObject([{ stepDueAt: '2026-12-03T02:00:00.000Z', stepSla: 'on-time' }]);
    clock = new Date('2026-12-02T05:00:00Z');
    const back = await ok(`/v1/dossiers/${d.id}/supplement-received`, { note: 'đã nộp' });
    expect(back.supplementWaitMinutes).toBe(120);
    const sheet = await get<{ supplements: object; rows: Row[] }>(`/v1/dossiers/${d.id}/tracking-sheet`);
    expect(sheet.supplements).toEqual({ count: 1, late: 0, waitMinutes: 120 });
    expect(sheet.rows.find((r) => r.kind === 'supplement-received')?.note).toBe('Thời gian chờ người nộp bổ sung: 2 giờ 0 phút (không tính vào thời hạn giải quyết)');
    const second = await post(`/v1/dossiers/${d.id}/supplement-request`, { reason: 'Thiếu ảnh', justification: 'cần thêm' });
    expect(second.statusCode).toBe(409);
    expect(second.json().error.code).toBe('SUPPLEMENT_LIMIT_REACHED');

    clock = new Date('2026-12-01T02:00:00Z');
    const other = await receive('sr-strict');
    clock = new Date('2026-12-03T02:01:00Z'); // a minute after the window
    const late = await post(`/v1/dossiers/${other.id}/supplement-request`, { reason: 'Thiếu bản vẽ' });
    expect(late.statusCode).toBe(409);
    expect(late.json().error).toMatchObject({ code: 'SUPPLEMENT_WINDOW_PASSED' });
    expect(late.json().error.message).toContain('thời hạn yêu cầu bổ sung');
    // The message follows Accept-Language (English / Vietnamese half); the code does not change.
    const ask = (lang: string) => svc.inject({ method: 'POST', url: `/v1/dossiers/${other.id}/supplement-request`, payload: { reason: 'x' }, headers: { 'accept-language': lang } });
    const vi = (await ask('vi-VN,vi;q=0.9,en;q=0.5')).json().error;
    expect(vi.code).toBe('SUPPLEMENT_WINDOW_PASSED');
    expect(vi.message).toMatch(/^đã quá thời hạn yêu cầu bổ sung hồ sơ \(2 ngày làm việc kể từ ngày tiếp nhận\)$/);
    const en = (await ask('en-GB,en;q=0.8,vi;q=0.3')).json().error;
    expect(en.code).toBe('SUPPLEMENT_WINDOW_PASSED');
    expect(en.message).toMatch(/^a supplement had to be requested by 2026-12-03T02:00:00.000Z \(2 working days after receipt\)$/);
    expect((await ask('fr')).json().error.message).toContain(' / ');
    const problem = await svc.inject({ method: 'POST', url: `/v1/dossiers/${other.id}/supplement-request`, payload: { reason: 'x' }, headers: { 'accept-language': 'vi', accept: 'application/problem+json' } });
    expect(problem.json()).toMatchObject({ code: 'SUPPLEMENT_WINDOW_PASSED', detail: vi.message });
    const unchanged = await get(`/v1/dossiers/${other.id}`);
    expect(unchanged).toMatchObject({ status: { code: 4 }, supplements: [] });
  }, 120_000);

  it('lenient: a late or second request needs a justification, is recorded late and makes the SLA class late', async () => {
    clock = new Date('2026-12-01T02:00:00Z');
    const d = await receive('sr-lenient');
    clock = new Date('2026-12-04T02:00:00Z'); // Fri 09:00, after the window
    const bare = await post(`/v1/dossiers/${d.id}/supplement-request`, { reason: 'Thiếu bản vẽ' });
    expect(bare.statusCode).toBe(422);
    expect(bare.json().error.code).toBe('SUPPLEMENT_JUSTIFICATION_REQUIRED');
    const asked = await ok(`/v1/dossiers/${d.id}/supplement-request`, { reason: 'Thiếu bản vẽ', justification: 'Hồ sơ chuyển từ xã cũ sau sáp nhập' });
    expect(asked.supplements[0]).toMatchObject({ ordinal: 1, late: true, breaches: ['after-window'], justification: 'Hồ sơ chuyển từ xã cũ sau sáp nhập' });
    expect(asked.case.deadline).toMatchObject({ paused: true, late: true });
    clock = new Date('2026-12-04T03:00:00Z');
    await ok(`/v1/dossiers/${d.id}/supplement-received`, {});
    const again = await ok(`/v1/dossiers/${d.id}/supplement-request`, { reason: 'Thiếu ảnh', justification: 'Bản vẽ mới phát sinh sai lệch' });
    expect(again.supplements[1]).toMatchObject({ ordinal: 2, late: true, breaches: ['repeated', 'over-limit', 'after-window'] });
    expect(again).toMatchObject({ supplementCount: 2, supplementRepeated: true, supplementLate: true });
    const rows = await supplementRows(d.id);
    expect(rows.map((r) => r.stepSla)).toEqual(['late', 'late']);
    expect(rows[0]!.note).toContain('quá thời hạn yêu cầu bổ sung');
    expect(rows[0]!.note).toContain('Lý do vẫn yêu cầu: Hồ sơ chuyển từ xã cũ sau sáp nhập');
    expect(rows[1]!.note).toContain('yêu cầu bổ sung lần thứ hai');
    clock = new Date('2026-12-04T04:00:00Z');
    await ok(`/v1/dossiers/${d.id}/supplement-received`, {});
    // Finished long before its date, and still late.
    const done = await finish(d.id);
    expect(done.status.code).toBe(9);
    expect(done.case.sla?.class).toBe('late');
  }, 120_000);

  it('supplementLateInSla=false: the request is recorded late, the SLA class follows the dates', async () => {
    clock = new Date('2026-12-01T02:00:00Z');
    const d = await receive('sr-no-sla');
    clock = new Date('2026-12-04T02:00:00Z');
    const asked = await ok(`/v1/dossiers/${d.id}/supplement-request`, { reason: 'Thiếu bản vẽ', justification: 'phát hiện muộn' });
    expect(asked.supplements[0]).toMatchObject({ late: true, breaches: ['after-window'] });
    expect(asked.case.deadline?.late).toBe(false);
    await ok(`/v1/dossiers/${d.id}/supplement-received`, {});
    const done = await finish(d.id);
    expect(done.case.sla?.class).not.toBe('late');
  }, 120_000);

  it('a supplement wait the diagram enters counts against the same maximum and window', async () => {
    clock = new Date('2026-12-01T02:00:00Z');
    const d = await receive('sr-strict');
    clock = new Date('2026-12-01T04:00:00Z');
    const first = await completeTask(d.id, 'review', { complete: false, missing: ['Bản vẽ'], note: 'thiếu bản vẽ' });
    expect(first.status.code).toBe(5);
    expect(first.supplements[0]).toMatchObject({ ordinal: 1, late: false, breaches: [], windowEndsAt: '2026-12-03T02:00:00.000Z' });
    expect(first.case.deadline?.late).toBe(false);
    clock = new Date('2026-12-01T06:00:00Z');
    await ok(`/v1/dossiers/${d.id}/supplement-received`, {}); // delivers the diagram's message
    // The same command would now be refused; the diagram's path is recorded, late.
    clock = new Date('2026-12-03T03:00:00Z'); // after the window too
    const second = await completeTask(d.id, 'review', { complete: false, missing: ['Ảnh'], note: 'thiếu ảnh', justification: 'ảnh mờ' });
    expect(second.status.code).toBe(5);
    expect(second.supplements[1]).toMatchObject({ ordinal: 2, late: true, breaches: ['repeated', 'over-limit', 'after-window'], justification: 'ảnh mờ' });
    expect(second.case.deadline).toMatchObject({ paused: true, late: true });
    expect((await supplementRows(d.id)).map((r) => r.stepSla)).toEqual(['on-time', 'late']);
    clock = new Date('2026-12-03T04:00:00Z');
    await ok(`/v1/dossiers/${d.id}/supplement-received`, {});
    const done = await finish(d.id);
    expect(done.case.sla?.class).toBe('late');
  }, 120_000);

  it('a supplement wait entered in a background step (after the notice plugin) counts the same', async () => {
    const waitForStatus = async (id: string, code: number) => {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const d = await get(`/v1/dossiers/${id}`);
        if (d.status.code === code) return d;
        if (Date.now() > deadline) throw new Error(`dossier ${id} stayed in status ${d.status.code}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    clock = new Date('2026-12-01T02:00:00Z');
    const d = await receive('sr-notify');
    clock = new Date('2026-12-01T04:00:00Z');
    await completeTask(d.id, 'review', { complete: false, missing: ['Bản vẽ'], note: 'thiếu bản vẽ' });
    const first = await waitForStatus(d.id, 5);
    expect(first.supplements).toMatchObject([{ ordinal: 1, late: false, breaches: [], reason: 'thiếu bản vẽ' }]);
    await ok(`/v1/dossiers/${d.id}/supplement-received`, {});
    clock = new Date('2026-12-03T03:00:00Z');
    await completeTask(d.id, 'review', { complete: false, missing: ['Ảnh'], note: 'thiếu ảnh', justification: 'ảnh mờ' });
    const second = await waitForStatus(d.id, 5);
    expect(second.supplements[1]).toMatchObject({ ordinal: 2, late: true, breaches: ['repeated', 'over-limit', 'after-window'], justification: 'ảnh mờ', reason: 'thiếu ảnh' });
    expect(second.case.deadline).toMatchObject({ paused: true, late: true });
  }, 120_000);

  it('the service index counts a second request and a request after the window as late', async () => {
    // Three dossiers of one commune in December: on time; one late request; two requests.
    clock = new Date('2026-12-07T02:00:00Z'); // Mon 07/12 09:00
    const plain = await receive('sr-lenient', 'xa-idx');
    const afterWindow = await receive('sr-lenient', 'xa-idx');
    const twice = await receive('sr-lenient', 'xa-idx');
    clock = new Date('2026-12-07T03:00:00Z');
    await ok(`/v1/dossiers/${twice.id}/supplement-request`, { reason: 'a' });
    await ok(`/v1/dossiers/${twice.id}/supplement-received`, {});
    await ok(`/v1/dossiers/${twice.id}/supplement-request`, { reason: 'b', justification: 'lần hai' });
    await ok(`/v1/dossiers/${twice.id}/supplement-received`, {});
    clock = new Date('2026-12-10T02:00:00Z'); // Thu, after the two-day window
    await ok(`/v1/dossiers/${afterWindow.id}/supplement-request`, { reason: 'c', justification: 'muộn' });
    clock = new Date(clock.getTime() + H);
    await ok(`/v1/dossiers/${afterWindow.id}/supplement-received`, {});
    for (const d of [plain, afterWindow, twice]) await finish(d.id);
    const report = await get<{ onTime: Record<string, number | null>; supplementMoreThanOnce: number; supplementAfterWindow: number }>(
      '/v1/reports/service-index?unitId=xa-idx&from=2026-12-01&to=2027-01-01',
    );
    expect(report.onTime).toMatchObject({ numerator: 1, denominator: 3, late: 2, lateBySupplements: 1, lateBySupplementWindow: 1 });
    expect(report.supplementMoreThanOnce).toBe(1);
    expect(report.supplementAfterWindow).toBe(1);
    // The SLA report's figures (counters of the finished classes) count the same two late.
    const sla = await get<{ byProcedure: { procedureKey: string; early: number; onTime: number; late: number }[] }>('/v1/reports/sla?unitId=xa-idx&procedureKey=sr-lenient');
    expect(sla.byProcedure).toMatchObject([{ procedureKey: 'sr-lenient', late: 2 }]);
    expect(sla.byProcedure[0]!.early + sla.byProcedure[0]!.onTime).toBe(1);
  }, 120_000);
});
