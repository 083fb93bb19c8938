/**
 * The tracking sheet (Form 06) names people, not keys: keys issued with a display name and a
 * title, the bootstrap admin under its configured name; Vietnamese labels; a row for every
 * lifecycle event (receipt, supplement, payment, fee, result, return, withdrawal, stop).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/auth/permissions.js';
import { isolatedEnv, startService, type TestService } from '../support/harness.js';

const xml = readFileSync('tests/fixtures/dossiers/simple-permit.bpmn', 'utf8');
const schema = JSON.parse(readFileSync('tests/fixtures/dossiers/simple-permit.schema.json', 'utf8')) as object;

interface Row {
  kind: string;
  step: string;
  from: { person: string; title: string; unit: string | null };
  to: { person: string | null; title: string; unit: string | null };
  result: string;
  note: string | null;
}
interface Sheet {
  status: { code: number; name: string };
  rows: Row[];
}

describe('tracking sheet: people and every lifecycle event', () => {
  const env = { ...isolatedEnv('sheet_people'), ADMIN_DISPLAY_NAME: 'Trần Quản Trị', ADMIN_TITLE: 'Quản trị hệ thống tỉnh' };
  let svc: TestService;
  const keys: Record<string, { id: string; key: string }> = {};
  const as = (who: string, method: 'GET' | 'POST', url: string, payload?: object) =>
    svc.inject({ method, url, payload, headers: who === 'admin' ? {} : { authorization: `Bearer ${keys[who]!.key}` } });
  const ok = async (who: string, url: string, payload: object = {}) => {
    const res = await as(who, 'POST', url, payload);
    expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
    return res.json();
  };
  const receive = async () => {
    const res = await as('desk', 'POST', '/v1/dossiers', { procedureKey: 'simple-permit', applicant: { name: 'Hoàng Văn E' }, data: { plot: '5', area: 50 }, channel: 'in-person', receivingUnitId: 'xa-tp' });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const task = async (id: string, activityId: string, data: object) => {
    const d = (await as('admin', 'GET', `/v1/dossiers/${id}`)).json();
    const t = d.case.tasks.find((x: { activityId: string }) => x.activityId === activityId);
    expect(t, activityId).toBeTruthy();
    await ok('specialist', `/v1/tasks/${t.id}/complete`, { data });
  };
  const sheet = async (id: string) => {
    const res = await as('admin', 'GET', `/v1/dossiers/${id}/tracking-sheet`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Sheet;
  };

  beforeAll(async () => {
    svc = await startService('sheet_people', { env });
    for (const unit of [
      { id: 'tinh-tp', code: '000.00.00.H95', name: 'UBND tỉnh TP', kind: 'province', parentId: null },
      { id: 'xa-tp', code: '000.00.31.H95', name: 'UBND xã Tân Phú', kind: 'commune', parentId: 'tinh-tp' },
    ]) {
      expect((await svc.inject({ method: 'POST', url: '/v1/units', payload: unit })).statusCode).toBe(201);
    }
    expect((await svc.inject({ method: 'POST', url: '/v1/procedures', payload: { xml, schema } })).statusCode).toBe(201);
    const issue: [string, Role, string, string][] = [
      ['desk', 'desk-officer', 'Nguyễn Thị Lan', 'Công chức Một cửa'],
      ['specialist', 'specialist', 'Lê Minh Tuấn', 'Công chức Địa chính - Xây dựng'],
    ];
    for (const [who, role, displayName, title] of issue) {
      const res = await svc.inject({ method: 'POST', url: '/v1/api-keys', payload: { name: `${who} key`, displayName, title, role, unitIds: ['xa-tp'] } });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({ displayName, title });
      keys[who] = res.json();
    }
  }, 60_000);
  afterAll(async () => {
    await svc?.destroy();
  });

  it('a dossier through supplement, payment, fee, result and return: every row names its person', async () => {
    const id = await receive();
    await ok('specialist', `/v1/dossiers/${id}/supplement-request`, { reason: 'Thiếu bản vẽ', items: ['Bản vẽ mặt bằng'] });
    await ok('desk', `/v1/dossiers/${id}/supplement-received`, { note: 'đã nhận bản vẽ' });
    await ok('specialist', `/v1/dossiers/${id}/payment-request`, { reason: 'Lệ phí cấp phép', amount: 50000 });
    await ok('desk', `/v1/dossiers/${id}/fees`, { lines: [{ name: 'Lệ phí cấp phép', amount: 50000, paid: true, receiptNumber: 'BL-7' }] });
    await ok('desk', `/v1/dossiers/${id}/payment-received`, {});
    await task(id, 'review', { complete: true });
    await task(id, 'decide', { approved: true });
    await ok('specialist', `/v1/dossiers/${id}/result`, { code: 'GP-7', fileUrl: 'https://files.example.vn/gp7.pdf', signed: true });
    await ok('desk', `/v1/dossiers/${id}/return-result`, {});

    const s = await sheet(id);
    expect(s.status).toEqual({ code: 10, name: 'Đã trả kết quả' });
    const kinds = s.rows.map((r) => r.kind);
    for (const kind of ['submission', 'receipt', 'supplement-request', 'supplement-received', 'payment-request', 'payment-received', 'fee-paid', 'task', 'result', 'return']) {
      expect(kinds, kind).toContain(kind);
    }
    const row = (kind: string) => s.rows.find((r) => r.kind === kind) as Row;
    expect(row('receipt').from).toMatchObject({ person: 'Nguyễn Thị Lan', title: 'Công chức Một cửa', unit: 'UBND xã Tân Phú' });
    expect(row('supplement-request')).toMatchObject({ step: 'Yêu cầu bổ sung, hoàn thiện hồ sơ (lần 1)', from: { person: 'Lê Minh Tuấn', title: 'Công chức Địa chính - Xây dựng' } });
    expect(row('supplement-request').note).toContain('Bản vẽ mặt bằng');
    expect(row('supplement-received').to).toMatchObject({ person: 'Nguyễn Thị Lan' });
    expect(row('payment-request').from).toMatchObject({ person: 'Lê Minh Tuấn' });
    expect(row('payment-request').note).toMatch(/50\.000 đồng/);
    expect(row('fee-paid')).toMatchObject({ to: { person: 'Nguyễn Thị Lan' }, note: 'Biên lai số BL-7' });
    expect(s.rows.filter((r) => r.kind === 'task').map((r) => r.from.person)).toEqual(['Lê Minh Tuấn', 'Lê Minh Tuấn']);
    expect(row('result')).toMatchObject({ from: { person: 'Lê Minh Tuấn' }, result: 'Số/mã kết quả GP-7 (kết quả điện tử, đã ký số)' });
    expect(row('return')).toMatchObject({ step: 'Trả kết quả cho người nộp', from: { person: 'Nguyễn Thị Lan', title: 'Công chức Một cửa' } });
    // Rows in time order; no key id anywhere on the sheet.
    const times = s.rows.map((r) => Date.parse((r as unknown as { at: string }).at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    const text = JSON.stringify(s);
    for (const k of Object.values(keys)) expect(text).not.toContain(k.id);

    const html = (await as('admin', 'GET', `/v1/dossiers/${id}/tracking-sheet?format=html`)).body;
    for (const words of ['PHIẾU KIỂM SOÁT', 'Nguyễn Thị Lan', 'Công chức Một cửa', 'Lê Minh Tuấn', 'Yêu cầu bổ sung', 'Trả kết quả cho người nộp', 'Nội dung công việc']) {
      expect(html).toContain(words);
    }
    for (const k of Object.values(keys)) expect(html).not.toContain(k.id);
  });

  it('withdrawal and stop have their rows; the bootstrap admin shows under its configured name', async () => {
    const withdrawn = await receive();
    await ok('desk', `/v1/dossiers/${withdrawn}/withdraw`, { reason: 'Người nộp xin rút' });
    const w = await sheet(withdrawn);
    expect(w.status.name).toBe('Công dân rút hồ sơ');
    expect(w.rows.find((r) => r.kind === 'closing')).toMatchObject({ step: 'Rút hồ sơ', from: { person: 'Nguyễn Thị Lan' }, result: 'Công dân rút hồ sơ', note: 'Người nộp xin rút' });

    const stopped = await receive();
    await ok('admin', `/v1/dossiers/${stopped}/stop`, { reason: 'Hồ sơ không đủ điều kiện' });
    const st = await sheet(stopped);
    expect(st.rows.find((r) => r.kind === 'closing')).toMatchObject({ step: 'Dừng xử lý hồ sơ', from: { person: 'Trần Quản Trị', title: 'Quản trị hệ thống tỉnh' }, result: 'Dừng xử lý' });
    expect(JSON.stringify(st)).not.toContain('bootstrap-admin');
  });
});
