import { describe, expect, it } from 'vitest';
import { resolveDue } from '../../src/calendar/duration.js';
import { createVietnamCalendar } from '../../src/calendar/load-holidays.js';
import { at, local } from './support/helpers.js';

const cal = createVietnamCalendar();
// Mon 3 Mar 2025 … Fri 7 Mar 2025 are ordinary working days.

describe('applyCutoff (received after 15:00 → counts from the next working day)', () => {
  it.each([
    ['2025-03-03', '14:59', '2025-03-03 14:59'],
    ['2025-03-03', '15:00', '2025-03-03 15:00'],
    ['2025-03-03', '15:01', '2025-03-04 07:30'],
    ['2025-03-03', '06:00', '2025-03-03 07:30'],
    ['2025-03-03', '12:00', '2025-03-03 13:30'],
    ['2025-03-03', '17:30', '2025-03-04 07:30'],
    ['2025-03-07', '15:30', '2025-03-10 07:30'],
    ['2025-03-08', '10:00', '2025-03-10 07:30'],
    ['2025-03-09', '16:00', '2025-03-10 07:30'],
    ['2024-12-31', '16:00', '2025-01-02 07:30'],
  ])('received %s %s → counts from %s', (date, clock, expected) => {
    expect(local(cal.applyCutoff(at(date, clock), '15:00'))).toBe(expected);
  });

  it('without a cutoff it is nextWorkingInstant', () => {
    expect(local(cal.applyCutoff(at('2025-03-03', '16:00'), null))).toBe('2025-03-03 16:00');
    expect(local(cal.applyCutoff(at('2025-03-03', '17:00'), null))).toBe('2025-03-04 07:30');
  });

  it('rejects a malformed cutoff', () => {
    expect(() => cal.applyCutoff(at('2025-03-03', '16:00'), '3pm')).toThrow(/HH:mm/);
  });
});

describe('dueWithinTheDay', () => {
  it.each([
    ['2025-03-03', '09:00', '15:00', '2025-03-03 17:00'],
    ['2025-03-03', '15:00', '15:00', '2025-03-03 17:00'],
    ['2025-03-03', '15:01', '15:00', '2025-03-04 17:00'],
    ['2025-03-03', '16:30', null, '2025-03-03 17:00'],
    ['2025-03-03', '17:00', null, '2025-03-04 17:00'],
    ['2025-03-03', '06:45', '15:00', '2025-03-03 17:00'],
    ['2025-03-07', '16:00', '15:00', '2025-03-10 17:00'],
    ['2025-03-08', '09:00', '15:00', '2025-03-10 17:00'],
    ['2025-04-29', '15:30', '15:00', '2025-05-05 17:00'],
  ])('received %s %s (cutoff %s) → due %s', (date, clock, cutoff, expected) => {
    expect(local(cal.dueWithinTheDay(at(date, clock), cutoff))).toBe(expected);
  });
});

describe('cutoff with working-time durations', () => {
  it('Mon 16:00 with cutoff 15:00 + 1 working day = Tue 17:00 (counting from Tue 07:30)', () => {
    expect(local(resolveDue(cal, at('2025-03-03', '16:00'), '1 working day', { cutoff: '15:00' }))).toBe('2025-03-04 17:00');
    expect(local(resolveDue(cal, at('2025-03-03', '16:00'), '1 working day'))).toBe('2025-03-04 16:00');
    expect(local(resolveDue(cal, at('2025-03-03', '14:00'), '4 working hours', { cutoff: '15:00' }))).toBe('2025-03-04 08:30');
  });
});
