/**
 * Calendar store + provider over a real MongoDB-wire server (FerretDB locally): version
 * allocation under concurrency (unique index decides), refresh across provider instances
 * sharing one database (as replicas do), listeners.
 */
import { randomUUID } from 'node:crypto';
import { MongoClient, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCalendarProvider } from '../../src/calendar/calendar-provider.js';
import { vnTime } from '../../src/calendar/time.js';
import { DomainError } from '../../src/domain/errors.js';
import { CALENDAR_COLLECTION, createCalendarStore, versionId } from '../../src/store/calendar-store.js';

const baseMongoUrl = process.env.MONGODB_URL ?? 'mongodb://127.0.0.1:27117/bpmn?directConnection=true&retryWrites=false';

describe('calendar store and provider', () => {
  const clients: MongoClient[] = [];
  const dbs: Db[] = [];
  let dbUrl: string;

  /** A separate client per "replica", all on the same database. */
  async function db(): Promise<Db> {
    const client = new MongoClient(dbUrl);
    await client.connect();
    clients.push(client);
    const d = client.db();
    dbs.push(d);
    return d;
  }

  beforeAll(() => {
    const url = new URL(baseMongoUrl);
    url.pathname = `/t_calprov_${randomUUID().slice(0, 8)}`;
    dbUrl = url.toString();
  });

  afterAll(async () => {
    await dbs[0]?.dropDatabase();
    for (const c of clients) await c.close();
  });

  it('store: versions are documents v000000001…, each with the full override list', async () => {
    const store = createCalendarStore(await db());
    expect(await store.latest()).toBeNull();
    const a = await store.applyChange({ action: 'set', date: '2025-03-04', kind: 'holiday', name: 'A', source: 's' }, 'u1');
    const b = await store.applyChange({ action: 'set', date: '2025-03-01', kind: 'working-day', name: 'B', source: 's' }, 'u2');
    const c = await store.applyChange({ action: 'set', date: '2025-03-04', kind: 'day-off-in-lieu', name: 'A2', source: 's' }, 'u3');
    expect([a.version, b.version, c.version]).toEqual([1, 2, 3]);
    expect(c.overrides).toEqual([
      { date: '2025-03-01', kind: 'working-day', name: 'B', source: 's' },
      { date: '2025-03-04', kind: 'day-off-in-lieu', name: 'A2', source: 's' },
    ]);
    const docs = await dbs[0]!.collection(CALENDAR_COLLECTION).find({}).sort({ version: 1 }).toArray();
    expect(docs.map((d) => d._id)).toEqual([versionId(1), versionId(2), versionId(3)]);
    expect(versionId(3)).toBe('v000000003');
    expect(docs[2]).toMatchObject({ version: 3, by: 'u3', change: { action: 'set', date: '2025-03-04', kind: 'day-off-in-lieu' } });
    const removed = await store.applyChange({ action: 'remove', date: '2025-03-01' }, 'u4');
    expect(removed).toMatchObject({ version: 4, change: { action: 'remove', date: '2025-03-01', kind: 'working-day', name: 'B' } });
    expect((await store.latest())?.overrides.map((o) => o.date)).toEqual(['2025-03-04']);
    expect((await store.history(2)).map((h) => [h.version, h.by])).toEqual([
      [4, 'u4'],
      [3, 'u3'],
    ]);
    await expect(store.applyChange({ action: 'remove', date: '2025-03-01' }, 'u5')).rejects.toMatchObject({ code: 'OVERRIDE_NOT_FOUND', statusCode: 404 });
    await expect(
      store.applyChange({ action: 'set', date: '2025-02-29', kind: 'holiday', name: 'x', source: 'y' }, 'u'),
    ).rejects.toBeInstanceOf(DomainError);
    await expect(
      store.applyChange({ action: 'set', date: '2025-03-05', kind: 'remove' as never, name: 'x', source: 'y' }, 'u'),
    ).rejects.toMatchObject({ code: 'INVALID_OVERRIDE' });
    expect((await store.latest())?.version).toBe(4);
  });

  it('store: 8 writers on 4 connections racing for versions all commit, with distinct consecutive versions', async () => {
    const stores = await Promise.all([db(), db(), db(), db()]).then((list) => list.map((d) => createCalendarStore(d)));
    const before = (await stores[0]!.latest())?.version ?? 0;
    const dates = Array.from({ length: 8 }, (_, i) => `2026-07-${String(i + 6).padStart(2, '0')}`);
    const results = await Promise.all(
      dates.map((d, i) => stores[i % 4]!.applyChange({ action: 'set', date: d, kind: 'holiday', name: d, source: 'race' }, `w${i}`)),
    );
    expect(results.map((r) => r.version).sort((a, b) => a - b)).toEqual(dates.map((_, i) => before + i + 1));
    const latest = await stores[0]!.latest();
    expect(latest?.version).toBe(before + 8);
    for (const d of dates) expect(latest?.overrides.some((o) => o.date === d)).toBe(true);
  });

  it('provider: another instance picks up a change within refreshMs (injected clock)', async () => {
    let clock = 1_000_000;
    const a = createCalendarProvider(createCalendarStore(await db()), { refreshMs: 500, now: () => clock });
    const b = createCalendarProvider(createCalendarStore(await db()), { refreshMs: 500 });
    const start = vnTime('2027-03-01', '09:00'); // Monday
    const first = await a.current();
    const dueBefore = first.calendar.addWorkingDays(start, 3).getTime();
    expect(dueBefore).toBe(vnTime('2027-03-04', '09:00').getTime());

    const { version } = await b.change({ action: 'set', date: '2027-03-02', kind: 'holiday', name: 'x', source: 'test' }, 'b');
    expect(version).toBe(first.version + 1);
    // B sees its own change at once.
    const bNow = await b.current();
    expect(bNow.version).toBe(version);
    expect(bNow.calendar.addWorkingDays(start, 3).getTime()).toBe(vnTime('2027-03-05', '09:00').getTime());

    // A keeps its cached calendar inside the refresh window…
    clock += 499;
    expect((await a.current()).version).toBe(first.version);
    expect(await a.current()).toBe(first);
    // …and picks the change up once the window has passed.
    clock += 1;
    const refreshed = await a.current();
    expect(refreshed.version).toBe(version);
    expect(refreshed.calendar.addWorkingDays(start, 3).getTime()).toBe(vnTime('2027-03-05', '09:00').getTime());
    expect(refreshed.overrides.find((o) => o.date === '2027-03-02')).toMatchObject({ kind: 'holiday' });
  });

  it('provider: real time, small refreshMs: a change by one instance reaches the other', async () => {
    const a = createCalendarProvider(createCalendarStore(await db()), { refreshMs: 50 });
    const b = createCalendarProvider(createCalendarStore(await db()), { refreshMs: 50 });
    const v0 = (await a.current()).version;
    expect(await a.current()).toMatchObject({ version: v0 }); // cached
    const { version } = await b.change({ action: 'set', date: '2027-03-09', kind: 'holiday', name: 'y', source: 'test' }, 'b');
    const deadline = Date.now() + 5_000;
    let seen = (await a.current()).version;
    while (seen !== version && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      seen = (await a.current()).version;
    }
    expect(seen).toBe(version);
    expect((await a.current()).calendar.isWorkingDay('2027-03-09')).toBe(false);
  });

  it('provider: listeners get {version, affectedFrom} after the commit; a failing listener does not fail the change', async () => {
    const errors: unknown[] = [];
    const p = createCalendarProvider(createCalendarStore(await db()), { refreshMs: 10_000, onError: (err) => errors.push(err) });
    const seen: { version: number; affectedFrom: string; current: number }[] = [];
    const off = p.onChange(async (info) => {
      // The calendar is already rebuilt when listeners run.
      seen.push({ ...info, current: (await p.current()).version });
    });
    p.onChange(() => {
      throw new Error('recompute failed');
    });
    const { version } = await p.change({ action: 'set', date: '2027-05-03', kind: 'working-day', name: 'z', source: 'test' }, 'admin');
    expect(seen).toEqual([{ version, affectedFrom: '2027-05-03', current: version }]);
    expect(errors).toHaveLength(1);
    off();
    await p.change({ action: 'remove', date: '2027-05-03' }, 'admin');
    expect(seen).toHaveLength(1);
    expect(errors).toHaveLength(2);
  });

  it('provider: a failed refresh keeps serving the last calendar', async () => {
    let fail = false;
    const store = createCalendarStore(await db());
    const flaky = {
      ...store,
      latest: () => (fail ? Promise.reject(new Error('db down')) : store.latest()),
    };
    const errors: unknown[] = [];
    const p = createCalendarProvider(flaky, { refreshMs: 0, onError: (err, ctx) => errors.push([ctx, err]) });
    const ok = await p.current();
    fail = true;
    expect(await p.current()).toBe(ok);
    expect(errors).toHaveLength(1);
    const cold = createCalendarProvider(flaky, { refreshMs: 0 });
    await expect(cold.current()).rejects.toThrow('db down');
  });
});
