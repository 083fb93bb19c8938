/**
 * Circular 03/2025 forms (01–05, 07) issued by the lifecycle steps, the public lookup with its
 * verification value and rate limit, the supplement limit and the apology timing rule.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type TestService } from '../support/harness.js';

const xml = readFileSync('tests/fixtures/dossiers/simple-permit.bpmn', 'utf8');
const schema = JSON.parse(readFileSync('tests/fixtures/dossiers/simple-permit.schema.json', 'utf8')) as object;

describe('forms and public lookup', () => {
  // Tuesday 01/12/2026 09:00 in Vietnam; tests move it forward.
  let clock = new Date('2026-12-01T02:00:00Z');
  let svc: TestService;
  const post = (url: string, payload: object = {}) => svc.inject({ method: 'POST', url, payload });
  const get = (url: string, remoteAddress = '127.0.0.1', headers: Record<string, string> = {}) => svc.inject({ method: 'GET', url, remoteAddress, headers });
  const anon = (url: string, remoteAddress: string) => svc.inject({ method: 'GET', url, remoteAddress, headers: { authorization: '' } });
  const receive = async (name = 'Nguyễn Văn An') => {
    const res = await post('/v1/dossiers', {
      procedureKey: 'simple-permit',
      applicant: { name, idNumber: '001099012345', address: '12 Lê Lợi' },
      data: { plot: '5', area: 50 },
      channel: 'in-person',
      receivingUnitId: 'xa-tp',
      attachments: [{ name: 'Đơn đề nghị', digitised: true }],
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; code: string; dueAt: string };
  };
  const form = async (id: string, f: string) => {
    const res = await get(`/v1/dossiers/${id}/forms/${f}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    return res.body;
  };
  const verificationOf = (slip: string) => /Mã xác thực: <b>([A-Z0-9]+)<\/b>/.exec(slip)?.[1] ?? '';

  beforeAll(async () => {
    svc = await startService('forms_lookup', { now: () => clock });
    for (const unit of [
      { id: 'tinh-tp', code: '000.00.00.H95', name: 'UBND tỉnh TP', kind: 'province', parentId: null },
      { id: 'xa-tp', code: '000.00.31.H95', name: 'UBND xã Tân Phú', kind: 'commune', parentId: 'tinh-tp' },
    ]) {
      expect((await post('/v1/units', unit)).statusCode).toBe(201);
    }
    expect((await post('/v1/procedures', { xml, schema })).statusCode).toBe(201);
  }, 60_000);
  afterAll(async () => {
    await svc?.destroy();
  });

  it('receipt slip (01): the dossier fields, the appointment, a QR code and escaped applicant data', async () => {
    const d = await receive('<script>alert(1)</script> Trần');
    const list = (await get(`/v1/dossiers/${d.id}/forms`)).json() as { items: { id: string; form: string; step: string }[] };
    expect(list.items.map((f) => f.id)).toEqual(['01']);
    const slip = await form(d.id, '01');
    expect(slip).toContain('Giấy tiếp nhận hồ sơ và hẹn trả kết quả');
    expect(slip).toContain(d.code);
    expect(slip).toContain('UBND xã Tân Phú');
    expect(slip).toContain('001099012345');
    expect(slip).toContain('Đơn đề nghị');
    expect(slip).toContain('ngày 01/12/2026');
    expect(slip).toContain('size: A4');
    expect(slip).toMatch(/<img alt="QR tra cứu" src="data:image\/png;base64,/);
    expect(slip).not.toContain('<script>alert');
    expect(slip).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(slip).toContain(`/tra-cuu?code=${encodeURIComponent(d.code)}&amp;v=${verificationOf(slip)}`);
    expect((await get(`/v1/dossiers/${d.id}/forms/03`)).json().error.code).toBe('FORM_NOT_ISSUED');
  });

  it('supplement request (02), one only during processing; stop notice (05)', async () => {
    const d = await receive();
    expect((await post(`/v1/dossiers/${d.id}/supplement-request`, { reason: 'Thiếu bản vẽ', items: ['Bản vẽ mặt bằng'] })).statusCode).toBe(200);
    const p02 = await form(d.id, '02');
    expect(p02).toContain('Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ');
    expect(p02).toContain('Bản vẽ mặt bằng');
    expect(p02).toContain('Thiếu bản vẽ');
    expect((await post(`/v1/dossiers/${d.id}/supplement-received`, { note: 'đã nộp' })).statusCode).toBe(200);
    const second = await post(`/v1/dossiers/${d.id}/supplement-request`, { reason: 'Thiếu ảnh', items: ['Ảnh'] });
    expect(second.statusCode).toBe(409);
    expect(second.json().error.code).toBe('SUPPLEMENT_LIMIT_REACHED');
    expect(second.json().error.message).toContain('yêu cầu bổ sung');
    expect((await get(`/v1/dossiers/${d.id}`)).json()).toMatchObject({ supplementCount: 1, supplementRepeated: false });
    expect((await post(`/v1/dossiers/${d.id}/stop`, { reason: 'Có tranh chấp đất đai' })).statusCode).toBe(200);
    const ids = ((await get(`/v1/dossiers/${d.id}/forms`)).json() as { items: { id: string }[] }).items.map((f) => f.id);
    expect(ids).toEqual(['01', '02-1', '05']);
    expect(await form(d.id, '05')).toContain('Có tranh chấp đất đai');
  });

  it('refusal (03) at the desk before receipt', async () => {
    const res = await post('/v1/dossiers', { procedureKey: 'simple-permit', applicant: { name: 'Lê Thị B' }, data: { plot: '1', area: 10 }, channel: 'online', receivingUnitId: 'xa-tp', receive: false });
    const id = res.json().id as string;
    expect((await post(`/v1/dossiers/${id}/refuse`, { reason: 'Không thuộc thẩm quyền' })).statusCode).toBe(200);
    const p03 = await form(id, '03');
    expect(p03).toContain('Phiếu từ chối');
    expect(p03).toContain('Không thuộc thẩm quyền');
  });

  it('apology (04) before the due date, once; after the due date refused', async () => {
    const d = await receive();
    const newDueAt = new Date(new Date(d.dueAt).getTime() + 2 * 86_400_000).toISOString();
    expect((await post(`/v1/cases/${d.id}/apologies`, { reason: 'Chờ xác minh', newDueAt })).statusCode).toBe(200);
    const p04 = await form(d.id, '04-1');
    expect(p04).toContain('đề nghị gia hạn');
    expect(p04).toContain('Chờ xác minh');
    // ... and on the tracking sheet (Form 06), with the old and the new appointment.
    const sheet = (await get(`/v1/dossiers/${d.id}/tracking-sheet`)).json() as { dueAt: string; rows: { kind: string; step: string; note: string | null; result: string; stepDueAt: string | null; stepSla: string | null }[] };
    const row = sheet.rows.find((r) => r.kind === 'apology');
    expect(row).toMatchObject({ step: 'Xin lỗi và đề nghị gia hạn thời gian giải quyết (Mẫu 04, lần 1)', note: 'Chờ xác minh', stepDueAt: d.dueAt });
    expect(row!.result).toMatch(/^Hẹn trả mới: .+ \(hẹn cũ: .+\)$/);
    expect(row!.stepSla).toBe('on-time'); // three working days ahead: the one-day lead is kept
    expect(sheet.dueAt).toBe(newDueAt);
    expect((await get(`/v1/dossiers/${d.id}/tracking-sheet?format=html`)).body).toContain('Mẫu 04, lần 1');
    const again = await post(`/v1/cases/${d.id}/apologies`, { reason: 'x', newDueAt: new Date(new Date(newDueAt).getTime() + 86_400_000).toISOString() });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('APOLOGY_LIMIT_REACHED');

    // Less than one working day before the due date: accepted, recorded late.
    const short = await receive();
    const kept = clock;
    clock = new Date(new Date(short.dueAt).getTime() - 3_600_000);
    try {
      const res = await post(`/v1/cases/${short.id}/apologies`, { reason: 'Chờ ý kiến sở', newDueAt: new Date(new Date(short.dueAt).getTime() + 86_400_000).toISOString() });
      expect(res.statusCode, res.body).toBe(200);
      const sheetRow = ((await get(`/v1/dossiers/${short.id}/tracking-sheet`)).json() as { rows: { kind: string; result: string; stepSla: string | null }[] }).rows.find((r) => r.kind === 'apology');
      expect(sheetRow).toMatchObject({ stepSla: 'late' });
      expect(sheetRow!.result).toContain('gửi muộn: chưa đủ 1 ngày làm việc trước hẹn');
    } finally {
      clock = kept;
    }

    const late = await receive();
    const saved = clock;
    clock = new Date(new Date(late.dueAt).getTime() + 60_000);
    try {
      const res = await post(`/v1/cases/${late.id}/apologies`, { reason: 'y', newDueAt: new Date(clock.getTime() + 3 * 86_400_000).toISOString() });
      expect(res.statusCode).toBe(409);
      expect(res.json().error.code).toBe('APOLOGY_AFTER_DUE');
      expect(res.json().error.message).toContain('trước thời hạn');
    } finally {
      clock = saved;
    }
  });

  it('dossier register (07) of the unit for a period', async () => {
    const res = await get('/v1/units/xa-tp/dossier-register?from=2026-12-01T00:00:00Z&to=2026-12-02T00:00:00Z');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.body).toContain('Sổ theo dõi hồ sơ');
    expect(res.body).toContain('Nguyễn Văn An');
    expect(res.body).toContain('Dừng giải quyết');
    expect((await get('/v1/units/xa-tp/dossier-register?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z')).json().error.code).toBe('INVALID_PERIOD');
  });

  it('public lookup: code + verification, masked name, nothing on a wrong value, rate-limited per address', async () => {
    const d = await receive('Phạm Minh Châu');
    const v = verificationOf(await form(d.id, '01'));
    const ok = await anon(`/v1/public/dossiers/${encodeURIComponent(d.code)}?v=${v}`, '10.1.0.1');
    expect(ok.statusCode, ok.body).toBe(200);
    const body = ok.json();
    expect(body).toMatchObject({ code: d.code, status: { code: 4, label: 'Đang giải quyết' }, applicant: 'P*** M*** C***', receivingUnit: 'UBND xã Tân Phú', appointmentAt: d.dueAt });
    expect(ok.body).not.toContain('001099012345');
    expect(ok.body).not.toContain('Lê Lợi');
    expect(ok.body).not.toContain(d.id);
    const wrong = await anon(`/v1/public/dossiers/${encodeURIComponent(d.code)}?v=AAAAAA`, '10.1.0.1');
    const unknown = await anon(`/v1/public/dossiers/XX-000000-0001?v=AAAAAA`, '10.1.0.1');
    expect([wrong.statusCode, unknown.statusCode]).toEqual([404, 404]);
    expect(wrong.body).toBe(unknown.body);
    const page = await anon(`/tra-cuu?code=${encodeURIComponent(d.code)}&v=${v}`, '10.1.0.1');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Đang giải quyết');
    expect(page.body).toContain('P*** M*** C***');
    expect((await anon(`/tra-cuu?code=${encodeURIComponent(d.code)}&v=ZZZZZZ`, '10.1.0.1')).statusCode).toBe(404);
    const ask = await anon(`/tra-cuu?code=${encodeURIComponent(d.code)}`, '10.1.0.1');
    expect(ask.statusCode).toBe(200);
    expect(ask.body).toContain('Mã xác thực');
    expect(ask.body).not.toContain('Đang giải quyết');

    let limited = null;
    for (let i = 0; i < 40 && !limited; i++) {
      const res = await anon(`/v1/public/dossiers/${encodeURIComponent(d.code)}?v=${v}`, '10.1.0.2');
      if (res.statusCode === 429) limited = res;
    }
    expect(limited?.json().error.code).toBe('RATE_LIMITED');
    expect((await anon(`/v1/public/dossiers/${encodeURIComponent(d.code)}?v=${v}`, '10.1.0.3')).statusCode).toBe(200);
  });
});
