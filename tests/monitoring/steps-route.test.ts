/**
 * Step statistics and late attribution on the real commit pipeline: cases driven through the
 * API on a 24/7 calendar (working time = wall time), steps made late by waiting past their
 * due instant, never by racing a short budget; expected figures come from the plan below.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey, createUnit, type TestKey } from '../support/auth.js';
import { isolatedEnv, startService, type TestService } from '../support/harness.js';

const xml = readFileSync('tests/fixtures/monitoring/two-steps.bpmn', 'utf8');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const env = { ...isolatedEnv('monitoring_steps'), OFFICE_HOURS: '00:00-24:00', WEEKEND_DAYS: 'none', CALENDAR_HOLIDAYS: 'none' };

interface CaseBody { id: string; status: string; tasks: { id: string; activityId: string; dueAt: string | null }[]; deadline: { dueAt: string } | null; sla: { class: string } | null }
interface Stat { activityId: string; name: string; count: number; meanWorkingMinutes: number | null; withQuota: number; late: number; lateShare: number | null; medianWorkingMinutes: number | null; p90WorkingMinutes: number | null; overMinutes: number }
interface Blame { unitId: string; procedureKey: string; activityId: string; name: string; steps: number; overMinutes: number }

describe('monitoring: which step took the time', () => {
  let svc: TestService;
  let supervisorA: TestKey;
  let province: TestKey;

  beforeAll(async () => {
    svc = await startService('monitoring_steps', { env, background: false });
    await createUnit(svc, { id: 'tinh-b', code: '000.00.00.H01', kind: 'province' });
    await createUnit(svc, { id: 'xa-b1', code: '000.00.41.H01', parentId: 'tinh-b' });
    await createUnit(svc, { id: 'xa-b2', code: '000.00.42.H01', parentId: 'tinh-b' });
    supervisorA = await createKey(svc, 'supervisor', ['xa-b1']);
    province = await createKey(svc, 'supervisor', ['tinh-b']);
    // Quotas of 60 ms and a statutory time of 120 ms are passed by waiting; 100 days never are.
    for (const [key, quota, statutory] of [['mon_tight', '0.001 working minutes', '0.002 working minutes'], ['mon_loose', '100 working days', '300 working days']]) {
      const res = await svc.inject({ method: 'POST', url: '/v1/procedures', headers: { 'content-type': 'application/xml' }, payload: xml.replace('PROC_KEY', key!).replace(/QUOTA/g, quota!).replace('STATUTORY', statutory!) });
      expect([200, 201], res.body).toContain(res.statusCode);
    }
  }, 60_000);
  afterAll(async () => {
    await svc?.destroy();
  });

  const untilPast = async (iso: string | null | undefined) => {
    if (iso) await sleep(Math.max(0, Date.parse(iso) - Date.now()) + 50);
  };
  /** Receives a dossier at `unit`, completes both steps; in a tight one only past each due instant. */
  const run = async (procedureKey: string, unitId: string) => {
    const received = await svc.inject({ method: 'POST', url: '/v1/dossiers', payload: { procedureKey, applicant: { name: 'Phạm Văn B' }, data: {}, channel: 'in-person', receivingUnitId: unitId } });
    expect(received.statusCode, received.body).toBe(201);
    const dossier = JSON.parse(received.body) as { id: string };
    let c = JSON.parse((await svc.inject({ method: 'GET', url: `/v1/cases/${dossier.id}` })).body) as CaseBody;
    for (const step of ['check', 'sign']) {
      const task = c.tasks.find((t) => t.activityId === step)!;
      if (procedureKey === 'mon_tight') {
        await untilPast(task.dueAt);
        await untilPast(c.deadline?.dueAt);
      }
      const res = await svc.inject({ method: 'POST', url: `/v1/tasks/${task.id}/complete`, payload: { data: {} } });
      expect(res.statusCode, res.body).toBe(200);
      c = JSON.parse(res.body) as CaseBody;
    }
    expect(c.status).toBe('completed');
    return c;
  };

  it('counts steps per activity with names, quota shares and attribution, within the scope', async () => {
    // The plan: tight cases are late at both steps and finish late; loose ones are early.
    const plan: [string, string][] = [['mon_tight', 'xa-b1'], ['mon_tight', 'xa-b1'], ['mon_tight', 'xa-b2'], ['mon_loose', 'xa-b1'], ['mon_loose', 'xa-b2']];
    for (const [key, unit] of plan) {
      const done = await run(key, unit);
      expect(done.sla?.class).toBe(key === 'mon_tight' ? 'late' : 'early');
    }
    const stats = async (k: TestKey | TestService, key: string, q = '') =>
      (JSON.parse((await k.inject({ method: 'GET', url: `/v1/monitoring/procedures/${key}/versions/1/steps${q}` })).body) as { activities: Stat[] }).activities;

    const tight = await stats(province, 'mon_tight');
    const check = tight.find((a) => a.activityId === 'check')!;
    expect(check).toMatchObject({ name: 'Thẩm định hồ sơ', count: 3, withQuota: 3, late: 3, lateShare: 1 });
    expect(check.overMinutes).toBeGreaterThanOrEqual(0); // a few hundred ms over: rounds to 0.00 minutes
    expect(check.medianWorkingMinutes).toBeGreaterThanOrEqual(0);
    expect(check.p90WorkingMinutes!).toBeGreaterThanOrEqual(check.medianWorkingMinutes!);
    expect(tight.find((a) => a.activityId === 'sign')).toMatchObject({ name: 'Ký duyệt', count: 3, late: 3, lateShare: 1 });
    expect((await stats(svc, 'mon_tight')).find((a) => a.activityId === 'check')).toMatchObject({ count: 3 }); // admin: province rows
    expect((await stats(supervisorA, 'mon_tight')).find((a) => a.activityId === 'check')).toMatchObject({ count: 2, late: 2 });
    expect((await stats(province, 'mon_loose')).map((a) => [a.activityId, a.count, a.late])).toEqual([['check', 2, 0], ['sign', 2, 0]]);
    expect(await stats(province, 'mon_loose', '?unitId=xa-b2')).toEqual([expect.objectContaining({ activityId: 'check', count: 1 }), expect.objectContaining({ activityId: 'sign', count: 1 })]);

    const blame = async (k: TestKey, q = '') => (JSON.parse((await k.inject({ method: 'GET', url: `/v1/monitoring/attribution${q}` })).body) as { items: Blame[] }).items;
    const own = await blame(supervisorA);
    expect(own.map((b) => [b.unitId, b.procedureKey, b.activityId, b.name, b.steps]).sort()).toEqual([
      ['xa-b1', 'mon_tight', 'check', 'Thẩm định hồ sơ', 2],
      ['xa-b1', 'mon_tight', 'sign', 'Ký duyệt', 2],
    ]);
    const all = await blame(province);
    expect(all.map((b) => [b.unitId, b.activityId, b.steps]).sort()).toEqual([['xa-b1', 'check', 2], ['xa-b1', 'sign', 2], ['xa-b2', 'check', 1], ['xa-b2', 'sign', 1]]);
    for (let i = 1; i < all.length; i += 1) expect(all[i - 1]!.overMinutes).toBeGreaterThanOrEqual(all[i]!.overMinutes);
    expect(await blame(province, '?procedureKey=mon_loose')).toEqual([]);

    const refused = await supervisorA.inject({ method: 'GET', url: '/v1/monitoring/attribution?unitId=xa-b2' });
    expect([refused.statusCode, (JSON.parse(refused.body) as { error: { code: string } }).error.code]).toEqual([403, 'OUT_OF_SCOPE']);
    expect((await supervisorA.inject({ method: 'GET', url: '/v1/monitoring/procedures/mon_tight/versions/1/steps?unitId=xa-b2' })).statusCode).toBe(403);

    // CSV of both tables: the JSON's rows in order, Vietnamese headers by default, English with lang=en.
    const csvLines = async (k: TestKey, url: string) => {
      const res = await k.inject({ method: 'GET', url });
      expect([res.statusCode, res.headers['content-type']], res.body).toEqual([200, 'text/csv; charset=utf-8']);
      return { disposition: String(res.headers['content-disposition']), lines: res.body.replace(/^\uFEFF/, '').trim().split('\n') };
    };
    const stepCsv = await csvLines(province, '/v1/monitoring/procedures/mon_tight/versions/1/steps?format=csv');
    expect(stepCsv.disposition).toMatch(/filename="thong-ke-buoc-mon_tight-v1-\d{4}-\d{2}-\d{2}\.csv"/);
    expect(stepCsv.lines[0]).toBe('Mã bước,Tên bước,Số lượt xử lý,Trung bình (phút làm việc),Trung vị (phút làm việc),P90 (phút làm việc),Số lượt có thời hạn bước,Số lượt trễ,Tỷ lệ trễ,Số phút làm việc vượt');
    expect(stepCsv.lines.slice(1)).toEqual(tight.map((a) => [a.activityId, a.name, a.count, a.meanWorkingMinutes, a.medianWorkingMinutes, a.p90WorkingMinutes, a.withQuota, a.late, a.lateShare, a.overMinutes].map((v) => v ?? '').join(',')));
    const blameCsv = await csvLines(supervisorA, '/v1/monitoring/attribution?format=csv&lang=en');
    expect(blameCsv.lines[0]).toBe('Unit id,Procedure key,Activity id,Step,Steps over quota,Working minutes over quota');
    expect(blameCsv.lines.slice(1)).toEqual(own.map((b) => [b.unitId, b.procedureKey, b.activityId, b.name, b.steps, b.overMinutes].join(',')));
    expect((await supervisorA.inject({ method: 'GET', url: '/v1/monitoring/attribution?format=csv&unitId=xa-b2' })).statusCode).toBe(403);
  });
});
