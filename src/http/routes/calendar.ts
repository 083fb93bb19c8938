import type { FastifyInstance } from 'fastify';
import { actorOf } from '../actor.js';
import { DateTime } from 'luxon';
import type { CalendarProvider } from '../../calendar/calendar-provider.js';
import { dateOfDayNumber, dayNumberOf, isoWeekdayOfDayNumber, localMs } from '../../calendar/time.js';
import { resolveDue } from '../../calendar/duration.js';
import type { WorkingCalendar } from '../../calendar/working-calendar.js';
import { badRequest } from '../../domain/errors.js';
import { OVERRIDE_KINDS, assertCalendarDate } from '../../store/calendar-store.js';
import { actorSchema, errorResponses } from '../schemas.js';
import { typedRoutes } from '../typed-routes.js';

/** Longest range `GET /v1/calendar/days` lists. */
export const MAX_CALENDAR_DAYS = 400;

const INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/i;
const DATE_PATTERN = '^[0-9]{4}-[0-9]{2}-[0-9]{2}$';

const instant = (description: string) =>
  ({
    type: 'string',
    minLength: 1,
    maxLength: 64,
    description: `${description}: ISO 8601 instant with an offset or Z, e.g. 2025-01-24T09:00:00+07:00 (write + as %2B in a URL)`,
  }) as const;
const date = (description: string) => ({ type: 'string', pattern: DATE_PATTERN, description: `${description} (YYYY-MM-DD)` }) as const;
const clock = { type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'local HH:mm' } as const;
const amount = (unit: string, maximum: number) =>
  ({ type: 'number', exclusiveMinimum: 0, maximum, description: `${unit} (> 0, fractions allowed, e.g. 0.5)` }) as const;
const text = { type: 'string', minLength: 1, maxLength: 500 } as const;
const actor = actorSchema;

const overrideSchema = {
  type: 'object',
  required: ['date', 'kind', 'name', 'source'],
  additionalProperties: false,
  properties: { date: { type: 'string' }, kind: { type: 'string' }, name: { type: 'string' }, source: { type: 'string' } },
} as const;

const versionResponse = {
  type: 'object',
  required: ['version'],
  properties: { version: { type: 'integer', description: 'calendar version after the change' } },
} as const;

/** `2025-02-05T09:00:00+07:00` (milliseconds only when not zero). */
export const formatVn = (t: Date): string => {
  const s = new Date(localMs(t)).toISOString().slice(0, 23);
  return `${s.endsWith('.000') ? s.slice(0, 19) : s}+07:00`;
};

/** `2025-02-05T02:00:00Z` (milliseconds only when not zero). */
export const formatUtc = (t: Date): string => {
  const s = t.toISOString();
  return s.endsWith('.000Z') ? `${s.slice(0, 19)}Z` : s;
};

/** An ISO instant with an explicit offset or Z; 400 INVALID_INSTANT otherwise. */
export function parseInstant(raw: string, field: string): Date {
  // A literal '+' in a query string arrives as a space: accept '…T09:00:00 07:00' as +07:00.
  const value = raw.trim().replace(/ (\d{2}:\d{2})$/, '+$1');
  const parsed = INSTANT_RE.test(value) ? DateTime.fromISO(value, { setZone: true }) : null;
  if (!parsed?.isValid) {
    throw badRequest(
      'INVALID_INSTANT',
      `${field} '${raw}' is not an ISO 8601 instant with an offset, e.g. 2025-01-24T09:00:00+07:00 or 2025-01-24T02:00:00Z`,
      { field, value: raw },
    );
  }
  return parsed.toJSDate();
}

/** Calendar arithmetic throws RangeError on absurd spans: report it as a client error. */
function compute<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof RangeError) throw badRequest('OUT_OF_RANGE', err.message);
    throw err;
  }
}

const round = (x: number, digits: number): number => {
  const f = 10 ** digits;
  const r = Math.round(x * f) / f;
  return r === 0 ? 0 : r; // no -0
};

interface DueQuery {
  start: string;
  workingDays?: number;
  workingHours?: number;
  workingMinutes?: number;
  calendarDays?: number;
  withinTheDay?: boolean;
  cutoff?: string;
}

function due(calendar: WorkingCalendar, q: DueQuery): { countingFrom: Date; due: Date } {
  const given: string[] = (['workingDays', 'workingHours', 'workingMinutes', 'calendarDays'] as const).filter((k) => q[k] !== undefined);
  if (q.withinTheDay) given.push('withinTheDay');
  if (given.length === 0) {
    throw badRequest('DURATION_REQUIRED', 'give one of workingDays, workingHours, workingMinutes, calendarDays or withinTheDay=true');
  }
  if (given.length > 1) {
    throw badRequest('AMBIGUOUS_DURATION', `give exactly one of workingDays, workingHours, workingMinutes, calendarDays, withinTheDay; got ${given.join(', ')}`, {
      given,
    });
  }
  const start = parseInstant(q.start, 'start');
  const cutoff = q.cutoff ?? null;
  return compute(() => {
    const countingFrom = calendar.applyCutoff(start, cutoff);
    if (q.withinTheDay) return { countingFrom, due: calendar.dueWithinTheDay(start, cutoff) };
    // Days end as the province's deadlineEnd says, like case deadlines (docs/calendar.md).
    if (q.workingDays !== undefined) return { countingFrom, due: resolveDue(calendar, start, { kind: 'working-days', days: q.workingDays }, { cutoff }) };
    if (q.calendarDays !== undefined) return { countingFrom, due: resolveDue(calendar, start, { kind: 'calendar-days', days: q.calendarDays }, { cutoff }) };
    if (q.workingHours !== undefined) return { countingFrom, due: calendar.addWorkingHours(countingFrom, q.workingHours) };
    return { countingFrom, due: calendar.addWorkingMinutes(countingFrom, q.workingMinutes ?? 0) };
  });
}

/**
 * Working-time calendar over HTTP: due dates, elapsed working time, the day list for desks,
 * and the province/agency overrides (versioned; see docs/calendar-api.md).
 */
export async function calendarRoutes(server: FastifyInstance, opts: { provider: CalendarProvider }): Promise<void> {
  const app = typedRoutes(server);
  const { provider } = opts;

  app.get(
    '/v1/calendar/due',
    {
      config: { permission: 'calendar:read' },
      schema: {
        tags: ['calendar'],
        summary: 'Due instant of a working-time limit counted from a receipt instant',
        description:
          'Exactly one of workingDays, workingHours, workingMinutes, calendarDays or withinTheDay=true. N working days = N × minutesPerWorkingDay ' +
          'working minutes, ending at the close of the last day when the deployment sets DEADLINE_END=end-of-day; calendar days whose ' +
          'last day is off end on the next working day (docs/calendar.md). With cutoff, a receipt after the cut-off counts from the next working day.',
        querystring: {
          type: 'object',
          required: ['start'],
          additionalProperties: false,
          properties: {
            start: instant('receipt instant'),
            workingDays: amount('working days', 1000),
            workingHours: amount('working hours', 10_000),
            workingMinutes: amount('working minutes', 600_000),
            calendarDays: amount('calendar days', 3650),
            withinTheDay: { type: 'boolean', description: 'due at closing time of the day counting starts' },
            cutoff: clock,
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['due', 'dueUtc', 'calendarVersion'],
            properties: {
              start: { type: 'string', description: 'the receipt instant in +07:00' },
              countingFrom: { type: 'string', description: 'when counting starts (after the cut-off rule), +07:00' },
              due: { type: 'string', description: 'due instant in +07:00' },
              dueUtc: { type: 'string', description: 'due instant in UTC' },
              deadlineEnd: { type: 'string', enum: ['clock-time', 'end-of-day'], description: 'how day limits end in this deployment' },
              calendarVersion: { type: 'integer' },
            },
          },
          ...errorResponses(),
        },
      },
    },
    async (request) => {
      const { calendar, version } = await provider.current();
      const result = due(calendar, request.query);
      return {
        start: formatVn(parseInstant(request.query.start, 'start')),
        countingFrom: formatVn(result.countingFrom),
        due: formatVn(result.due),
        dueUtc: formatUtc(result.due),
        deadlineEnd: calendar.deadlineEnd,
        calendarVersion: version,
      };
    },
  );

  app.get(
    '/v1/calendar/elapsed',
    {
      config: { permission: 'calendar:read' },
      schema: {
        tags: ['calendar'],
        summary: 'Working time between two instants (negative when to is before from)',
        querystring: {
          type: 'object',
          required: ['from', 'to'],
          additionalProperties: false,
          properties: { from: instant('start'), to: instant('end') },
        },
        response: {
          200: {
            type: 'object',
            required: ['workingMinutes', 'workingDays', 'calendarVersion'],
            properties: {
              workingMinutes: { type: 'number', description: 'rounded to 0.001' },
              workingDays: { type: 'number', description: 'workingMinutes / minutesPerWorkingDay, 2 decimals' },
              minutesPerWorkingDay: { type: 'number' },
              calendarVersion: { type: 'integer' },
            },
          },
          ...errorResponses(),
        },
      },
    },
    async (request) => {
      const from = parseInstant(request.query.from, 'from');
      const to = parseInstant(request.query.to, 'to');
      const { calendar, version } = await provider.current();
      const minutes = compute(() => calendar.workingMinutesBetween(from, to));
      return {
        workingMinutes: round(minutes, 3),
        workingDays: round(minutes / calendar.minutesPerWorkingDay, 2),
        minutesPerWorkingDay: calendar.minutesPerWorkingDay,
        calendarVersion: version,
      };
    },
  );

  app.get(
    '/v1/calendar/days',
    {
      config: { permission: 'calendar:read' },
      schema: {
        tags: ['calendar'],
        summary: `Working / non-working status of each date in [from, to] (at most ${MAX_CALENDAR_DAYS} days)`,
        querystring: {
          type: 'object',
          required: ['from', 'to'],
          additionalProperties: false,
          properties: { from: date('first date'), to: date('last date, inclusive') },
        },
        response: {
          200: {
            type: 'object',
            required: ['from', 'to', 'calendarVersion', 'items'],
            properties: {
              from: { type: 'string' },
              to: { type: 'string' },
              calendarVersion: { type: 'integer' },
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['date', 'weekday', 'working'],
                  properties: {
                    date: { type: 'string' },
                    weekday: { type: 'integer', description: 'ISO weekday, 1 = Monday … 7 = Sunday' },
                    working: { type: 'boolean' },
                    kind: { type: 'string', description: 'holiday | day-off-in-lieu | make-up-working-day, when the date has an entry' },
                    name: { type: 'string' },
                    source: { type: 'string' },
                    override: { type: 'boolean', description: 'true when the entry comes from a province/agency override' },
                  },
                },
              },
            },
          },
          ...errorResponses(),
        },
      },
    },
    async (request) => {
      const { from, to } = request.query;
      assertCalendarDate(from, 'from');
      assertCalendarDate(to, 'to');
      const first = dayNumberOf(from);
      const last = dayNumberOf(to);
      if (last < first) throw badRequest('INVALID_RANGE', `to (${to}) is before from (${from})`, { from, to });
      if (last - first + 1 > MAX_CALENDAR_DAYS) {
        throw badRequest('RANGE_TOO_LARGE', `at most ${MAX_CALENDAR_DAYS} days per request; asked for ${last - first + 1}`, {
          max: MAX_CALENDAR_DAYS,
        });
      }
      const { calendar, version, overrides } = await provider.current();
      const overridden = new Set(overrides.map((o) => o.date));
      const items = [];
      for (let day = first; day <= last; day++) {
        const d = dateOfDayNumber(day);
        const entry = calendar.entryFor(d);
        items.push({
          date: d,
          weekday: isoWeekdayOfDayNumber(day),
          working: calendar.isWorkingDay(d),
          ...(entry ? { kind: entry.kind, name: entry.name, source: entry.source } : {}),
          ...(overridden.has(d) ? { override: true } : {}),
        });
      }
      return { from, to, calendarVersion: version, items };
    },
  );

  // ---- Overrides: admin operations (permission calendar:admin); each change is versioned
  // with who made it.

  app.get(
    '/v1/calendar/overrides',
    {
      config: { permission: 'calendar:admin' },
      schema: {
        tags: ['calendar'],
        summary: 'Current calendar version, its overrides and the recent changes (admin)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { historyLimit: { type: 'integer', minimum: 1, maximum: 200, default: 20 } },
        },
        response: {
          200: {
            type: 'object',
            required: ['version', 'overrides', 'history'],
            properties: {
              version: { type: 'integer', description: '0 = national data only' },
              overrides: { type: 'array', items: overrideSchema },
              history: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    version: { type: 'integer' },
                    action: { enum: ['set', 'remove'] },
                    date: { type: 'string' },
                    kind: { type: 'string' },
                    name: { type: 'string' },
                    source: { type: 'string' },
                    by: { type: 'string' },
                    createdAt: { type: 'string' },
                  },
                },
              },
            },
          },
          ...errorResponses(),
        },
      },
    },
    async (request) => {
      const [snap, history] = await Promise.all([provider.snapshot(), provider.history(request.query.historyLimit ?? 20)]);
      return {
        version: snap.version,
        overrides: snap.overrides,
        history: history.map((h) => ({ version: h.version, ...h.change, by: h.by, createdAt: new Date(h.createdAt).toISOString() })),
      };
    },
  );

  app.put(
    '/v1/calendar/overrides/:date',
    {
      config: { permission: 'calendar:admin' },
      schema: {
        tags: ['calendar'],
        summary: 'Set (create or replace) the override of a date; returns the new calendar version (admin)',
        params: { type: 'object', required: ['date'], properties: { date: date('the date') } },
        body: {
          type: 'object',
          required: ['kind', 'name', 'source'],
          additionalProperties: false,
          properties: {
            kind: {
              enum: [...OVERRIDE_KINDS],
              description: 'holiday / day-off-in-lieu: not worked; make-up-working-day / working-day: worked',
            },
            name: { ...text, description: 'what the day is, e.g. "Nghỉ bù (quyết định của UBND tỉnh)"' },
            source: { ...text, description: 'document number and date that decided it' },
            actor,
          },
        },
        response: { 200: versionResponse, ...errorResponses(503) },
      },
    },
    async (request) => {
      const { date: d } = request.params;
      const { kind, name, source, actor: by = 'api' } = request.body;
      assertCalendarDate(d);
      const { version } = await provider.change({ action: 'set', date: d, kind, name, source }, by);
      request.log.info({ date: d, kind, version, by }, 'calendar override set');
      return { version };
    },
  );

  app.delete(
    '/v1/calendar/overrides/:date',
    {
      config: { permission: 'calendar:admin' },
      schema: {
        tags: ['calendar'],
        summary: 'Remove the override of a date (the national data applies again); returns the new version (admin)',
        params: { type: 'object', required: ['date'], properties: { date: date('the date') } },
        querystring: { type: 'object', additionalProperties: false, properties: { actor } },
        response: { 200: versionResponse, ...errorResponses(404, 503) },
      },
    },
    async (request) => {
      const { date: d } = request.params;
      assertCalendarDate(d);
      const { version } = await provider.change({ action: 'remove', date: d }, actorOf(request, request.query.actor));
      request.log.info({ date: d, version }, 'calendar override removed');
      return { version };
    },
  );
}
