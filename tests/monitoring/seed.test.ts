/**
 * scripts/seed on the real FerretDB: the expected summary is counted here from the seed's own
 * plan (unit, procedure, outcome, receipt and finishing days of each dossier), independently
 * of the rollup code, and GET /v1/monitoring/summary must answer it for a commune supervisor
 * and a province supervisor. The stored cases carry the planned outcome; a filled database
 * is refused.
 */
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDay } from '../../src/monitoring/rollup.js';
import type { PlannedDossier } from '../../scripts/lib/seed/plan.js';
import { seedDossiers, SeedRefused, type SeedOptions } from '../../scripts/lib/seed/run.js';
import { createKey, type TestKey } from '../support/auth.js';
import { dropStores, isolatedEnv, startService, type TestService } from '../support/harness.js';

const DAY = 86_400_000;
const COUNTERS = ['received', 'inProgress', 'paused', 'early', 'onTime', 'late'] as const;
type Counts = Record<(typeof COUNTERS)[number], number>;
interface Figures extends Counts { finished: number; onTimeRate: number | null }
interface Summary {
  totals: Figures;
  byUnit: { unitId: string; figures: Figures }[];
  byProcedure: { procedureKey: string; figures: Figures }[];
  byUnitProcedure: { unitId: string; procedureKey: string; figures: Figures }[];
}

/** The figures a period should show, straight from the plan (gauges are now, whatever the period). */
function expected(rows: readonly PlannedDossier[], from: string, to: string, units: (u: string) => boolean) {
  const inPeriod = (d: Date | null) => d !== null && localDay(d.toISOString()) >= from && localDay(d.toISOString()) <= to;
  const cells = new Map<string, Counts>();
  for (const r of rows) {
    if (!units(r.unitId)) continue;
    const key = `${r.unitId}|${r.procedureKey}`;
    const c = cells.get(key) ?? { received: 0, inProgress: 0, paused: 0, early: 0, onTime: 0, late: 0 };
    if (inPeriod(r.receivedAt)) c.received += 1;
    if (r.outcome === 'inProgress' || r.outcome === 'overdue') c.inProgress += 1;
    if (r.outcome === 'supplement' || r.outcome === 'payment') c.paused += 1;
    if ((r.outcome === 'early' || r.outcome === 'onTime' || r.outcome === 'late') && inPeriod(r.finishedAt)) c[r.outcome] += 1;
    cells.set(key, c);
  }
  const sum = (pick: (key: string) => string) => {
    const out = new Map<string, Counts>();
    for (const [key, c] of cells) {
      const k = pick(key);
      const t = out.get(k) ?? { received: 0, inProgress: 0, paused: 0, early: 0, onTime: 0, late: 0 };
      for (const f of COUNTERS) t[f] += c[f];
      out.set(k, t);
    }
    return out;
  };
  return { cells, byUnit: sum((k) => k.split('|')[0]!), byProcedure: sum((k) => k.split('|')[1]!), totals: sum(() => 'all').get('all') };
}

/** Rows without any count are left out on both sides (a unit may have rows of other periods only). */
const nonZero = (m: Map<string, Counts>) => Object.fromEntries([...m].filter(([, c]) => COUNTERS.some((f) => c[f] > 0)).sort(([a], [b]) => a.localeCompare(b)));
const counts = (f: Figures): Counts => Object.fromEntries(COUNTERS.map((k) => [k, f[k]])) as Counts;
const actual = <T>(items: T[], key: (i: T) => string, figures: (i: T) => Figures) => new Map(items.map((i) => [key(i), counts(figures(i))]));

describe('scripts/seed', () => {
  const env = isolatedEnv('seed');
  const rows: PlannedDossier[] = [];
  const asOf = new Date(Math.floor((Date.now() - 2 * DAY) / 60_000) * 60_000);
  const options: SeedOptions = {
    mongoUrl: env.MONGODB_URL,
    redisUrl: env.REDIS_URL,
    processesDir: 'processes',
    dossiers: 400,
    communes: 6,
    seed: 7,
    asOf,
    days: 45,
    drop: false,
    force: false,
    batchSize: 150,
    onPlanned: (p) => void rows.push(p),
  };
  let svc: TestService;
  let province: TestKey;
  let commune: TestKey;
  let communeId: string;

  beforeAll(async () => {
    const result = await seedDossiers(options);
    expect(result.dossiers).toBe(400);
    svc = await startService('seed', { env, background: false });
    province = await createKey(svc, 'supervisor', ['tinh-mau']);
    // The commune with the most dossiers, so its figures are not all zero.
    const perUnit = new Map<string, number>();
    for (const r of rows) perUnit.set(r.unitId, (perUnit.get(r.unitId) ?? 0) + 1);
    communeId = [...perUnit].sort((a, b) => b[1] - a[1])[0]![0];
    commune = await createKey(svc, 'supervisor', [communeId]);
  }, 180_000);
  afterAll(async () => {
    await svc?.destroy();
  });

  it('plans every outcome over several communes and procedures', () => {
    const outcomes = new Set(rows.map((r) => r.outcome));
    for (const o of ['early', 'onTime', 'late', 'inProgress', 'overdue', 'supplement', 'payment']) expect(outcomes, o).toContain(o);
    expect(new Set(rows.map((r) => r.unitId)).size).toBeGreaterThan(3);
    expect(new Set(rows.map((r) => r.procedureKey)).size).toBe(6);
  });

  it('stores the planned outcome on each case, with overdue clocks past due', async () => {
    const client = new MongoClient(env.MONGODB_URL);
    await client.connect();
    try {
      const cases = client.db().collection<{ _id: string; sla: { class: string } | null; clock: { dueAt: string; pausedAt: string | null }; status: string; dossier: { status: number } }>('cases');
      const byId = new Map((await cases.find({}, { projection: { sla: 1, clock: 1, status: 1, 'dossier.status': 1 } }).toArray()).map((c) => [c._id, c]));
      expect(byId.size).toBe(rows.length);
      const cls = { early: 'early', onTime: 'on-time', late: 'late' } as const;
      for (const r of rows) {
        const c = byId.get(r.id)!;
        if (r.outcome === 'early' || r.outcome === 'onTime' || r.outcome === 'late') expect([c.status, c.sla?.class]).toEqual(['completed', cls[r.outcome]]);
        else expect([c.status, c.sla]).toEqual(['active', null]);
        if (r.outcome === 'overdue') expect(Date.parse(c.clock.dueAt)).toBeLessThan(asOf.getTime());
        if (r.outcome === 'inProgress') expect(Date.parse(c.clock.dueAt)).toBeGreaterThan(asOf.getTime());
        if (r.outcome === 'supplement') expect([c.dossier.status, c.clock.pausedAt !== null]).toEqual([5, true]);
        if (r.outcome === 'payment') expect(c.clock.pausedAt).not.toBeNull();
      }
    } finally {
      await client.close();
    }
  });

  const periods = () => {
    const to = localDay(new Date().toISOString());
    return [
      { from: localDay(new Date(asOf.getTime() - 50 * DAY).toISOString()), to },
      { from: localDay(new Date(asOf.getTime() - 12 * DAY).toISOString()), to: localDay(new Date(asOf.getTime() - 3 * DAY).toISOString()) },
    ];
  };

  it('the province supervisor sees the plan\'s figures for every commune and procedure', async () => {
    for (const { from, to } of periods()) {
      const res = await province.inject({ method: 'GET', url: `/v1/monitoring/summary?from=${from}&to=${to}` });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json() as Summary;
      const want = expected(rows, from, to, () => true);
      expect(counts(body.totals)).toEqual(want.totals);
      expect(nonZero(actual(body.byUnit, (u) => u.unitId, (u) => u.figures))).toEqual(nonZero(want.byUnit));
      expect(nonZero(actual(body.byProcedure, (p) => p.procedureKey, (p) => p.figures))).toEqual(nonZero(want.byProcedure));
      expect(nonZero(actual(body.byUnitProcedure, (c) => `${c.unitId}|${c.procedureKey}`, (c) => c.figures))).toEqual(nonZero(want.cells));
      const t = want.totals!;
      const finished = t.early + t.onTime + t.late;
      expect(body.totals.onTimeRate).toBe(finished ? Math.round(((t.early + t.onTime) / finished) * 1000) / 1000 : null);
    }
  });

  it('a commune supervisor sees only their commune\'s share of the plan', async () => {
    for (const { from, to } of periods()) {
      const res = await commune.inject({ method: 'GET', url: `/v1/monitoring/summary?from=${from}&to=${to}` });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json() as Summary;
      const want = expected(rows, from, to, (u) => u === communeId);
      expect(counts(body.totals)).toEqual(want.totals);
      expect(body.byUnit.map((u) => u.unitId)).toEqual([communeId]);
      expect(nonZero(actual(body.byProcedure, (p) => p.procedureKey, (p) => p.figures))).toEqual(nonZero(want.byProcedure));
    }
    const other = rows.find((r) => r.unitId !== communeId)!.unitId;
    const refused = await commune.inject({ method: 'GET', url: `/v1/monitoring/summary?unitId=${other}` });
    expect(refused.statusCode).toBe(403);
  });

  it('refuses a filled database without --drop, and one it did not fill without --force', async () => {
    await expect(seedDossiers({ ...options, onPlanned: undefined })).rejects.toBeInstanceOf(SeedRefused);
    const foreign = isolatedEnv('seed_foreign');
    const client = new MongoClient(foreign.MONGODB_URL);
    await client.connect();
    try {
      await client.db().collection<{ _id: string }>('cases').insertOne({ _id: 'not-seeded' });
      await expect(seedDossiers({ ...options, mongoUrl: foreign.MONGODB_URL, drop: true, onPlanned: undefined })).rejects.toThrow(/--force/);
      expect(await client.db().collection('cases').countDocuments()).toBe(1);
    } finally {
      await client.close();
      await dropStores(foreign);
    }
  });
});
