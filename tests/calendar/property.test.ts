import { describe, expect, it } from 'vitest';
import { createVietnamCalendar } from '../../src/calendar/load-holidays.js';
import { at, rng } from './support/helpers.js';

const cal = createVietnamCalendar();
const FROM = at('2024-01-01').getTime();
const TO = at('2030-10-01').getTime();

describe('property-style checks (seeded random)', () => {
  const random = rng(20240210);
  const cases = Array.from({ length: 3000 }, () => {
    const minuteAligned = random() < 0.7;
    let start = FROM + Math.floor(random() * (TO - FROM));
    if (minuteAligned) start -= start % 60_000;
    const r = random();
    const minutes = r < 0.4 ? Math.floor(random() * 900) : r < 0.8 ? Math.floor(random() * 20_000) : Math.round(random() * 5_000_000) / 1000;
    return { start: new Date(start), minutes };
  });

  it('workingMinutesBetween(s, add(s, m)) === m, and the backward variant', () => {
    for (const { start, minutes } of cases) {
      const due = cal.addWorkingMinutes(start, minutes);
      expect(cal.workingMinutesBetween(start, due)).toBe(minutes);
      const back = cal.addWorkingMinutes(start, -minutes);
      expect(cal.workingMinutesBetween(start, back)).toBe(minutes === 0 ? 0 : -minutes);
    }
  });

  it('holds in particular when the start is a working instant', () => {
    let checked = 0;
    for (const { start, minutes } of cases) {
      const s = cal.nextWorkingInstant(start);
      expect(cal.isWorkingInstant(s)).toBe(true);
      expect(cal.workingMinutesBetween(s, cal.addWorkingMinutes(s, minutes))).toBe(minutes);
      checked++;
    }
    expect(checked).toBe(cases.length);
  });

  it('add then subtract returns to the next working instant of the start', () => {
    for (const { start, minutes } of cases) {
      if (minutes === 0) continue;
      const there = cal.addWorkingMinutes(start, minutes);
      expect(cal.addWorkingMinutes(there, -minutes).getTime()).toBe(cal.nextWorkingInstant(start).getTime());
    }
  });

  it('is monotonic and additive', () => {
    for (let i = 0; i + 1 < cases.length; i += 2) {
      const a = cases[i];
      const b = cases[i + 1];
      if (!a || !b) continue;
      const s = a.start;
      const [m1, m2] = a.minutes <= b.minutes ? [a.minutes, b.minutes] : [b.minutes, a.minutes];
      const t1 = cal.addWorkingMinutes(s, m1);
      const t2 = cal.addWorkingMinutes(s, m2);
      expect(t1.getTime()).toBeLessThanOrEqual(t2.getTime());
      expect(cal.workingMinutesBetween(s, t1) + cal.workingMinutesBetween(t1, t2)).toBeCloseTo(cal.workingMinutesBetween(s, t2), 9);
      // additivity of add: add(add(s, m1), m2 - m1) === add(s, m2) when m1 > 0
      if (m1 > 0) expect(cal.addWorkingMinutes(t1, m2 - m1).getTime()).toBe(t2.getTime());
    }
  });

  it('working days are whole multiples of a day: add(s, N days) from a working instant keeps the clock time or lands on 17:00', () => {
    for (const { start } of cases.slice(0, 500)) {
      const s = cal.nextWorkingInstant(start);
      const due = cal.addWorkingDays(s, 1 + Math.floor(random() * 20));
      const clock = (t: Date): number => (t.getTime() + 7 * 3_600_000) % 86_400_000;
      const c = clock(due);
      expect(c === clock(s) || c === 17 * 3_600_000 || c === 11.5 * 3_600_000).toBe(true);
    }
  });
});
