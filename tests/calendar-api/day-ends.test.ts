/**
 * GET /v1/calendar/due agrees with case deadlines (issue 12): calendar days, 24/11 from
 * 2026, and DEADLINE_END=end-of-day, on a bare Fastify app with the service's error
 * handling over a real MongoDB-wire server (one database per provider).
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCalendarProvider } from '../../src/calendar/calendar-provider.js';
import type { DeadlineEnd } from '../../src/calendar/types.js';
import { registerErrorHandling } from '../../src/http/errors.js';
import { calendarRoutes } from '../../src/http/routes/calendar.js';
import { sharedSchemas } from '../../src/http/schemas.js';
import { createCalendarStore } from '../../src/store/calendar-store.js';
import { baseMongoUrl } from '../support/harness.js';

const enc = encodeURIComponent;

describe('GET /v1/calendar/due: units and deadline end', () => {
  const clients: MongoClient[] = [];
  const apps: Record<DeadlineEnd, FastifyInstance | null> = { 'clock-time': null, 'end-of-day': null };

  async function appWith(deadlineEnd: DeadlineEnd): Promise<FastifyInstance> {
    const url = new URL(baseMongoUrl);
    url.pathname = `/t_calends_${randomUUID().slice(0, 8)}`;
    const client = new MongoClient(url.toString());
    await client.connect();
    clients.push(client);
    const app = Fastify({ logger: false, ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: true } } });
    for (const schema of sharedSchemas) app.addSchema(schema);
    registerErrorHandling(app);
    await app.register(calendarRoutes, { provider: createCalendarProvider(createCalendarStore(client.db()), { refreshMs: 0, deadlineEnd }) });
    await app.ready();
    return app;
  }

  beforeAll(async () => {
    apps['clock-time'] = await appWith('clock-time');
    apps['end-of-day'] = await appWith('end-of-day');
  });
  afterAll(async () => {
    for (const app of Object.values(apps)) await app?.close();
    for (const c of clients) {
      await c.db().dropDatabase();
      await c.close();
    }
  });

  const due = async (end: DeadlineEnd, query: string) => {
    const res = await apps[end]!.inject({ method: 'GET', url: `/v1/calendar/due?${query}` });
    return { status: res.statusCode, body: JSON.parse(res.body) as { due?: string; deadlineEnd?: string; error?: { code: string } } };
  };

  it('Monday 23/11/2026 09:00 + 3 working days skips 24/11: Friday 09:00, or 17:00 with end-of-day', async () => {
    const q = `start=${enc('2026-11-23T09:00:00+07:00')}&workingDays=3`;
    expect((await due('clock-time', q)).body).toMatchObject({ due: '2026-11-27T09:00:00+07:00', deadlineEnd: 'clock-time' });
    expect((await due('end-of-day', q)).body).toMatchObject({ due: '2026-11-27T17:00:00+07:00', deadlineEnd: 'end-of-day' });
  });

  it('calendar days ending on a weekend or on a holiday move to the next working day', async () => {
    // Fri 06/11/2026 + 15 = Sat 21/11 → Mon 23/11; Mon 09/11 + 15 = Tue 24/11 → Wed 25/11.
    expect((await due('clock-time', `start=${enc('2026-11-06T09:00:00+07:00')}&calendarDays=15`)).body.due).toBe('2026-11-23T09:00:00+07:00');
    expect((await due('clock-time', `start=${enc('2026-11-09T09:00:00+07:00')}&calendarDays=15`)).body.due).toBe('2026-11-25T09:00:00+07:00');
    expect((await due('end-of-day', `start=${enc('2026-11-09T09:00:00+07:00')}&calendarDays=15`)).body.due).toBe('2026-11-25T17:00:00+07:00');
  });

  it('calendarDays with another unit, or not positive, is a coded 400', async () => {
    const both = await due('clock-time', `start=${enc('2026-11-09T09:00:00+07:00')}&calendarDays=15&workingDays=3`);
    expect(both.status).toBe(400);
    expect(both.body.error?.code).toBe('AMBIGUOUS_DURATION');
    const zero = await due('clock-time', `start=${enc('2026-11-09T09:00:00+07:00')}&calendarDays=0`);
    expect(zero.status).toBe(400);
    expect(zero.body.error?.code).toBe('VALIDATION_FAILED');
  });
});
