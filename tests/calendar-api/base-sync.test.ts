/**
 * A deploy that ships new holiday data (data/holidays/) moves the deadlines of running cases,
 * like an override change does: the marker in the database tells the new start what changed.
 */
import { randomUUID } from 'node:crypto';
import { MongoClient, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseFingerprint, createBaseMarkerStore, firstDifference, syncBaseCalendar } from '../../src/calendar/base-sync.js';
import type { HolidayEntry } from '../../src/calendar/types.js';
import { vnTime } from '../../src/calendar/index.js';
import { EXAMPLES } from '../fixtures/dossier-examples.js';
import { baseMongoUrl, eventually, isolatedEnv, startService, type TestService } from '../support/harness.js';

const holiday = (date: string, name = 'x'): HolidayEntry => ({ date, kind: 'holiday', name, source: 'test' });

describe('base data marker', () => {
  let client: MongoClient;
  let db: Db;
  beforeAll(async () => {
    const url = new URL(baseMongoUrl);
    url.pathname = `/t_basesync_${randomUUID().slice(0, 8)}`;
    client = new MongoClient(url.toString());
    await client.connect();
    db = client.db();
  });
  afterAll(async () => {
    await db?.dropDatabase();
    await client?.close();
  });

  it('fingerprints ignore order; only date and kind changes count as a difference', () => {
    const a = [holiday('2026-01-01'), holiday('2026-11-24')];
    expect(baseFingerprint(a)).toBe(baseFingerprint([...a].reverse()));
    expect(firstDifference(a, a)).toBeNull();
    expect(firstDifference([holiday('2026-01-01')], a)).toBe('2026-11-24');
    expect(firstDifference(a, [holiday('2026-01-01', 'renamed'), holiday('2026-11-24')])).toBeNull();
  });

  it('announces a change once, from the first changed date, and only after the announcement records it', async () => {
    const store = createBaseMarkerStore(db);
    const seen: string[] = [];
    const v1 = [holiday('2026-01-01')];
    const v2 = [...v1, holiday('2026-11-24')];
    expect(await syncBaseCalendar(store, v1, async (c) => void seen.push(c.affectedFrom))).toMatchObject({ affectedFrom: '2026-01-01' });
    expect(await syncBaseCalendar(store, v1, async (c) => void seen.push(c.affectedFrom))).toBeNull();
    // A failed announcement keeps the old marker: the next start announces again.
    await expect(syncBaseCalendar(store, v2, () => Promise.reject(new Error('redis down')))).rejects.toThrow('redis down');
    expect(await syncBaseCalendar(store, v2, async (c) => void seen.push(c.affectedFrom))).toMatchObject({ affectedFrom: '2026-11-24' });
    expect(await syncBaseCalendar(store, v2, async (c) => void seen.push(c.affectedFrom))).toBeNull();
    expect(seen).toEqual(['2026-01-01', '2026-11-24']);
  });
});

describe('a deploy with new holiday data', () => {
  const env = isolatedEnv('basesync');
  const at = vnTime('2029-11-19', '09:00'); // Monday; 26/11/2029 is the day in lieu of 24/11
  let before: TestService | null = null;
  let after: TestService | null = null;
  afterAll(async () => {
    await before?.close();
    await after?.destroy();
  });

  it('recomputes the statutory deadline of a running case at the next start', async () => {
    before = await startService('basesync', { env: { ...env, CALENDAR_HOLIDAYS: 'none' }, now: () => at });
    await before.container.publishDirectory('processes');
    const res = await before.inject({
      method: 'POST',
      url: '/v1/dossiers',
      payload: { procedureKey: 'social-allowance', applicant: { name: 'Lê Thị Mai', phone: '0909123456' }, data: EXAMPLES['social-allowance']!.valid, channel: 'in-person', receivingUnitId: 'xa-nui-may' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const id = (JSON.parse(res.body) as { id: string }).id;
    const dueOf = async (svc: TestService) => (JSON.parse((await svc.inject({ method: 'GET', url: `/v1/cases/${id}` })).body) as { deadline: { dueAt: string } }).deadline.dueAt;
    // Without holiday data: 10 working days end Monday 03/12/2029.
    expect(await dueOf(before)).toBe(vnTime('2029-12-03', '09:00').toISOString());
    await before.close();

    after = await startService('basesync', { env: { ...env, CALENDAR_HOLIDAYS: 'vn' }, now: () => at });
    const svc = after;
    // With the national data (26/11 off) the deadline moves to Tuesday 04/12/2029.
    const moved = await eventually(async () => {
      const due = await dueOf(svc);
      return due === vnTime('2029-12-04', '09:00').toISOString() ? due : undefined;
    }, 60_000, 200);
    expect(moved).toBe(vnTime('2029-12-04', '09:00').toISOString());
  }, 180_000);
});
