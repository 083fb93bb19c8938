/**
 * GET /v1/monitoring/summary on the real commit pipeline: dossiers received through the API
 * move the rollups; the figures follow the caller's scope; another unit's filter is refused.
 * GET /v1/monitoring/trends over the same dossiers.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey, createUnit, type TestKey } from '../support/auth.js';
import { startService, type TestService } from '../support/harness.js';

const permit = readFileSync('tests/fixtures/dossiers/simple-permit.bpmn', 'utf8');
const schema = JSON.parse(readFileSync('tests/fixtures/dossiers/simple-permit.schema.json', 'utf8')) as object;

interface Summary {
  totals: { received: number; inProgress: number; paused: number; finished: number };
  byUnit: { unitId: string; figures: { received: number } }[];
}

describe('monitoring summary over the commit pipeline', () => {
  let svc: TestService;
  let supervisorA: TestKey;
  let province: TestKey;

  beforeAll(async () => {
    svc = await startService('monitoring_summary', { background: false });
    await createUnit(svc, { id: 'tinh-giam-sat', code: '000.00.00.G01', kind: 'province' });
    await createUnit(svc, { id: 'xa-giam-sat-a', code: '000.00.31.G01', parentId: 'tinh-giam-sat' });
    await createUnit(svc, { id: 'xa-giam-sat-b', code: '000.00.32.G01', parentId: 'tinh-giam-sat' });
    supervisorA = await createKey(svc, 'supervisor', ['xa-giam-sat-a']);
    province = await createKey(svc, 'supervisor', ['tinh-giam-sat']);
    expect((await svc.inject({ method: 'POST', url: '/v1/procedures', payload: { xml: permit, schema } })).statusCode).toBe(201);
  }, 60_000);
  afterAll(async () => {
    await svc?.destroy();
  });

  const receive = async (unit: string) => {
    const res = await svc.inject({
      method: 'POST',
      url: '/v1/dossiers',
      payload: { procedureKey: 'simple-permit', applicant: { name: 'Giám Sát' }, data: { plot: '1', area: 10 }, channel: 'in-person', receivingUnitId: unit },
    });
    expect(res.statusCode, res.body).toBe(201);
    return (res.json() as { id: string }).id;
  };

  it('counts received and open dossiers per unit, within the scope', async () => {
    for (const unit of ['xa-giam-sat-a', 'xa-giam-sat-a', 'xa-giam-sat-a', 'xa-giam-sat-b', 'xa-giam-sat-b']) await receive(unit);
    const paused = await receive('xa-giam-sat-b');
    expect((await svc.inject({ method: 'POST', url: `/v1/dossiers/${paused}/supplement-request`, payload: { reason: 'thiếu bản sao' } })).statusCode).toBe(200);

    const own = (await supervisorA.inject({ method: 'GET', url: '/v1/monitoring/summary' })).json() as Summary;
    expect(own.totals).toMatchObject({ received: 3, inProgress: 3, paused: 0, finished: 0 });
    expect(own.byUnit.map((u) => u.unitId)).toEqual(['xa-giam-sat-a']);

    const all = (await province.inject({ method: 'GET', url: '/v1/monitoring/summary' })).json() as Summary;
    expect(all.totals).toMatchObject({ received: 6, inProgress: 5, paused: 1 });
    expect(all.byUnit.map((u) => [u.unitId, u.figures.received])).toEqual([['xa-giam-sat-a', 3], ['xa-giam-sat-b', 3]]);

    const refused = await supervisorA.inject({ method: 'GET', url: '/v1/monitoring/summary?unitId=xa-giam-sat-b' });
    expect([refused.statusCode, (refused.json() as { error: { code: string } }).error.code]).toEqual([403, 'OUT_OF_SCOPE']);
    const badPeriod = await province.inject({ method: 'GET', url: '/v1/monitoring/summary?from=2026-12-02&to=2026-12-01' });
    expect(badPeriod.statusCode).toBe(400);
  });

  it('trends count the same dossiers per day and month, within the scope; bad periods are refused', async () => {
    type Trend = { grain: string; series: { period: string; received: number; finished: number }[] };
    const received = (t: Trend) => t.series.reduce((n, s) => n + s.received, 0);
    const daily = (await svc.inject({ method: 'GET', url: '/v1/monitoring/trends' })).json() as Trend;
    expect(daily.grain).toBe('day');
    expect(daily.series).toHaveLength(30);
    expect(received(daily)).toBe(6);
    expect(received((await province.inject({ method: 'GET', url: '/v1/monitoring/trends?grain=week' })).json() as Trend)).toBe(6);
    const monthly = (await supervisorA.inject({ method: 'GET', url: '/v1/monitoring/trends?grain=month' })).json() as Trend;
    expect(monthly.series).toHaveLength(12);
    expect(received(monthly)).toBe(3);
    const byUnit = (await province.inject({ method: 'GET', url: '/v1/monitoring/trends?unitId=xa-giam-sat-b&procedureKey=simple-permit' })).json() as Trend;
    expect(received(byUnit)).toBe(3);

    const codeOf = async (key: TestKey, url: string) => {
      const res = await key.inject({ method: 'GET', url });
      return [res.statusCode, (res.json() as { error: { code: string } }).error.code];
    };
    expect(await codeOf(supervisorA, '/v1/monitoring/trends?unitId=xa-giam-sat-b')).toEqual([403, 'OUT_OF_SCOPE']);
    expect(await codeOf(province, '/v1/monitoring/trends?from=2026-02-30&to=2026-03-02')).toEqual([400, 'INVALID_PERIOD']);
    expect(await codeOf(province, '/v1/monitoring/trends?from=2020-01-01&to=2026-01-01')).toEqual([400, 'PERIOD_TOO_LONG']);
    expect((await province.inject({ method: 'GET', url: '/v1/monitoring/trends?grain=year' })).statusCode).toBe(400);
  });

  it('exports the trend series as CSV, the JSON rows in order, Vietnamese or English headers', async () => {
    type Row = { period: string; received: number; early: number; onTime: number; late: number; finished: number; onTimeRate: number | null };
    const json = (await province.inject({ method: 'GET', url: '/v1/monitoring/trends?grain=week' })).json() as { from: string; to: string; series: Row[] };
    const csv = await province.inject({ method: 'GET', url: '/v1/monitoring/trends?grain=week&format=csv' });
    expect(csv.headers['content-disposition']).toMatch(new RegExp(`filename="xu-huong-week-${json.from}-${json.to}-\\d{4}-\\d{2}-\\d{2}\\.csv"`));
    const lines = csv.body.replace(/^\uFEFF/, '').trim().split('\n');
    expect(lines[0]).toBe('Kỳ,Tiếp nhận,Trước hạn,Đúng hạn,Trễ hạn,Đã giải quyết,Tỷ lệ đúng hạn');
    expect(lines.slice(1)).toEqual(json.series.map((r) => [r.period, r.received, r.early, r.onTime, r.late, r.finished, r.onTimeRate ?? ''].join(',')));
    const en = await supervisorA.inject({ method: 'GET', url: '/v1/monitoring/trends?grain=month&format=csv&lang=en' });
    expect(en.body.replace(/^\uFEFF/, '').split('\n')[0]).toBe('Period,Received,Early,On time,Late,Finished,On-time rate');
  });
});
