/**
 * Per-procedure time units (statutoryTimeUnit), calendar-day clocks and the deadlineEnd
 * setting through the clock life cycle: start, reminder, pause/resume, recompute, SLA class.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createVietnamCalendar, createWorkingCalendar, loadHolidayEntries, toVnIso, vnTime } from '../../src/calendar/index.js';
import { classify, pauseClock, recompute, resumeClock, startClock } from '../../src/deadlines/clock.js';
import { checkQuotas } from '../../src/deadlines/quota-check.js';
import { statutorySpec } from '../../src/deadlines/time-unit.js';
import { createModdle } from '../../src/engine/moddle.js';

const local = (iso: string | null) => (iso === null ? null : toVnIso(new Date(iso)).slice(0, 16).replace('T', ' '));
const clockTime = createVietnamCalendar();
const endOfDay = createVietnamCalendar({ deadlineEnd: 'end-of-day' });
/** The national data without 24/11: the calendar before this deploy. */
const withoutCultureDay = (deadlineEnd: 'clock-time' | 'end-of-day') =>
  createWorkingCalendar({ entries: loadHolidayEntries().filter((e) => !e.date.endsWith('-11-24') && !e.name.includes('24/11')), deadlineEnd });

describe('statutoryTimeUnit', () => {
  it('gives a bare number its unit and checks a written unit against it', () => {
    expect(statutorySpec({ statutoryTime: '15', statutoryTimeUnit: 'calendar-days' }, 'statutoryTime')).toEqual({ spec: '15 calendar days', unit: 'calendar-days' });
    expect(statutorySpec({ statutoryTime: '4', statutoryTimeUnit: 'working-hours' }, 'statutoryTime')).toEqual({ spec: '4 working hours', unit: 'working-hours' });
    expect(statutorySpec({ statutoryTime: '3 working days' }, 'statutoryTime')).toEqual({ spec: '3 working days', unit: 'working-days' });
    expect(statutorySpec({ statutoryTime: '15 ngày' }, 'statutoryTime')).toEqual({ spec: '15 ngày', unit: 'calendar-days' });
    expect(statutorySpec({ statutoryTime: '3 working days', statutoryTimeUnit: 'calendar-days' }, 'statutoryTime').problem?.code).toBe('TIME_UNIT_CONFLICT');
    expect(statutorySpec({ statutoryTime: '15', statutoryTimeUnit: 'fortnights' }, 'statutoryTime').problem?.code).toBe('INVALID_TIME_UNIT');
    expect(statutorySpec({ statutoryTimeUnit: 'calendar-days' }, 'statutoryTime').problem?.code).toBe('INVALID_TIME_UNIT');
  });

  const xml = readFileSync('tests/fixtures/deadlines/supplement.bpmn', 'utf8').replace('CLOCK_MODE', 'restart');
  const withStatutory = async (props: string) => {
    const changed = xml.replace('<camunda:property name="statutoryTime" value="2 working days"/>', props);
    const { elementsById } = await createModdle().fromXML(changed);
    return checkQuotas(elementsById as Record<string, unknown>, 'dl_supplement', 450);
  };

  it('is validated at publish', async () => {
    const bad = await withStatutory('<camunda:property name="statutoryTime" value="3"/><camunda:property name="statutoryTimeUnit" value="weeks"/>');
    expect(bad).toEqual([expect.objectContaining({ code: 'INVALID_TIME_UNIT', elementId: 'dl_supplement' })]);
    const conflict = await withStatutory('<camunda:property name="statutoryTime" value="2 working days"/><camunda:property name="statutoryTimeUnit" value="calendar-days"/>');
    expect(conflict).toEqual([expect.objectContaining({ code: 'TIME_UNIT_CONFLICT' })]);
  });

  it('checks quotas against the working days calendar days surely hold (⌊N × 5/7⌋)', async () => {
    // Quotas add up to 2 working days: 3 calendar days hold only 2 (accepted), 2 hold 1 (refused).
    expect(await withStatutory('<camunda:property name="statutoryTime" value="3"/><camunda:property name="statutoryTimeUnit" value="calendar-days"/>')).toEqual([]);
    expect(await withStatutory('<camunda:property name="statutoryTime" value="2 calendar days"/>')).toEqual([
      expect.objectContaining({ code: 'QUOTA_EXCEEDS_STATUTORY_TIME' }),
    ]);
  });
});

describe('calendar-day clocks', () => {
  it('start, remind and end on a working day; pauses stop calendar time', () => {
    const clock = startClock(clockTime, '15 calendar days', null, vnTime('2026-11-09', '09:00'), 0.5);
    expect(clock).toMatchObject({ unit: 'calendar', end: 'clock-time', budgetMinutes: 15 * 1440 });
    expect(local(clock.dueAt)).toBe('2026-11-25 09:00'); // 24/11 is off
    expect(local(clock.remindAt)).toBe('2026-11-16 21:00'); // half of 15 days, wall-clock
    // Stopped for 2 days (Thu 12/11 09:00 → Sat 14/11 09:00): the nominal end moves from 24/11 to Thursday 26/11.
    const paused = pauseClock(clockTime, clock, vnTime('2026-11-12', '09:00'), 'supplement');
    expect(paused.consumedMinutes).toBe(3 * 1440);
    const resumed = resumeClock(clockTime, paused, vnTime('2026-11-14', '09:00'), 'resume', 0.5);
    expect(local(resumed.dueAt)).toBe('2026-11-26 09:00');
    const sla = classify(clockTime, resumed, vnTime('2026-11-20', '10:00'));
    expect(sla).toMatchObject({ class: 'early', usedMinutes: 3 * 1440 + 6 * 1440 + 60 });
  });

  it('a calendar change moves the end off a new holiday, with the end rule kept', () => {
    const before = withoutCultureDay('end-of-day');
    const clock = startClock(before, '15 ngày', null, vnTime('2026-11-09', '09:00'), 0.75);
    expect(clock.end).toBe('end-of-day');
    expect(local(clock.dueAt)).toBe('2026-11-24 17:00');
    expect(local(recompute(endOfDay, clock, 0.75).dueAt)).toBe('2026-11-25 17:00');
  });
});

describe('deadlineEnd through the clock', () => {
  const monday = vnTime('2026-11-23', '09:00');

  it('clock-time: Monday 23/11/2026 09:00 + 3 working days is due Friday 27/11 09:00 (24/11 off)', () => {
    const clock = startClock(clockTime, '3 working days', null, monday, 0.75);
    expect(clock.end).toBe('clock-time');
    expect(local(clock.dueAt)).toBe('2026-11-27 09:00');
    expect(classify(clockTime, clock, vnTime('2026-11-27', '12:00')).class).toBe('late');
  });

  it('end-of-day: due at the close of Friday; reminder, breach and class use that same instant', () => {
    const clock = startClock(endOfDay, '3 working days', null, monday, 0.75);
    expect(clock.end).toBe('end-of-day');
    expect(local(clock.dueAt)).toBe('2026-11-27 17:00');
    expect(clock.budgetMinutes).toBe(360 + 3 * 450); // rest of Monday + Wed, Thu, Fri
    expect(classify(endOfDay, clock, vnTime('2026-11-27', '12:00'))).toMatchObject({ class: 'on-time', dueAt: clock.dueAt });
    expect(classify(endOfDay, clock, vnTime('2026-11-27', '17:01')).class).toBe('late');
    expect(classify(endOfDay, clock, vnTime('2026-11-26', '16:00')).class).toBe('early');
  });

  it('end-of-day survives a pause: the resumed clock ends at a closing time', () => {
    const clock = startClock(endOfDay, '3 working days', null, monday, 0.75);
    const paused = pauseClock(endOfDay, clock, vnTime('2026-11-23', '10:00'), 'supplement');
    const resumed = resumeClock(endOfDay, paused, vnTime('2026-11-25', '14:00'), 'resume', 0.75);
    expect(local(resumed.dueAt)).toBe('2026-12-01 17:00');
  });

  it('a running clock started before 24/11 was data moves one working day on recompute', () => {
    const old = startClock(withoutCultureDay('clock-time'), '3 working days', null, monday, 0.75);
    expect(local(old.dueAt)).toBe('2026-11-26 09:00');
    expect(local(recompute(clockTime, old, 0.75).dueAt)).toBe('2026-11-27 09:00');
  });

  it('hours keep their instant under end-of-day', () => {
    const clock = startClock(endOfDay, '4 working hours', null, monday, 0.75);
    expect(clock.end).toBe('clock-time');
    expect(local(clock.dueAt)).toBe('2026-11-23 15:00'); // 2.5 h before lunch, 1.5 h after
  });
});
