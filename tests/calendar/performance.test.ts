/**
 * Correctness of the arithmetic the benchmark measures (scripts/bench-calendar.ts). Speed is
 * not asserted here: a wall-clock threshold fails on a busy machine, not on a slow calendar.
 */
import { describe, expect, it } from 'vitest';
import { createVietnamCalendar } from '../../src/calendar/load-holidays.js';
import { at } from './support/helpers.js';

const cal = createVietnamCalendar();

describe('addWorkingDays over the benchmark inputs', () => {
  it('every result is a working instant holding exactly 15 working days', () => {
    const base = at('2024-01-01', '09:00').getTime();
    for (let i = 0; i < 1000; i++) {
      const start = new Date(base + i * 7_919_000);
      const due = cal.addWorkingDays(start, 15);
      expect(cal.workingMinutesBetween(start, due)).toBe(15 * cal.minutesPerWorkingDay);
      // The earliest such instant: one minute less is short of the budget.
      expect(cal.workingMinutesBetween(start, new Date(due.getTime() - 60_000))).toBeLessThan(15 * cal.minutesPerWorkingDay);
    }
  });
});
