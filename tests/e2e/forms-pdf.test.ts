/**
 * The Circular 03/2025 forms as PDF (GET …/forms/:form?format=pdf or Accept: application/pdf,
 * and the register): the bytes parse as PDF and the extracted text carries the same fields as
 * the HTML — the dossier code, the applicant's name with its diacritics, the dates.
 */
import { readFileSync } from 'node:fs';
import { PDFParse } from 'pdf-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type TestService } from '../support/harness.js';

const xml = readFileSync('tests/fixtures/dossiers/simple-permit.bpmn', 'utf8');
const schema = JSON.parse(readFileSync('tests/fixtures/dossiers/simple-permit.schema.json', 'utf8')) as object;

/** The PDF's text, whitespace folded (lines break where the page does). */
async function pdfText(bytes: Buffer): Promise<{ text: string; pages: number }> {
  const parser = new PDFParse({ data: new Uint8Array(bytes) });
  try {
    const result = await parser.getText();
    return { text: result.text.replace(/\s+/g, ' '), pages: result.total };
  } finally {
    await parser.destroy();
  }
}

describe('forms as PDF', () => {
  // Tuesday 01/12/2026 09:00 in Vietnam.
  let clock = new Date('2026-12-01T02:00:00Z');
  let svc: TestService;
  const NAME = 'Nguyễn Thị Hồng Nhung';
  const post = (url: string, payload: object = {}) => svc.inject({ method: 'POST', url, payload });
  const getPdf = async (url: string, headers: Record<string, string> = {}) => {
    const res = await svc.inject({ method: 'GET', url, headers });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    expect(res.headers['content-type']).toContain('application/pdf');
    expect(res.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    return pdfText(res.rawPayload);
  };

  beforeAll(async () => {
    svc = await startService('forms_pdf', { now: () => clock });
    for (const unit of [
      { id: 'tinh-pdf', code: '000.00.00.H92', name: 'UBND tỉnh Phú Điền', kind: 'province', parentId: null },
      { id: 'xa-pdf', code: '000.00.31.H92', name: 'UBND xã Đồng Hỷ', kind: 'commune', parentId: 'tinh-pdf' },
    ]) {
      expect((await post('/v1/units', unit)).statusCode).toBe(201);
    }
    expect((await post('/v1/procedures', { xml, schema })).statusCode).toBe(201);
  }, 60_000);
  afterAll(async () => {
    await svc?.destroy();
  });

  it('receipt slip (01): code, applicant with diacritics, receipt and appointment dates, verification value', async () => {
    const res = await post('/v1/dossiers', {
      procedureKey: 'simple-permit',
      applicant: { name: NAME, idNumber: '001099012345', address: 'Thôn Ỷ La, xã Đồng Hỷ' },
      data: { plot: '5', area: 50 },
      channel: 'in-person',
      receivingUnitId: 'xa-pdf',
      attachments: [{ name: 'Đơn đề nghị cấp giấy phép', digitised: true }, { name: 'Bản vẽ thiết kế' }],
    });
    expect(res.statusCode, res.body).toBe(201);
    const d = res.json() as { id: string; code: string; dueAt: string };
    const html = (await svc.inject({ method: 'GET', url: `/v1/dossiers/${d.id}/forms/01` })).body;
    const verification = /Mã xác thực: <b>([A-Z0-9]+)<\/b>/.exec(html)?.[1];
    expect(verification).toMatch(/^[A-Z2-9]{6}$/);

    const { text, pages } = await getPdf(`/v1/dossiers/${d.id}/forms/01?format=pdf`);
    expect(pages).toBeGreaterThanOrEqual(1);
    expect(text).toContain('GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ');
    expect(text).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(text).toContain(d.code);
    expect(text).toContain(NAME);
    expect(text).toContain('Thôn Ỷ La, xã Đồng Hỷ');
    expect(text).toContain('Đơn đề nghị cấp giấy phép');
    expect(text).toContain('09 giờ 00 phút, ngày 01/12/2026'); // received
    // The appointment: 3 working days later, as the HTML prints it.
    const due = /4\. Thời gian trả kết quả giải quyết hồ sơ: <b>([^<]+)<\/b>/.exec(html)?.[1];
    expect(due).toBe('09 giờ 00 phút, ngày 04/12/2026');
    expect(text).toContain(`4. Thời gian trả kết quả giải quyết hồ sơ: ${due}`);
    expect(text).toContain(`Mã xác thực: ${verification}`);
    expect(text).toContain('ngày 01 tháng 12 năm 2026');

    // Accept: application/pdf chooses PDF for the supplement request (02) too.
    clock = new Date('2026-12-01T04:00:00Z');
    expect((await post(`/v1/dossiers/${d.id}/supplement-request`, { reason: 'Thiếu bản vẽ mặt bằng', items: ['Bản vẽ mặt bằng tỷ lệ 1/100'] })).statusCode).toBe(200);
    const p02 = await getPdf(`/v1/dossiers/${d.id}/forms/02-1`, { accept: 'application/pdf' });
    expect(p02.text).toContain('PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ');
    expect(p02.text).toContain(`Hồ sơ số: ${d.code} (lần 1)`);
    expect(p02.text).toContain(NAME);
    expect(p02.text).toContain('1. Bản vẽ mặt bằng tỷ lệ 1/100');
    expect(p02.text).toContain('Lý do: Thiếu bản vẽ mặt bằng');
    // A browser's Accept (HTML first) still gets HTML.
    const browser = await svc.inject({ method: 'GET', url: `/v1/dossiers/${d.id}/forms/02-1`, headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(browser.headers['content-type']).toContain('text/html');
    const bad = await svc.inject({ method: 'GET', url: `/v1/dossiers/${d.id}/forms/01?format=docx` });
    expect(bad.statusCode).toBe(400);
    const none = await svc.inject({ method: 'GET', url: `/v1/dossiers/${d.id}/forms/05?format=pdf` });
    expect(none.statusCode).toBe(404);
    expect(none.json().error.code).toBe('FORM_NOT_ISSUED');
  }, 120_000);

  it('the register (07) as landscape PDF: every dossier of the period with its dates', async () => {
    clock = new Date('2026-12-02T02:00:00Z');
    const names = ['Trần Văn Đức', 'Lê Thị Ánh Tuyết'];
    const codes: string[] = [];
    for (const name of names) {
      const res = await post('/v1/dossiers', { procedureKey: 'simple-permit', applicant: { name, phone: '0912345678' }, data: { plot: '1', area: 10 }, channel: 'online', receivingUnitId: 'xa-pdf' });
      expect(res.statusCode, res.body).toBe(201);
      codes.push((res.json() as { code: string }).code);
    }
    const { text } = await getPdf('/v1/units/xa-pdf/dossier-register?from=2026-12-01T17:00:00Z&to=2026-12-02T17:00:00Z&format=pdf');
    expect(text).toContain('SỔ THEO DÕI HỒ SƠ');
    expect(text).toContain('Từ ngày 02/12/2026');
    for (const code of codes) expect(text).toContain(code);
    for (const name of names) expect(text).toContain(name);
    expect(text).toContain('Tổng số: 2 hồ sơ');
  }, 120_000);
});
