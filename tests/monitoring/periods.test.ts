import { describe, expect, it } from 'vitest';
import { checkPeriod, daysOf, MAX_PERIOD_DAYS, periodPlan } from '../../src/monitoring/periods.js';
import { bucketOf } from '../../src/monitoring/trends.js';

const NOW = '2026-12-03T03:00:00Z'; // 10:00 on 3 Dec in Hà Nội

describe('monitoring periods', () => {
  it('this month up to today is one month row; a month cut short is read by its days', () => {
    expect(periodPlan('2026-12-01', '2026-12-03', NOW)).toEqual({ months: ['2026-12'], partialMonths: [] });
    expect(periodPlan('2026-12-01', '2026-12-31', NOW).months).toEqual(['2026-12']);
    const plan = periodPlan('2026-11-15', '2026-12-02', NOW);
    expect(plan.months).toEqual([]);
    expect(plan.partialMonths.map((p) => [p.month, p.days.size])).toEqual([['2026-11', 16], ['2026-12', 2]]);
    expect(periodPlan('2026-10-01', '2026-12-03', NOW).months).toEqual(['2026-10', '2026-11', '2026-12']);
  });

  it('the local day decides "today": 20:00 UTC on 2 Dec is already 3 Dec', () => {
    expect(periodPlan('2026-12-01', '2026-12-02', '2026-12-02T20:00:00Z').months).toEqual([]);
    expect(periodPlan('2026-12-01', '2026-12-02', '2026-12-02T16:00:00Z').months).toEqual(['2026-12']);
  });

  it('daily and weekly reads never use month rows', () => {
    expect(periodPlan('2026-12-01', '2026-12-03', NOW, { wholeMonths: false }).months).toEqual([]);
  });

  it('refuses days that do not exist, reversed and over-long periods', () => {
    expect(() => checkPeriod('2026-02-30', '2026-03-01')).toThrow(expect.objectContaining({ code: 'INVALID_PERIOD', statusCode: 400 }));
    expect(() => checkPeriod('2026-12-05', '2026-12-01')).toThrow(expect.objectContaining({ code: 'INVALID_PERIOD' }));
    expect(() => checkPeriod('2024-01-01', '2024-12-31')).not.toThrow();
    expect(() => checkPeriod('2024-01-01', '2025-01-01')).toThrow(expect.objectContaining({ code: 'PERIOD_TOO_LONG', statusCode: 400 }));
    expect(daysOf('2024-01-01', '2024-12-31')).toHaveLength(MAX_PERIOD_DAYS);
  });

  it('buckets: ISO weeks across a year end, months', () => {
    expect(bucketOf('2026-12-31', 'week')).toBe('2026-W53');
    expect(bucketOf('2027-01-04', 'week')).toBe('2027-W01');
    expect(bucketOf('2026-12-28', 'week')).toBe('2026-W53');
    expect(bucketOf('2026-12-27', 'week')).toBe('2026-W52');
    expect(bucketOf('2026-12-27', 'month')).toBe('2026-12');
  });
});

describe('step duration quantiles', () => {
  it('median and p90 interpolate inside the bucket holding the rank', async () => {
    const { bucketIndex, quantileOf, STEP_BUCKETS } = await import('../../src/monitoring/steps.js');
    expect(bucketIndex(0)).toBe(0);
    expect(bucketIndex(15)).toBe(0);
    expect(bucketIndex(16)).toBe(1);
    expect(bucketIndex(1e9)).toBe(STEP_BUCKETS.length);
    // 10 steps: 5 in (60, 120], 5 in (480, 960]
    const h = { [bucketIndex(100)]: 5, [bucketIndex(700)]: 5 };
    expect(quantileOf(h, 10, 0.5)).toBe(120);
    expect(quantileOf(h, 10, 0.9)).toBe(480 + Math.round((960 - 480) * 0.8));
    expect(quantileOf({}, 0, 0.5)).toBeNull();
  });
});
