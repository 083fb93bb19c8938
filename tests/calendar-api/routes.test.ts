/**
 * The calendar HTTP routes, standalone (not yet wired into src/http/app.ts): a bare Fastify
 * app with the service's error handling, shared schemas and ajv options, over a real
 * MongoDB-wire server (FerretDB locally) with a database of its own.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCalendarProvider, type CalendarProvider } from '../../src/calendar/calendar-provider.js';
import { registerErrorHandling } from '../../src/http/errors.js';
import { calendarRoutes } from '../../src/http/routes/calendar.js';
import { sharedSchemas } from '../../src/http/schemas.js';
import { createCalendarStore } from '../../src/store/calendar-store.js';

const baseMongoUrl = process.env.MONGODB_URL ?? 'mongodb://127.0.0.1:27117/bpmn?directConnection=true&retryWrites=false';

function isolatedUrl(label: string): string {
  const url = new URL(baseMongoUrl);
  url.pathname = `/t_${label}_${randomUUID().slice(0, 8)}`;
  return url.toString();
}

async function buildApp(provider: CalendarProvider): Promise<FastifyInstance> {
  // Same ajv options as src/http/app.ts.
  const app = Fastify({
    logger: false,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: true } },
  });
  for (const schema of sharedSchemas) app.addSchema(schema);
  registerErrorHandling(app);
  await app.register(calendarRoutes, { provider });
  await app.ready();
  return app;
}

type Json = Record<string, unknown>;

describe('calendar HTTP API', () => {
  let client: MongoClient;
  let app: FastifyInstance;
  let listenerCalls: { version: number; affectedFrom: string }[] = [];

  const get = async (url: string) => {
    const res = await app.inject({ method: 'GET', url });
    return { status: res.statusCode, body: JSON.parse(res.body) as Json };
  };
  const dueOf = async (query: string) => {
    const r = await get(`/v1/calendar/due?${query}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body as { due: string; dueUtc: string; countingFrom: string; calendarVersion: number };
  };
  const errorCode = (body: Json) => (body.error as { code: string }).code;
  const enc = encodeURIComponent;

  beforeAll(async () => {
    client = new MongoClient(isolatedUrl('calapi'));
    await client.connect();
    const provider = createCalendarProvider(createCalendarStore(client.db()), { refreshMs: 0 });
    provider.onChange((info) => void listenerCalls.push(info));
    app = await buildApp(provider);
  });

  afterAll(async () => {
    await app?.close();
    await client?.db().dropDatabase();
    await client?.close();
  });

  describe('GET /v1/calendar/due', () => {
    it('received Friday 24/1/2025 09:00 + 3 working days crosses Tết (25/1–2/2) → Wednesday 5/2 09:00', async () => {
      // Fri 24/1 09:00–17:00 = 360 min, Mon 3/2 + Tue 4/2 = 900 min, Wed 5/2 07:30 + 90 min = 09:00.
      const r = await dueOf(`start=${enc('2025-01-24T09:00:00+07:00')}&workingDays=3`);
      expect(r).toMatchObject({
        due: '2025-02-05T09:00:00+07:00',
        dueUtc: '2025-02-05T02:00:00Z',
        countingFrom: '2025-01-24T09:00:00+07:00',
        calendarVersion: 0,
      });
    });

    it('the same instant given in UTC (Z) or with a raw "+" (decoded as a space) gives the same result', async () => {
      expect((await dueOf('start=2025-01-24T02:00:00Z&workingDays=3')).due).toBe('2025-02-05T09:00:00+07:00');
      expect((await dueOf('start=2025-01-24T09:00:00+07:00&workingDays=3')).due).toBe('2025-02-05T09:00:00+07:00');
    });

    it('announced swaps: Monday 28/4/2025 09:00 + 3 working days skips 30/4, 1/5, the swapped Friday 2/5 → Tuesday 6/5', async () => {
      // Mon 28/4 (360) + Tue 29/4 (450) = 810; next working day Mon 5/5 (450) = 1260; Tue 6/5 07:30 + 90.
      expect((await dueOf(`start=${enc('2025-04-28T09:00:00+07:00')}&workingDays=3`)).due).toBe('2025-05-06T09:00:00+07:00');
    });

    it('the 15:00 cut-off: 16:00 counts from the next working day, 15:00 sharp counts the same day', async () => {
      const late = await dueOf(`start=${enc('2025-03-03T16:00:00+07:00')}&workingDays=2&cutoff=15:00`);
      expect(late.countingFrom).toBe('2025-03-04T07:30:00+07:00');
      expect(late.due).toBe('2025-03-05T17:00:00+07:00');
      const onTime = await dueOf(`start=${enc('2025-03-03T15:00:00+07:00')}&workingDays=2&cutoff=15:00`);
      expect(onTime.due).toBe('2025-03-05T15:00:00+07:00');
      // Without cut-off, 16:00 + 2 days = 16:00 two working days later.
      expect((await dueOf(`start=${enc('2025-03-03T16:00:00+07:00')}&workingDays=2`)).due).toBe('2025-03-05T16:00:00+07:00');
    });

    it('within the day, with and without cut-off', async () => {
      const morning = await dueOf(`start=${enc('2025-03-03T09:00:00+07:00')}&withinTheDay=true&cutoff=15:00`);
      expect(morning.due).toBe('2025-03-03T17:00:00+07:00');
      const afterCutoff = await dueOf(`start=${enc('2025-03-03T15:30:00+07:00')}&withinTheDay=true&cutoff=15:00`);
      expect(afterCutoff.due).toBe('2025-03-04T17:00:00+07:00');
      const friday = await dueOf(`start=${enc('2025-03-07T15:30:00+07:00')}&withinTheDay=true`);
      expect(friday.due).toBe('2025-03-07T17:00:00+07:00');
    });

    it('working hours and minutes across lunch (11:30–13:30), fractional days', async () => {
      expect((await dueOf(`start=${enc('2025-03-03T10:30:00+07:00')}&workingHours=2`)).due).toBe('2025-03-03T14:30:00+07:00');
      expect((await dueOf(`start=${enc('2025-03-03T11:00:00+07:00')}&workingMinutes=30`)).due).toBe('2025-03-03T11:30:00+07:00');
      expect((await dueOf(`start=${enc('2025-03-03T11:00:00+07:00')}&workingMinutes=45`)).due).toBe('2025-03-03T13:45:00+07:00');
      expect((await dueOf(`start=${enc('2025-03-03T09:00:00+07:00')}&workingDays=0.5`)).due).toBe('2025-03-03T14:45:00+07:00');
      expect((await dueOf(`start=${enc('2025-03-03T09:00:00+07:00')}&workingHours=1.5`)).due).toBe('2025-03-03T10:30:00+07:00');
    });

    it.each([
      ['no start', 'workingDays=3', 'VALIDATION_FAILED'],
      ['no duration', `start=${enc('2025-03-03T09:00:00+07:00')}`, 'DURATION_REQUIRED'],
      ['two durations', `start=${enc('2025-03-03T09:00:00+07:00')}&workingDays=1&workingHours=2`, 'AMBIGUOUS_DURATION'],
      ['days and withinTheDay', `start=${enc('2025-03-03T09:00:00+07:00')}&workingDays=1&withinTheDay=true`, 'AMBIGUOUS_DURATION'],
      ['start without offset', 'start=2025-03-03T09:00:00&workingDays=1', 'INVALID_INSTANT'],
      ['date only', 'start=2025-03-03&workingDays=1', 'INVALID_INSTANT'],
      ['impossible date', `start=${enc('2025-02-30T09:00:00+07:00')}&workingDays=1`, 'INVALID_INSTANT'],
      ['garbage start', 'start=yesterday&workingDays=1', 'INVALID_INSTANT'],
      ['zero days', `start=${enc('2025-03-03T09:00:00+07:00')}&workingDays=0`, 'VALIDATION_FAILED'],
      ['negative hours', `start=${enc('2025-03-03T09:00:00+07:00')}&workingHours=-1`, 'VALIDATION_FAILED'],
      ['non-numeric', `start=${enc('2025-03-03T09:00:00+07:00')}&workingDays=three`, 'VALIDATION_FAILED'],
      ['bad cutoff', `start=${enc('2025-03-03T09:00:00+07:00')}&workingDays=1&cutoff=25:00`, 'VALIDATION_FAILED'],
      ['unknown parameter', `start=${enc('2025-03-03T09:00:00+07:00')}&days=1`, 'VALIDATION_FAILED'],
    ])('%s → 400 %s', async (_what, query, code) => {
      const r = await get(`/v1/calendar/due?${query}`);
      expect(r.status).toBe(400);
      expect(errorCode(r.body)).toBe(code);
      expect(typeof (r.body.error as { message: unknown }).message).toBe('string');
    });
  });

  describe('GET /v1/calendar/elapsed', () => {
    it('across a weekend: Friday 16:00 → Monday 09:00 is 60 + 90 working minutes', async () => {
      const r = await get(`/v1/calendar/elapsed?from=${enc('2025-03-07T16:00:00+07:00')}&to=${enc('2025-03-10T09:00:00+07:00')}`);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ workingMinutes: 150, workingDays: 0.33, minutesPerWorkingDay: 450, calendarVersion: 0 });
    });

    it('negative when to is before from; whole Tết week is 0', async () => {
      const back = await get(`/v1/calendar/elapsed?from=${enc('2025-03-10T09:00:00+07:00')}&to=${enc('2025-03-07T16:00:00+07:00')}`);
      expect(back.body).toMatchObject({ workingMinutes: -150, workingDays: -0.33 });
      const tet = await get(`/v1/calendar/elapsed?from=${enc('2025-01-25T00:00:00+07:00')}&to=${enc('2025-02-02T23:59:00+07:00')}`);
      expect(tet.body).toMatchObject({ workingMinutes: 0, workingDays: 0 });
    });

    it('400 on a bad instant', async () => {
      const r = await get(`/v1/calendar/elapsed?from=nope&to=${enc('2025-03-10T09:00:00+07:00')}`);
      expect(r.status).toBe(400);
      expect(errorCode(r.body)).toBe('INVALID_INSTANT');
    });
  });

  describe('GET /v1/calendar/days', () => {
    it('lists Tết 2025 with entries, weekends and working days', async () => {
      const r = await get('/v1/calendar/days?from=2025-01-24&to=2025-02-03');
      expect(r.status).toBe(200);
      const items = r.body.items as { date: string; weekday: number; working: boolean; kind?: string; name?: string }[];
      expect(items).toHaveLength(11);
      expect(items.filter((d) => d.working).map((d) => d.date)).toEqual(['2025-01-24', '2025-02-03']);
      expect(items.find((d) => d.date === '2025-01-29')).toMatchObject({ weekday: 3, working: false, kind: 'holiday' });
      // Plain weekend inside the break: no entry.
      const sat = items.find((d) => d.date === '2025-01-25');
      expect(sat).toEqual({ date: '2025-01-25', weekday: 6, working: false });
    });

    it('a make-up Saturday is working', async () => {
      const r = await get('/v1/calendar/days?from=2025-04-26&to=2025-04-26');
      expect((r.body.items as Json[])[0]).toMatchObject({ working: true, kind: 'make-up-working-day', weekday: 6 });
    });

    it.each([
      ['from=2025-01-10&to=2025-01-01', 'INVALID_RANGE'],
      ['from=2025-01-01&to=2026-02-05', 'RANGE_TOO_LARGE'],
      ['from=2025-02-30&to=2025-03-01', 'INVALID_DATE'],
      ['from=20250101&to=2025-03-01', 'VALIDATION_FAILED'],
      ['from=2025-01-01', 'VALIDATION_FAILED'],
    ])('%s → 400 %s', async (query, code) => {
      const r = await get(`/v1/calendar/days?${query}`);
      expect(r.status).toBe(400);
      expect(errorCode(r.body)).toBe(code);
    });

    it('400 days is the maximum accepted', async () => {
      const r = await get('/v1/calendar/days?from=2025-01-01&to=2026-02-04');
      expect(r.status).toBe(200);
      expect(r.body.items as Json[]).toHaveLength(400);
    });
  });

  describe('overrides', () => {
    const start = `start=${enc('2025-03-03T09:00:00+07:00')}&workingDays=3`;

    it('starts at version 0 with no overrides', async () => {
      const r = await get('/v1/calendar/overrides');
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ version: 0, overrides: [], history: [] });
    });

    it('making a weekday a holiday moves a due date and bumps the version; DELETE restores it', async () => {
      expect((await dueOf(start)).due).toBe('2025-03-06T09:00:00+07:00');
      listenerCalls = [];

      const put = await app.inject({
        method: 'PUT',
        url: '/v1/calendar/overrides/2025-03-04',
        payload: { kind: 'holiday', name: 'Nghỉ (quyết định của UBND tỉnh)', source: 'Quyết định 1/QĐ-UBND ngày 01/03/2025', actor: 'admin-1' },
      });
      expect(put.statusCode, put.body).toBe(200);
      const v1 = (JSON.parse(put.body) as { version: number }).version;
      expect(v1).toBe(1);
      expect(listenerCalls).toEqual([{ version: 1, affectedFrom: '2025-03-04' }]);

      const moved = await dueOf(start);
      expect(moved.due).toBe('2025-03-07T09:00:00+07:00');
      expect(moved.calendarVersion).toBe(1);
      const day = await get('/v1/calendar/days?from=2025-03-04&to=2025-03-04');
      expect((day.body.items as Json[])[0]).toMatchObject({ working: false, kind: 'holiday', override: true });

      const list = await get('/v1/calendar/overrides');
      expect(list.body).toMatchObject({
        version: 1,
        overrides: [{ date: '2025-03-04', kind: 'holiday', name: 'Nghỉ (quyết định của UBND tỉnh)', source: 'Quyết định 1/QĐ-UBND ngày 01/03/2025' }],
        history: [{ version: 1, action: 'set', date: '2025-03-04', kind: 'holiday', by: 'admin-1' }],
      });

      const del = await app.inject({ method: 'DELETE', url: '/v1/calendar/overrides/2025-03-04?actor=admin-2' });
      expect(del.statusCode, del.body).toBe(200);
      expect(JSON.parse(del.body)).toEqual({ version: 2 });
      const restored = await dueOf(start);
      expect(restored).toMatchObject({ due: '2025-03-06T09:00:00+07:00', calendarVersion: 2 });
      const after = await get('/v1/calendar/overrides?historyLimit=5');
      expect(after.body).toMatchObject({ version: 2, overrides: [] });
      expect((after.body.history as Json[]).map((h) => [h.version, h.action, h.by])).toEqual([
        [2, 'remove', 'admin-2'],
        [1, 'set', 'admin-1'],
      ]);
    });

    it('working-day makes a national holiday worked (Tết 2025 Monday 27/1)', async () => {
      const before = await dueOf(`start=${enc('2025-01-24T09:00:00+07:00')}&workingDays=3`);
      const put = await app.inject({
        method: 'PUT',
        url: '/v1/calendar/overrides/2025-01-27',
        payload: { kind: 'working-day', name: 'Làm việc (thử nghiệm)', source: 'test' },
      });
      expect(put.statusCode, put.body).toBe(200);
      const after = await dueOf(`start=${enc('2025-01-24T09:00:00+07:00')}&workingDays=3`);
      expect(before.due).toBe('2025-02-05T09:00:00+07:00');
      // Fri 360 + Mon 27/1 450 = 810; Mon 3/2 450 = 1260; Tue 4/2 07:30 + 90.
      expect(after.due).toBe('2025-02-04T09:00:00+07:00');
      const del = await app.inject({ method: 'DELETE', url: '/v1/calendar/overrides/2025-01-27' });
      expect(del.statusCode).toBe(200);
      expect((await dueOf(`start=${enc('2025-01-24T09:00:00+07:00')}&workingDays=3`)).due).toBe('2025-02-05T09:00:00+07:00');
    });

    it('DELETE of a date without override → 404 OVERRIDE_NOT_FOUND, version unchanged', async () => {
      const before = (await get('/v1/calendar/overrides')).body.version;
      const del = await app.inject({ method: 'DELETE', url: '/v1/calendar/overrides/2025-06-02' });
      expect(del.statusCode).toBe(404);
      expect(errorCode(JSON.parse(del.body) as Json)).toBe('OVERRIDE_NOT_FOUND');
      expect((await get('/v1/calendar/overrides')).body.version).toBe(before);
    });

    it.each([
      ['2025-13-01', { kind: 'holiday', name: 'x', source: 'y' }, 'INVALID_DATE'],
      ['2025-3-4', { kind: 'holiday', name: 'x', source: 'y' }, 'VALIDATION_FAILED'],
      ['2025-03-04', { kind: 'remove', name: 'x', source: 'y' }, 'VALIDATION_FAILED'],
      ['2025-03-04', { kind: 'holiday', name: 'x' }, 'VALIDATION_FAILED'],
      ['2025-03-04', { kind: 'holiday', name: '', source: 'y' }, 'VALIDATION_FAILED'],
      ['2025-03-04', { kind: 'holiday', name: 'x', source: 'y', extra: 1 }, 'VALIDATION_FAILED'],
    ])('PUT %s %j → 400 %s', async (d, payload, code) => {
      const res = await app.inject({ method: 'PUT', url: `/v1/calendar/overrides/${d}`, payload });
      expect(res.statusCode).toBe(400);
      expect(errorCode(JSON.parse(res.body) as Json)).toBe(code);
    });

    it('concurrent PUTs get distinct versions and none is lost', async () => {
      const { version: v0 } = (await get('/v1/calendar/overrides')).body as { version: number };
      const dates = ['2025-06-02', '2025-06-03', '2025-06-04', '2025-06-05', '2025-06-06'];
      const results = await Promise.all(
        dates.map((d) =>
          app.inject({ method: 'PUT', url: `/v1/calendar/overrides/${d}`, payload: { kind: 'day-off-in-lieu', name: `off ${d}`, source: 'test' } }),
        ),
      );
      for (const r of results) expect(r.statusCode, r.body).toBe(200);
      const versions = results.map((r) => (JSON.parse(r.body) as { version: number }).version).sort((a, b) => a - b);
      expect(versions).toEqual(dates.map((_, i) => v0 + i + 1));
      const list = await get('/v1/calendar/overrides');
      expect(list.body.version).toBe(v0 + dates.length);
      expect((list.body.overrides as { date: string }[]).map((o) => o.date)).toEqual(dates);
      const week = await get('/v1/calendar/days?from=2025-06-02&to=2025-06-06');
      expect((week.body.items as { working: boolean }[]).every((d) => !d.working)).toBe(true);
    });
  });
});
