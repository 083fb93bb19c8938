import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, resolveDue, type ParsedDuration } from '../../src/calendar/duration.js';
import { createVietnamCalendar } from '../../src/calendar/load-holidays.js';
import { at, local } from './support/helpers.js';

const cal = createVietnamCalendar();

describe('parseDuration', () => {
  it.each<[string, ParsedDuration]>([
    ['3 working days', { kind: 'working-days', days: 3 }],
    ['1 working day', { kind: 'working-days', days: 1 }],
    ['0.5 working days', { kind: 'working-days', days: 0.5 }],
    ['  2   Working  Days ', { kind: 'working-days', days: 2 }],
    ['4 working hours', { kind: 'working', minutes: 240 }],
    ['1.5 working hours', { kind: 'working', minutes: 90 }],
    ['30 working minutes', { kind: 'working', minutes: 30 }],
    ['3 ngày làm việc', { kind: 'working-days', days: 3 }],
    ['0,5 ngày làm việc', { kind: 'working-days', days: 0.5 }],
    ['4 giờ làm việc', { kind: 'working', minutes: 240 }],
    ['45 phút làm việc', { kind: 'working', minutes: 45 }],
    ['within the day', { kind: 'within-the-day', cutoff: null }],
    ['within the day, cutoff 15:00', { kind: 'within-the-day', cutoff: '15:00' }],
    ['trong ngày', { kind: 'within-the-day', cutoff: null }],
    ['trong ngày, sau 15:00', { kind: 'within-the-day', cutoff: '15:00' }],
    ['PT4H', { kind: 'wallclock', ms: 4 * 3_600_000 }],
    ['P3D', { kind: 'wallclock', ms: 3 * 86_400_000 }],
    ['P1DT12H', { kind: 'wallclock', ms: 36 * 3_600_000 }],
    ['P2W', { kind: 'wallclock', ms: 14 * 86_400_000 }],
    ['PT90M', { kind: 'wallclock', ms: 90 * 60_000 }],
    ['PT0.5H', { kind: 'wallclock', ms: 30 * 60_000 }],
    ['pt30s', { kind: 'wallclock', ms: 30_000 }],
  ])('%s', (text, expected) => {
    expect(parseDuration(text)).toEqual(expected);
  });

  it.each(['', 'P', 'PT', '3 days', '3D', 'P1M', 'P1Y2D', '-1 working days', 'within the day, cutoff 25:00', 'P3D working', 'soon'])(
    'rejects %j',
    (text) => {
      expect(() => parseDuration(text)).toThrow();
    },
  );

  it('explains that ISO months and years have no fixed length', () => {
    expect(() => parseDuration('P1M')).toThrow(/months/);
  });

  it('formatDuration round-trips', () => {
    for (const text of ['3 working days', '0.5 working days', '4 working hours', 'within the day, cutoff 15:00', 'P1DT2H']) {
      const d = parseDuration(text);
      expect(parseDuration(formatDuration(d))).toEqual(d);
    }
  });
});

describe('resolveDue', () => {
  const fri = at('2025-03-07', '16:00');
  it('working days / hours use the calendar', () => {
    expect(local(resolveDue(cal, fri, '3 working days'))).toBe('2025-03-12 16:00');
    expect(local(resolveDue(cal, fri, '4 working hours'))).toBe('2025-03-10 10:30');
    expect(local(resolveDue(cal, fri, '0.5 working days'))).toBe('2025-03-10 10:15');
  });

  it('ISO durations are wall-clock: P3D from Friday 16:00 is Monday 16:00', () => {
    expect(local(resolveDue(cal, fri, 'P3D'))).toBe('2025-03-10 16:00');
    expect(local(resolveDue(cal, at('2025-01-28', '10:00'), 'PT4H'))).toBe('2025-01-28 14:00');
  });

  it('within the day uses its own cutoff, else the option', () => {
    expect(local(resolveDue(cal, at('2025-03-03', '15:30'), 'within the day'))).toBe('2025-03-03 17:00');
    expect(local(resolveDue(cal, at('2025-03-03', '15:30'), 'within the day, cutoff 15:00'))).toBe('2025-03-04 17:00');
    expect(local(resolveDue(cal, at('2025-03-03', '15:30'), 'within the day', { cutoff: '15:00' }))).toBe('2025-03-04 17:00');
  });

  it('accepts a parsed duration', () => {
    expect(local(resolveDue(cal, fri, { kind: 'working', minutes: 90 }))).toBe('2025-03-10 08:00');
  });
});
