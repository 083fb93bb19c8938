/**
 * GET /v1/monitoring/overdue, /due-soon and /escalations on the real pipeline: dossiers
 * received through the API, their appointment dates then set to known instants. The calendar
 * here counts every hour (24/7, no holidays), so expected working hours are wall-clock hours
 * the test computes from what it set. Scope: a commune supervisor sees only their commune.
 */
import { readFileSync } from 'node:fs';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey, createUnit, type TestKey } from '../support/auth.js';
import { eventually, isolatedEnv, startService, type TestService } from '../support/harness.js';

const permit = readFileSync('tests/fixtures/dossiers/simple-permit.bpmn', 'utf8');
const schema = JSON.parse(readFileSync('tests/fixtures/dossiers/simple-permit.schema.json', 'utf8')) as object;
// The same procedure with a 3-second statutory time: its breach fires during the test.
const fastPermit = permit.replace('id="simple-permit"', 'id="fast-permit"').replace('value="3 working days"', 'value="0.05 working minutes"')
  .replace(/value="1 working days"/g, 'value="0.02 working minutes"');
const env = { ...isolatedEnv('monitoring_worklists'), OFFICE_HOURS: '00:00-24:00', WEEKEND_DAYS: 'none', CALENDAR_HOLIDAYS: 'none' };
const HOUR = 3_600_000;

interface Row {
  dossierId: string; dossierCode: string; procedureName: string; stepName: string; activityId: string; unitId: string; unitName: string;
  assignee: string | null; candidateGroups: string[]; dueAt: string; workingHoursLate: number | null; workingHoursLeft: number | null;
  consolePath: string; apiPath: string; kind?: string; id?: string;
}
interface Page { items: Row[]; total?: number; limit: number; nextCursor: string | null; offset?: number }

describe('overdue, due-soon and escalation lists', () => {
  let svc: TestService;
  let mongo: MongoClient;
  let communeA: TestKey;
  let communeB: TestKey;
  let province: TestKey;
  const seeded = new Map<string, { id: string; code: string; unit: string; dueAt: number }>();

  const receive = async (procedureKey: string, unit: string) => {
    const res = await svc.inject({
      method: 'POST',
      url: '/v1/dossiers',
      payload: { procedureKey, applicant: { name: 'Giám Sát' }, data: { plot: '1', area: 10 }, channel: 'in-person', receivingUnitId: unit },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; code: string };
  };
  const get = async (key: TestKey, url: string) => {
    const res = await key.inject({ method: 'GET', url });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Page;
  };
  const codes = (p: Page) => p.items.map((r) => r.dossierCode);
  const codeOf = (name: string) => seeded.get(name)!.code;

  beforeAll(async () => {
    svc = await startService('monitoring_worklists', { env });
    mongo = new MongoClient(env.MONGODB_URL);
    await mongo.connect();
    await createUnit(svc, { id: 'tinh-ds', code: '000.00.00.H01', kind: 'province', name: 'Tỉnh Thử' });
    await createUnit(svc, { id: 'xa-ds-a', code: '000.00.41.H01', parentId: 'tinh-ds', name: 'Xã An Bình' });
    await createUnit(svc, { id: 'xa-ds-b', code: '000.00.42.H01', parentId: 'tinh-ds', name: 'Xã Bình Minh' });
    communeA = await createKey(svc, 'supervisor', ['xa-ds-a']);
    communeB = await createKey(svc, 'supervisor', ['xa-ds-b']);
    province = await createKey(svc, 'supervisor', ['tinh-ds']);
    for (const xml of [permit, fastPermit]) {
      const res = await svc.inject({ method: 'POST', url: '/v1/procedures', payload: { xml, schema } });
      expect(res.statusCode, res.body).toBe(201);
    }

    // Appointment dates relative to now, in hours: negative = overdue.
    const plan: [string, string, number][] = [['A1', 'xa-ds-a', -5], ['A2', 'xa-ds-a', -1], ['A3', 'xa-ds-a', 3], ['B1', 'xa-ds-b', -10], ['B2', 'xa-ds-b', 20], ['AP', 'xa-ds-a', -2]];
    const now = Date.now();
    for (const [name, unit, hours] of plan) {
      const d = await receive('simple-permit', unit);
      seeded.set(name, { ...d, unit, dueAt: now + hours * HOUR });
    }
    // AP waits for the applicant's supplement: its clock stops, nobody in the units holds it.
    expect((await svc.inject({ method: 'POST', url: `/v1/dossiers/${seeded.get('AP')!.id}/supplement-request`, payload: { reason: 'thiếu bản sao' } })).statusCode).toBe(200);
    const cases = mongo.db().collection<{ _id: string }>('cases');
    // The task rows are applied just after each commit: wait until every open task is there.
    const tasks = mongo.db().collection<{ _id: string }>('tasks');
    await eventually(async () => ((await tasks.countDocuments({ status: 'open' })) >= 5 ? true : undefined), 30_000);
    // Set on the case and, as a commit moving the due instant writes them, on its open task rows.
    for (const s of seeded.values()) {
      const due = new Date(s.dueAt).toISOString();
      await cases.updateOne({ _id: s.id }, { $set: { 'clock.dueAt': due } });
      await tasks.updateMany({ caseId: s.id, status: 'open' } as never, { $set: { caseDueAt: due, workOrder: `${due}|${s.code}` } });
    }
  }, 120_000);
  afterAll(async () => {
    await mongo?.close();
    await svc?.destroy();
  });

  it('lists overdue dossiers most overdue first, with step, unit, assignee, working hours late and links, within the scope', async () => {
    const before = Date.now();
    const own = await get(communeA, '/v1/monitoring/overdue?total=true');
    const all = await get(province, '/v1/monitoring/overdue');
    const after = Date.now();
    expect(codes(own)).toEqual([codeOf('A1'), codeOf('A2')]);
    expect([own.total, own.nextCursor, all.total]).toEqual([2, null, undefined]);
    expect(codes(all)).toEqual([codeOf('B1'), codeOf('A1'), codeOf('A2')]);
    expect(codes(await get(communeB, '/v1/monitoring/overdue'))).toEqual([codeOf('B1')]);

    const a1 = own.items[0]!;
    const seed = seeded.get('A1')!;
    expect(a1).toMatchObject({
      dossierId: seed.id, procedureName: 'Simple permit', stepName: 'Review', activityId: 'review', unitId: 'xa-ds-a', unitName: 'Xã An Bình',
      assignee: null, candidateGroups: ['specialist'], dueAt: new Date(seed.dueAt).toISOString(), workingHoursLeft: null,
      consolePath: `/console/#/dossier/${seed.id}`, apiPath: `/v1/dossiers/${seed.id}`,
    });
    // 5 hours late when asked, give or take the time the requests took (rounded to 0.01 h).
    expect(a1.workingHoursLate).toBeGreaterThanOrEqual(5 - 0.01);
    expect(a1.workingHoursLate).toBeLessThanOrEqual(5 + (after - before) / HOUR + 0.01);
    const linked = await communeA.inject({ method: 'GET', url: a1.apiPath });
    expect([linked.statusCode, (linked.json() as { code: string }).code]).toEqual([200, seed.code]);

    // Deprecated offset paging still answers, for one release.
    const second = await get(province, '/v1/monitoring/overdue?limit=1&offset=1&total=true');
    expect([codes(second), second.total, second.offset]).toEqual([[codeOf('A1')], 3, 1]);
    expect(codes(await get(province, '/v1/monitoring/overdue?unitId=xa-ds-b'))).toEqual([codeOf('B1')]);
  });

  it('pages the lists by cursor, bound to the scope that got it', async () => {
    const seen: string[] = [];
    let page = await get(province, '/v1/monitoring/overdue?limit=1');
    seen.push(...codes(page));
    const first = page.nextCursor!;
    while (page.nextCursor) {
      page = await get(province, `/v1/monitoring/overdue?limit=1&cursor=${encodeURIComponent(page.nextCursor)}`);
      seen.push(...codes(page));
    }
    expect(seen).toEqual([codeOf('B1'), codeOf('A1'), codeOf('A2')]);
    // Another key's units, or a cursor that is not one: 400 INVALID_CURSOR, never a page of other units.
    for (const [key, cursor] of [[communeA, first], [province, 'bm9wZQ']] as const) {
      const res = await key.inject({ method: 'GET', url: `/v1/monitoring/overdue?limit=1&cursor=${encodeURIComponent(cursor)}` });
      expect([res.statusCode, (res.json() as { error: { code: string } }).error.code]).toEqual([400, 'INVALID_CURSOR']);
    }
    const soon = await get(province, '/v1/monitoring/due-soon?hours=24&limit=1');
    const next = await get(province, `/v1/monitoring/due-soon?hours=24&limit=1&cursor=${encodeURIComponent(soon.nextCursor!)}`);
    expect([...codes(soon), ...codes(next), next.nextCursor]).toEqual([codeOf('A3'), codeOf('B2'), null]);
  });

  it('brings a paused dossier back into the lists when its clock resumes (a commit rewrites its task row)', async () => {
    const ap = seeded.get('AP')!;
    expect(codes(await get(communeA, '/v1/monitoring/overdue'))).not.toContain(ap.code);
    const res = await svc.inject({ method: 'POST', url: `/v1/dossiers/${ap.id}/supplement-received`, payload: {} });
    expect(res.statusCode, res.body).toBe(200);
    // Resuming moves the appointment date by the pause; the row follows the case's new clock.
    const due = ((await svc.inject({ method: 'GET', url: `/v1/dossiers/${ap.id}` })).json() as { dueAt: string }).dueAt;
    const list = await eventually(async () => {
      const p = await get(communeA, '/v1/monitoring/due-soon?hours=2000');
      const o = await get(communeA, '/v1/monitoring/overdue');
      const rows = [...p.items, ...o.items].filter((r) => r.dossierCode === ap.code);
      return rows.length ? rows : undefined;
    }, 30_000, 250);
    expect(list).toHaveLength(1);
    expect(list[0]!.dueAt).toBe(due);
    expect(codes(await get(province, '/v1/monitoring/overdue?unitId=xa-ds-b'))).toEqual([codeOf('B1')]);
  });

  it('lists dossiers due within N working hours, soonest first', async () => {
    const own = await get(communeA, '/v1/monitoring/due-soon');
    expect(codes(own)).toEqual([codeOf('A3')]);
    expect(own.items[0]!.workingHoursLeft).toBeGreaterThan(2.9);
    expect(own.items[0]!.workingHoursLeft).toBeLessThanOrEqual(3);
    expect(codes(await get(province, '/v1/monitoring/due-soon'))).toEqual([codeOf('A3')]);
    expect(codes(await get(province, '/v1/monitoring/due-soon?hours=24'))).toEqual([codeOf('A3'), codeOf('B2')]);
    expect(codes(await get(communeB, '/v1/monitoring/due-soon?hours=24'))).toEqual([codeOf('B2')]);
  });

  it('refuses a unit outside the scope and over-long JSON pages', async () => {
    for (const url of ['/v1/monitoring/overdue?unitId=xa-ds-b', '/v1/monitoring/due-soon?unitId=xa-ds-b', '/v1/monitoring/escalations?unitId=tinh-ds']) {
      const res = await communeA.inject({ method: 'GET', url });
      expect([res.statusCode, (res.json() as { error: { code: string } }).error.code], url).toEqual([403, 'OUT_OF_SCOPE']);
    }
    expect((await province.inject({ method: 'GET', url: '/v1/monitoring/overdue?limit=201' })).statusCode).toBe(400);
  });

  it('exports the lists and the summary as CSV, Vietnamese headers by default, English with lang=en', async () => {
    const csv = await province.inject({ method: 'GET', url: '/v1/monitoring/overdue?format=csv' });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toMatch(/attachment; filename="qua-han-\d{4}-\d{2}-\d{2}\.csv"/);
    const lines = csv.body.replace(/^\uFEFF/, '').trim().split('\n');
    expect(lines[0]).toMatch(/^Mã hồ sơ,Thủ tục,Bước xử lý,Mã đơn vị,Đơn vị xử lý,/);
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual([codeOf('B1'), codeOf('A1'), codeOf('A2')]);
    expect(lines[1]).toContain(',Review,xa-ds-b,Xã Bình Minh,');

    const en = await communeA.inject({ method: 'GET', url: '/v1/monitoring/due-soon?format=csv&lang=en' });
    const enLines = en.body.replace(/^\uFEFF/, '').trim().split('\n');
    expect(enLines[0]).toMatch(/^Dossier code,Procedure,Step,.*,Working hours left,Console link,API path$/);
    expect(enLines.slice(1).map((l) => l.split(',')[0])).toEqual([codeOf('A3')]);

    const summary = (await province.inject({ method: 'GET', url: '/v1/monitoring/summary' })).json() as { totals: { received: number } };
    const sumCsv = await province.inject({ method: 'GET', url: '/v1/monitoring/summary?format=csv' });
    const sumLines = sumCsv.body.replace(/^\uFEFF/, '').trim().split('\n');
    expect(sumLines[0]).toMatch(/^Cấp,Mã đơn vị,Mã thủ tục,Tiếp nhận,/);
    expect(sumLines[1]).toMatch(new RegExp(`^Tổng,,,${summary.totals.received},`));
    expect(summary.totals.received).toBe(6);
    expect(sumLines.filter((l) => l.startsWith('Đơn vị,')).map((l) => l.split(',')[1])).toEqual(['xa-ds-a', 'xa-ds-b']);
  });

  it('lists escalations of open dossiers with dossier code, step name, unit and working hours late, within the scope', async () => {
    const fast = await receive('fast-permit', 'xa-ds-b');
    const page = await eventually(async () => {
      const p = await get(communeB, '/v1/monitoring/escalations?kind=breach');
      return p.items.some((r) => r.dossierCode === fast.code) ? p : undefined;
    }, 60_000, 250);
    const row = page.items.find((r) => r.dossierCode === fast.code)!;
    expect(row).toMatchObject({
      kind: 'breach', dossierId: fast.id, procedureName: 'Simple permit', stepName: 'Review', unitId: 'xa-ds-b', unitName: 'Xã Bình Minh',
      candidateGroups: ['specialist'], consolePath: `/console/#/dossier/${fast.id}`,
    });
    expect(row.workingHoursLate).toBeGreaterThanOrEqual(0);
    // The same record as GET /v1/escalations keeps, by case.
    const raw = (await svc.inject({ method: 'GET', url: `/v1/escalations?caseId=${fast.id}&kind=breach` })).json() as { items: { dueAt: string }[] };
    expect(row.dueAt).toBe(raw.items[0]!.dueAt);
    expect((await get(province, '/v1/monitoring/escalations')).items.map((r) => r.dossierCode)).toContain(fast.code);
    expect((await get(communeA, '/v1/monitoring/escalations')).items.map((r) => r.dossierCode)).not.toContain(fast.code);
    // Cursor pages give the whole list in its order (newest first, ties by id).
    const full = (await get(province, '/v1/monitoring/escalations?limit=200')).items.map((r) => r.id);
    expect(full.length).toBeGreaterThanOrEqual(2);
    const paged: (string | undefined)[] = [];
    let p = await get(province, '/v1/monitoring/escalations?limit=1');
    paged.push(...p.items.map((r) => r.id));
    while (p.nextCursor) {
      p = await get(province, `/v1/monitoring/escalations?limit=1&cursor=${encodeURIComponent(p.nextCursor)}`);
      paged.push(...p.items.map((r) => r.id));
    }
    expect(paged).toEqual(full);
    const csv = await province.inject({ method: 'GET', url: '/v1/monitoring/escalations?format=csv' });
    expect(csv.body.replace(/^\uFEFF/, '').split('\n')[0]).toMatch(/^Loại,Thời điểm cảnh báo,Mã hồ sơ,/);
    expect(csv.body).toContain('\nQuá hạn,');
  }, 90_000);
});
