/**
 * GET /v1/reports/service-index against a seeded set: each seeded dossier says, by hand,
 * what it must count as (on time or late and why, online, paid online, e-result, digitised,
 * reused); the expected figures are the sums of those labels, not the report's own code.
 * One dossier is driven over HTTP to show the commit pipeline keeps its read keys.
 */
import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey } from '../support/auth.js';
import { isolatedEnv, startService, type TestService } from '../support/harness.js';

const H = 3_600_000;
const D = 24 * H;
/** 00:00 on 1 November 2026 in Vietnam (UTC+7), the start of the period. */
const NOV = Date.parse('2026-10-31T17:00:00Z');
const DEC = Date.parse('2026-11-30T17:00:00Z');
const iso = (t: number) => new Date(t).toISOString();
/** The report's read key, derived here on its own: unit | month in Vietnam time. */
const vnMonth = (t: number) => new Date(t + 7 * H).toISOString().slice(0, 7);

interface Seed {
  label: string;
  unit: string;
  status: number;
  channel?: 'online' | 'in-person' | 'post';
  submittedAt?: number;
  receivedAt: number | null;
  finishedAt?: number | null;
  dueAt: number;
  supplements?: { requestedAt: number; receivedAt: number | null; previousDueAt: number; afterWindow?: boolean }[];
  fees?: { amount: number; paid: boolean; onlineChannel: 'national-portal' | 'provincial-gateway' | null }[];
  resultFile?: boolean;
  digitised?: boolean;
  reused?: boolean;
  /** Apologies sent (instant, whether recorded late). */
  apologies?: { at: number; late: boolean }[];
  /** What the index must make of it (by hand). */
  expect: { onTime: 'on-time' | 'late' | null; received: boolean; finishedWithResult: boolean; twoSupplements?: boolean; afterWindow?: boolean };
}

const R1 = 'xa-r1';
const R2 = 'xa-r2';
const seeds: Seed[] = [
  { label: 'finished 2 days early, online, paid online, signed e-result, digitised', unit: R1, status: 10, channel: 'online', receivedAt: NOV + 2 * D, finishedAt: NOV + 5 * D, dueAt: NOV + 7 * D, fees: [{ amount: 50_000, paid: true, onlineChannel: 'national-portal' }], resultFile: true, digitised: true, expect: { onTime: 'on-time', received: true, finishedWithResult: true } },
  { label: 'finished a day late, paid at the desk, paper result', unit: R1, status: 9, receivedAt: NOV + 3 * D, finishedAt: NOV + 9 * D, dueAt: NOV + 8 * D, fees: [{ amount: 30_000, paid: true, onlineChannel: null }], apologies: [{ at: NOV + 7 * D, late: false }, { at: NOV + 8 * D - H, late: true }], expect: { onTime: 'late', received: true, finishedWithResult: true } },
  { label: 'late by the clock, on time once the 2-day supplement wait is subtracted', unit: R1, status: 9, receivedAt: NOV + 1 * D, finishedAt: NOV + 9 * D, dueAt: NOV + 10 * D, supplements: [{ requestedAt: NOV + 2 * D, receivedAt: NOV + 4 * D, previousDueAt: NOV + 8 * D }], resultFile: true, expect: { onTime: 'on-time', received: true, finishedWithResult: true } },
  { label: 'two supplement requests: late although early', unit: R1, status: 9, channel: 'online', receivedAt: NOV + 1 * D, finishedAt: NOV + 3 * D, dueAt: NOV + 20 * D, supplements: [{ requestedAt: NOV + 1 * D + H, receivedAt: NOV + 1 * D + 2 * H, previousDueAt: NOV + 18 * D }, { requestedAt: NOV + 1 * D + 3 * H, receivedAt: NOV + 1 * D + 4 * H, previousDueAt: NOV + 18 * D }], reused: true, expect: { onTime: 'late', received: true, finishedWithResult: true, twoSupplements: true } },
  { label: 'withdrawn after receipt, before its date: on time', unit: R1, status: 7, channel: 'post', receivedAt: NOV + 4 * D, finishedAt: NOV + 6 * D, dueAt: NOV + 9 * D, fees: [{ amount: 0, paid: false, onlineChannel: null }], expect: { onTime: 'on-time', received: true, finishedWithResult: false } },
  { label: 'refused at the desk (never received): not counted', unit: R1, status: 3, channel: 'online', submittedAt: NOV + 4 * D, receivedAt: null, finishedAt: NOV + 4 * D + H, dueAt: NOV + 9 * D, expect: { onTime: null, received: false, finishedWithResult: false } },
  { label: 'received and finished in October: outside the period', unit: R1, status: 10, receivedAt: NOV - 10 * D, finishedAt: NOV - 3 * D, dueAt: NOV - 2 * D, resultFile: true, apologies: [{ at: NOV - 5 * D, late: false }], expect: { onTime: null, received: false, finishedWithResult: false } },
  { label: 'received in October, finished in November on time, paid through the gateway', unit: R1, status: 9, receivedAt: NOV - 3 * D, finishedAt: NOV + 1 * D, dueAt: NOV + 2 * D, fees: [{ amount: 20_000, paid: true, onlineChannel: 'provincial-gateway' }], resultFile: true, expect: { onTime: 'on-time', received: false, finishedWithResult: true } },
  { label: 'still processing after its date at the period end: late', unit: R1, status: 4, receivedAt: NOV + 20 * D, finishedAt: null, dueAt: NOV + 25 * D, fees: [{ amount: 10_000, paid: false, onlineChannel: null }], digitised: true, expect: { onTime: 'late', received: true, finishedWithResult: false } },
  { label: 'waiting for a supplement asked before its date: on time', unit: R1, status: 5, channel: 'online', receivedAt: NOV + 10 * D, finishedAt: null, dueAt: NOV + 40 * D, supplements: [{ requestedAt: NOV + 12 * D, receivedAt: null, previousDueAt: NOV + 14 * D }], digitised: true, reused: true, expect: { onTime: 'on-time', received: true, finishedWithResult: false } },
  { label: 'one supplement, asked after the procedure window: late although early', unit: R2, status: 9, receivedAt: NOV + 2 * D, finishedAt: NOV + 8 * D, dueAt: NOV + 20 * D, supplements: [{ requestedAt: NOV + 7 * D, receivedAt: NOV + 7 * D + H, previousDueAt: NOV + 18 * D, afterWindow: true }], expect: { onTime: 'late', received: true, finishedWithResult: true, afterWindow: true } },
  { label: 'the sibling commune, on time, online', unit: R2, status: 9, channel: 'online', receivedAt: NOV + 5 * D, finishedAt: NOV + 6 * D, dueAt: NOV + 7 * D, resultFile: true, digitised: true, expect: { onTime: 'on-time', received: true, finishedWithResult: true } },
];

function caseDoc(s: Seed) {
  const id = randomUUID();
  const submittedAt = s.submittedAt ?? s.receivedAt ?? NOV;
  const months = new Set([submittedAt, s.receivedAt, s.finishedAt].flatMap((t) => (t == null ? [] : [vnMonth(t)])));
  if (s.finishedAt == null) months.add('open');
  const ended = s.finishedAt != null;
  return {
    _id: id,
    procedureKey: 'seeded',
    procedureVersion: 1,
    status: ended ? 'completed' : 'active',
    engineStateJson: 'null',
    waits: [],
    clock: { dueAt: iso(s.dueAt) },
    apologies: (s.apologies ?? []).map((a) => ({ at: iso(a.at), by: 'seed', reason: 'gia hạn', previousDueAt: iso(s.dueAt), newDueAt: iso(s.dueAt + 2 * D), late: a.late })),
    createdAt: iso(submittedAt),
    updatedAt: iso(s.finishedAt ?? submittedAt),
    endedAt: ended ? iso(s.finishedAt as number) : null,
    indexKeys: [...months].map((m) => `${s.unit}|${m}`),
    dossier: {
      code: `SEED-${id.slice(0, 8)}`,
      procedureCode: '1.000000',
      procedureName: s.label,
      applicant: { name: 'Seeded' },
      channel: s.channel ?? 'in-person',
      attachments: [{ name: 'Đơn', digitised: s.digitised ?? false, reusedFromNationalStore: s.reused ?? false }, { name: 'Bản sao' }],
      receivingUnitId: s.unit,
      processingUnitId: s.unit,
      currentUnitId: s.unit,
      unitIds: [s.unit],
      status: s.status,
      submittedAt: iso(submittedAt),
      receivedAt: s.receivedAt === null ? null : iso(s.receivedAt),
      finishedAt: s.finishedAt == null ? null : iso(s.finishedAt),
      returnedAt: null,
      supplements: (s.supplements ?? []).map((x) => ({ requestedAt: iso(x.requestedAt), requestedBy: 'seed', reason: 'thiếu', items: [], phase: 'processing', receivedAt: x.receivedAt === null ? null : iso(x.receivedAt), previousDueAt: iso(x.previousDueAt), newDueAt: null, ...(x.afterWindow ? { late: true, breaches: ['after-window'] } : {}) })),
      payments: [],
      transfer: null,
      handovers: [],
      closingReason: null,
      fees: (s.fees ?? []).map((f, i) => ({ line: i + 1, name: 'Lệ phí', amount: f.amount, paid: f.paid, paidAt: f.paid ? iso(s.receivedAt ?? NOV) : null, onlineChannel: f.onlineChannel, receiptNumber: f.paid ? `BL-${id.slice(0, 6)}-${i}` : null, recordedAt: iso(NOV), recordedBy: 'seed' })),
      result: s.resultFile ? { code: 'KQ', fileUrl: 'https://files.example.vn/kq.pdf', signed: true, recordedAt: iso(NOV), recordedBy: 'seed' } : null,
      portalSeq: 1,
    },
  };
}

/** The expected figures, from the hand labels only. */
function expected(list: Seed[]) {
  const rate = (n: number, d: number) => (d === 0 ? null : Math.round((n / d) * 10_000) / 10_000);
  const counted = list.filter((s) => s.expect.onTime);
  const received = list.filter((s) => s.expect.received);
  const charged = received.filter((s) => (s.fees ?? []).some((f) => f.amount > 0));
  const finished = list.filter((s) => s.expect.finishedWithResult);
  const n = (xs: Seed[], p: (s: Seed) => boolean) => xs.filter(p).length;
  const on = n(counted, (s) => s.expect.onTime === 'on-time');
  return {
    onTime: { numerator: on, denominator: counted.length, rate: rate(on, counted.length), late: counted.length - on, lateBySupplements: n(list, (s) => Boolean(s.expect.twoSupplements)), lateBySupplementWindow: n(list, (s) => Boolean(s.expect.afterWindow)) },
    onlineSubmission: { numerator: n(received, (s) => s.channel === 'online'), denominator: received.length, rate: rate(n(received, (s) => s.channel === 'online'), received.length) },
    onlinePayment: { numerator: n(charged, (s) => (s.fees ?? []).some((f) => f.paid && f.onlineChannel)), denominator: charged.length, rate: rate(n(charged, (s) => (s.fees ?? []).some((f) => f.paid && f.onlineChannel)), charged.length) },
    eResult: { numerator: n(finished, (s) => Boolean(s.resultFile)), denominator: finished.length, rate: rate(n(finished, (s) => Boolean(s.resultFile)), finished.length) },
    digitisation: { numerator: n(received, (s) => Boolean(s.digitised && s.resultFile)), denominator: received.length, rate: rate(n(received, (s) => Boolean(s.digitised && s.resultFile)), received.length) },
    reuse: { numerator: n(received, (s) => Boolean(s.reused)), denominator: received.length, rate: rate(n(received, (s) => Boolean(s.reused)), received.length) },
    digitisedDocuments: { numerator: n(received, (s) => Boolean(s.digitised)), denominator: received.length, rate: rate(n(received, (s) => Boolean(s.digitised)), received.length) },
    supplementMoreThanOnce: n(list, (s) => Boolean(s.expect.twoSupplements)),
    supplementAfterWindow: n(list, (s) => Boolean(s.expect.afterWindow)),
    apologies: (() => {
      const sent = list.flatMap((s) => (s.apologies ?? []).filter((a) => a.at >= NOV && a.at < DEC).map((a) => ({ s, late: a.late })));
      return { issued: sent.length, late: sent.filter((a) => a.late).length, dossiers: new Set(sent.map((a) => a.s)).size };
    })(),
  };
}

describe('GET /v1/reports/service-index', () => {
  const env = isolatedEnv('service_index');
  let svc: TestService;
  let mongo: MongoClient;
  const get = (url: string) => svc.inject({ method: 'GET', url });

  beforeAll(async () => {
    svc = await startService('service_index', { env, background: false });
    mongo = await MongoClient.connect(env.MONGODB_URL);
    for (const unit of [
      { id: 'tinh-r', code: '000.00.00.H96', name: 'UBND tỉnh R', kind: 'province', parentId: null },
      { id: R1, code: '000.00.31.H96', name: 'UBND xã R1', kind: 'commune', parentId: 'tinh-r' },
      { id: R2, code: '000.00.32.H96', name: 'UBND xã R2', kind: 'commune', parentId: 'tinh-r' },
    ]) {
      const res = await svc.inject({ method: 'POST', url: '/v1/units', payload: unit });
      expect(res.statusCode, res.body).toBe(201);
    }
    await mongo.db().collection('cases').insertMany(seeds.map(caseDoc) as never[]);
  }, 60_000);
  afterAll(async () => {
    await mongo?.close();
    await svc?.destroy();
  });

  it('computes every indicator for a commune over November 2026 (the seeded labels summed)', async () => {
    const res = await get(`/v1/reports/service-index?unitId=${R1}&from=2026-11-01&to=2026-12-01`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    const want = expected(seeds.filter((s) => s.unit === R1));
    expect(body).toMatchObject({ unitIds: [R1], from: iso(NOV), to: iso(DEC), ...want });
    // A sanity anchor on the labels themselves: 5 of 8 counted dossiers on time.
    expect(want.onTime).toMatchObject({ numerator: 5, denominator: 8 });
  });

  it('the province counts the communes below it; a commune key cannot see its sibling', async () => {
    const province = (await get('/v1/reports/service-index?unitId=tinh-r&from=2026-11-01&to=2026-12-01')).json();
    expect(province).toMatchObject({ unitIds: ['tinh-r', R1, R2], ...expected(seeds) });
    const leader = await createKey(svc, 'leader', [R1]);
    const own = await leader.inject({ method: 'GET', url: '/v1/reports/service-index?from=2026-11-01&to=2026-12-01' });
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json()).toMatchObject({ unitIds: [R1], ...expected(seeds.filter((s) => s.unit === R1)) });
    const sibling = await leader.inject({ method: 'GET', url: `/v1/reports/service-index?unitId=${R2}&from=2026-11-01&to=2026-12-01` });
    expect(sibling.statusCode).toBe(403);
    expect(sibling.json().error.code).toBe('OUT_OF_SCOPE');
    const desk = await createKey(svc, 'desk-officer', [R1]);
    expect((await desk.inject({ method: 'GET', url: `/v1/reports/service-index?unitId=${R1}&from=2026-11-01&to=2026-12-01` })).statusCode).toBe(403);
  });

  it('refuses a bad period with coded 4xx', async () => {
    expect((await get(`/v1/reports/service-index?unitId=${R1}&from=2026-12-01&to=2026-11-01`)).json().error.code).toBe('INVALID_PERIOD');
    expect((await get(`/v1/reports/service-index?unitId=${R1}&from=yesterday&to=2026-11-01`)).statusCode).toBe(400);
    expect((await get(`/v1/reports/service-index?unitId=${R1}`)).statusCode).toBe(400);
    expect((await get(`/v1/reports/service-index?unitId=tinh-r&from=1900-01-01&to=2026-11-01`)).json().error.code).toBe('REPORT_TOO_LARGE');
  });

  it('a dossier received over HTTP gets its read keys from the commit pipeline', async () => {
    const now = Date.now();
    const res = await svc.inject({
      method: 'POST',
      url: '/v1/procedures',
      payload: { xml: (await import('node:fs')).readFileSync('tests/fixtures/dossiers/simple-permit.bpmn', 'utf8'), schema: JSON.parse((await import('node:fs')).readFileSync('tests/fixtures/dossiers/simple-permit.schema.json', 'utf8')) },
    });
    expect(res.statusCode, res.body).toBe(201);
    const created = await svc.inject({ method: 'POST', url: '/v1/dossiers', payload: { procedureKey: 'simple-permit', applicant: { name: 'Q' }, data: { plot: '9', area: 9 }, channel: 'online', receivingUnitId: R2, attachments: [{ name: 'Đơn', digitised: true }] } });
    expect(created.statusCode, created.body).toBe(201);
    const stored = await mongo.db().collection('cases').findOne({ _id: created.json().id } as never);
    expect((stored as unknown as { indexKeys: string[] }).indexKeys.sort()).toEqual([`${R2}|${vnMonth(now)}`, `${R2}|open`].sort());
    const day = (t: number) => new Date(t + 7 * H).toISOString().slice(0, 10);
    const report = (await get(`/v1/reports/service-index?unitId=${R2}&from=${day(now)}&to=${day(now + D)}`)).json();
    expect(report.onlineSubmission).toEqual({ numerator: 1, denominator: 1, rate: 1 });
    expect(report.digitisedDocuments).toEqual({ numerator: 1, denominator: 1, rate: 1 });
  });
});
