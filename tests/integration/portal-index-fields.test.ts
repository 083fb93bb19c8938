/**
 * What the national index scores reaches the portal payload: a dossier driven over HTTP
 * through an online submission, receipt with digitised / reused documents, fee lines paid
 * online, processing and a signed e-result; bad fee lines are refused with coded 4xx and
 * change nothing.
 */
import { readFileSync } from 'node:fs';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePortalDate, type PortalPayload } from '../../src/integration/portal-payload.js';
import { isolatedEnv, startService, type TestService } from '../support/harness.js';

const xml = readFileSync('tests/fixtures/dossiers/simple-permit.bpmn', 'utf8');
const schema = JSON.parse(readFileSync('tests/fixtures/dossiers/simple-permit.schema.json', 'utf8')) as object;

describe('portal payload: fees, result, documents, submission instant', () => {
  const env = isolatedEnv('portal_index');
  let svc: TestService;
  let mongo: MongoClient;
  const json = <T = Record<string, unknown>>(res: { body: string }) => JSON.parse(res.body) as T;
  const post = (url: string, payload: object) => svc.inject({ method: 'POST', url, payload });
  const latestPayload = async (dossierId: string): Promise<PortalPayload> => {
    const rows = await mongo.db().collection<{ dossierId: string; seq: number; payloadJson: string }>('portal_outbox').find({ dossierId }).toArray();
    const last = rows.sort((a, b) => b.seq - a.seq)[0];
    expect(last, 'an outbox record').toBeTruthy();
    return JSON.parse(last!.payloadJson) as PortalPayload;
  };
  const openTask = async (id: string, activityId: string) => {
    const d = json<{ case: { tasks: { id: string; activityId: string }[] } }>(await svc.inject({ method: 'GET', url: `/v1/dossiers/${id}` }));
    const task = d.case.tasks.find((t) => t.activityId === activityId);
    expect(task, `open ${activityId}`).toBeTruthy();
    return task!.id;
  };

  beforeAll(async () => {
    svc = await startService('portal_index', { env });
    mongo = await MongoClient.connect(env.MONGODB_URL);
    for (const unit of [
      { id: 'tinh-pi', code: '000.00.00.H97', name: 'UBND tỉnh PI', kind: 'province', parentId: null },
      { id: 'xa-pi', code: '000.00.31.H97', name: 'UBND xã PI', kind: 'commune', parentId: 'tinh-pi' },
    ]) {
      const res = await post('/v1/units', unit);
      expect(res.statusCode, res.body).toBe(201);
    }
    const published = await post('/v1/procedures', { xml, schema });
    expect(published.statusCode, published.body).toBe(201);
  }, 60_000);
  afterAll(async () => {
    await mongo?.close();
    await svc?.destroy();
  });

  it('sends fee lines, online payment, documents flags, result and the submission date', async () => {
    const submittedAt = new Date(Date.now() - 3 * 3_600_000).toISOString();
    const created = await post('/v1/dossiers', {
      procedureKey: 'simple-permit',
      applicant: { name: 'Lê Văn C' },
      data: { plot: '1/2', area: 80 },
      channel: 'online',
      receivingUnitId: 'xa-pi',
      receive: false,
      submittedAt,
      attachments: [
        { name: 'Đơn đề nghị', url: 'https://files.example.vn/don.pdf', digitised: true },
        { name: 'CCCD', reusedFromNationalStore: true },
        { name: 'Bản vẽ' },
      ],
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = json<{ id: string }>(created).id;
    expect((await post(`/v1/dossiers/${id}/receive`, {})).statusCode).toBe(200);

    const fees = await post(`/v1/dossiers/${id}/fees`, {
      lines: [
        { name: 'Lệ phí cấp giấy phép', amount: 50_000, paid: true, onlineChannel: 'provincial-gateway', receiptNumber: 'BL-001' },
        { name: 'Phí thẩm định', amount: 120_000, paid: false },
      ],
    });
    expect(fees.statusCode, fees.body).toBe(200);
    // The second line gets paid later, through the national portal: it replaces the unpaid line.
    const paid = await post(`/v1/dossiers/${id}/fees`, { lines: [{ line: 2, name: 'Phí thẩm định', amount: 120_000, paid: true, onlineChannel: 'national-portal', receiptNumber: 'BL-002' }] });
    expect(paid.statusCode, paid.body).toBe(200);

    let payload = await latestPayload(id);
    expect(payload.DanhSachLePhi).toEqual([
      { TenPhiLePhi: 'Lệ phí cấp giấy phép', MaPhiLePhi: '1', Gia: '50000', TrangThai: '1', SoBienLai: 'BL-001' },
      { TenPhiLePhi: 'Phí thẩm định', MaPhiLePhi: '2', Gia: '120000', TrangThai: '1', SoBienLai: 'BL-002' },
    ]);
    expect(payload.DuocThanhToanTrucTuyen).toBe('1');
    expect(payload.MaKetQua).toBe('');
    expect(payload.TaiLieuNop.map((t) => [t.TenTepDinhKem, t.DuocSoHoa, t.DuocLayTuKhoDMQG, t.DuongDanTaiTepTin])).toEqual([
      ['Đơn đề nghị', '1', '0', 'https://files.example.vn/don.pdf'],
      ['CCCD', '0', '1', ''],
      ['Bản vẽ', '0', '0', ''],
    ]);
    expect(payload.HoSoCoThanhPhanSoHoa).toBe('1');
    expect(payload.KenhThucHien).toBe('2');
    // Second precision, Vietnam time, as every portal date.
    expect(payload.NgayNopHoSo).toMatch(/^\d{14}$/);
    expect(parsePortalDate(payload.NgayNopHoSo)!.getTime()).toBe(Math.floor(new Date(submittedAt).getTime() / 1000) * 1000);
    expect(parsePortalDate(payload.NgayTiepNhan)!.getTime()).toBeGreaterThan(parsePortalDate(payload.NgayNopHoSo)!.getTime());

    const review = await post(`/v1/tasks/${await openTask(id, 'review')}/complete`, { data: { complete: true } });
    expect(review.statusCode, review.body).toBe(200);
    const result = await post(`/v1/dossiers/${id}/result`, { code: 'GP-2026-0042', fileUrl: 'https://files.example.vn/gp-0042.pdf', signed: true });
    expect(result.statusCode, result.body).toBe(200);
    const decide = await post(`/v1/tasks/${await openTask(id, 'decide')}/complete`, { data: { approved: true } });
    expect(decide.statusCode, decide.body).toBe(200);

    payload = await latestPayload(id);
    expect(payload.TrangThaiHoSo).toBe('9');
    expect(payload.MaKetQua).toBe('GP-2026-0042');
    expect(payload.DuongDanTepTinKetQua).toBe('https://files.example.vn/gp-0042.pdf');
    expect(payload.DanhSachGiayToKetQua).toEqual([
      { TenGiayTo: 'Kết quả giải quyết', GiayToId: '1', MaGiayToKetQua: 'GP-2026-0042', DuongDanTepTinKetQua: 'https://files.example.vn/gp-0042.pdf' },
    ]);
    // People, not keys: the tasks were done as the bootstrap admin, under its configured name.
    expect(payload.QuaTrinhXuLy.map((p) => p.NguoiXuLy)).toEqual(['Quản trị hệ thống', 'Quản trị hệ thống']);
    expect(JSON.stringify(payload)).not.toContain('bootstrap-admin');
    const view = json<{ result: { signed: boolean }; fees: { paid: boolean }[] }>(await svc.inject({ method: 'GET', url: `/v1/dossiers/${id}` }));
    expect(view.result.signed).toBe(true);
    expect(view.fees.map((f) => f.paid)).toEqual([true, true]);
  });

  it('refuses bad fee lines with coded 4xx and stores nothing', async () => {
    const created = await post('/v1/dossiers', { procedureKey: 'simple-permit', applicant: { name: 'Phạm Thị D' }, data: { plot: '3', area: 10 }, channel: 'in-person', receivingUnitId: 'xa-pi' });
    expect(created.statusCode, created.body).toBe(201);
    const id = json<{ id: string }>(created).id;
    const cases: [object, number, string][] = [
      [{ lines: [{ name: 'Lệ phí', amount: -1, paid: false }] }, 400, 'VALIDATION_FAILED'],
      [{ lines: [{ name: 'Lệ phí', amount: 10.5, paid: false }] }, 400, 'VALIDATION_FAILED'],
      [{ lines: [{ name: 'Lệ phí', amount: 1000, paid: false, onlineChannel: 'bank' }] }, 400, 'VALIDATION_FAILED'],
      [{ lines: [] }, 400, 'VALIDATION_FAILED'],
      [{ lines: [{ name: 'Lệ phí', amount: 1000, paid: true }] }, 422, 'FEE_RECEIPT_REQUIRED'],
      [{ lines: [{ name: 'Lệ phí', amount: 1000, paid: false, onlineChannel: 'national-portal' }] }, 422, 'FEE_ONLINE_UNPAID'],
      [{ lines: [{ name: 'Lệ phí', amount: 1000, paid: true, receiptNumber: 'X', paidAt: new Date(Date.now() + 86_400_000).toISOString() }] }, 422, 'FEE_PAID_IN_FUTURE'],
      [{ lines: [{ line: 3, name: 'Lệ phí', amount: 1000, paid: false }] }, 422, 'FEE_LINE_UNKNOWN'],
      [{ lines: [{ name: 'A', amount: 1, paid: true, receiptNumber: 'R1' }, { name: 'B', amount: 2, paid: true, receiptNumber: 'R1' }] }, 422, 'FEE_RECEIPT_DUPLICATE'],
    ];
    const before = await latestPayload(id);
    for (const [body, status, code] of cases) {
      const res = await post(`/v1/dossiers/${id}/fees`, body);
      expect(res.statusCode, `${JSON.stringify(body)} → ${res.body}`).toBe(status);
      expect(json<{ error: { code: string } }>(res).error.code).toBe(code);
    }
    const signedNoFile = await post(`/v1/dossiers/${id}/result`, { code: 'KQ-1', signed: true });
    expect(signedNoFile.statusCode).toBe(422);
    expect(json<{ error: { code: string } }>(signedNoFile).error.code).toBe('RESULT_SIGNED_WITHOUT_FILE');
    const future = await post('/v1/dossiers', { procedureKey: 'simple-permit', applicant: { name: 'X' }, data: { plot: '3', area: 10 }, channel: 'online', receivingUnitId: 'xa-pi', submittedAt: new Date(Date.now() + 3_600_000).toISOString() });
    expect(json<{ error: { code: string } }>(future).error.code).toBe('SUBMITTED_IN_FUTURE');
    // Nothing moved: no fee line, no result, no new portal record.
    const view = json<{ fees: unknown[]; result: unknown }>(await svc.inject({ method: 'GET', url: `/v1/dossiers/${id}` }));
    expect(view.fees).toEqual([]);
    expect(view.result).toBeNull();
    expect(await latestPayload(id)).toEqual(before);
    // A withdrawn dossier's fees are closed.
    expect((await post(`/v1/dossiers/${id}/withdraw`, { reason: 'người nộp rút' })).statusCode).toBe(200);
    const closed = await post(`/v1/dossiers/${id}/fees`, { lines: [{ name: 'Lệ phí', amount: 1, paid: false }] });
    expect(closed.statusCode).toBe(409);
    expect(json<{ error: { code: string } }>(closed).error.code).toBe('FEES_CLOSED');
  });
});
