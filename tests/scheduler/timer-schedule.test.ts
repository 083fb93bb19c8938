import { describe, expect, it } from 'vitest';
import { nextOccurrence, parseSchedule, shortestGapMs, type Schedule } from '../../src/engine/timer-schedule.js';
import { repeatStrategy } from '../../src/scheduler/timer-starts.js';

const parse = (kind: string, text: string): Schedule => {
  const s = parseSchedule(kind, text);
  if ('error' in s) throw new Error(s.error);
  return s;
};
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('timer start schedules', () => {
  it('a monthly cycle from its start keeps the day of month (P1M added from the first occurrence)', () => {
    const s = parse('timeCycle', 'R/2026-01-31T08:00:00+07:00/P1M');
    const anchor = Date.parse('2025-12-01T00:00:00Z');
    expect(iso(nextOccurrence(s, Date.parse('2025-12-15T00:00:00Z'), anchor))).toBe('2026-01-31T01:00:00.000Z');
    expect(iso(nextOccurrence(s, Date.parse('2026-01-31T01:00:00Z'), anchor))).toBe('2026-02-28T01:00:00.000Z');
    expect(iso(nextOccurrence(s, Date.parse('2026-02-28T01:00:00Z'), anchor))).toBe('2026-03-31T01:00:00.000Z');
    // Years later: jumps near, not step by step from the start.
    expect(iso(nextOccurrence(s, Date.parse('2036-06-15T00:00:00Z'), anchor))).toBe('2036-06-30T01:00:00.000Z');
  });

  it('R<n> stops after n occurrences; without a start it counts from the anchor (the version publish instant)', () => {
    const s = parse('timeCycle', 'R2/PT1H');
    const anchor = Date.parse('2026-03-01T00:00:00Z');
    expect(iso(nextOccurrence(s, anchor, anchor))).toBe('2026-03-01T01:00:00.000Z');
    expect(iso(nextOccurrence(s, Date.parse('2026-03-01T01:00:00Z'), anchor))).toBe('2026-03-01T02:00:00.000Z');
    expect(nextOccurrence(s, Date.parse('2026-03-01T02:00:00Z'), anchor)).toBeUndefined();
  });

  it('a date fires once; a cron expression is read in Vietnam time', () => {
    const d = parse('timeDate', '2026-05-01T08:00:00+07:00');
    expect(iso(nextOccurrence(d, Date.parse('2026-04-01T00:00:00Z'), 0))).toBe('2026-05-01T01:00:00.000Z');
    expect(nextOccurrence(d, Date.parse('2026-05-01T01:00:00Z'), 0)).toBeUndefined();
    const c = parse('timeCycle', '0 0 8 1 * *');
    expect(iso(nextOccurrence(c, Date.parse('2026-04-15T00:00:00Z'), 0))).toBe('2026-05-01T01:00:00.000Z');
    expect(shortestGapMs(c, Date.parse('2026-01-01T00:00:00Z'))).toBe(28 * 86_400_000);
  });

  it('refuses durations, empty cycles, R0 and what is neither a cycle nor a cron', () => {
    for (const [kind, text] of [['timeDuration', 'PT1H'], ['timeCycle', 'R/PT0S'], ['timeCycle', 'R0/PT1H'], ['timeCycle', 'tomorrow'], ['timeDate', '2026-05-01']]) {
      expect(parseSchedule(kind as string, text as string), text).toHaveProperty('error');
    }
  });

  it("BullMQ's repeat strategy reads the schedule from the scheduler's pattern", () => {
    const anchor = Date.parse('2026-03-01T00:00:00Z');
    expect(repeatStrategy(anchor, { pattern: `bpmn|timeCycle|${anchor}|R/PT1H` })).toBe(anchor + 3_600_000);
    expect(repeatStrategy(anchor, { pattern: '0 0 8 1 * *' })).toBeUndefined();
  });
});
