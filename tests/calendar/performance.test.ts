import { describe, expect, it } from 'vitest';
import { createVietnamCalendar } from '../../src/calendar/load-holidays.js';
import { at } from './support/helpers.js';

const cal = createVietnamCalendar();

describe('performance', () => {
  it('addWorkingDays(…, 15) sustains well over 50k ops/s (target > 200k on an idle core)', () => {
    const base = at('2024-01-01', '09:00').getTime();
    const starts = Array.from({ length: 1000 }, (_, i) => new Date(base + i * 7_919_000));
    let sink = 0;
    for (let i = 0; i < 20_000; i++) sink += cal.addWorkingDays(starts[i % 1000] ?? new Date(base), 15).getTime() & 1; // warm-up
    const n = 200_000;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) sink += cal.addWorkingDays(starts[i % 1000] ?? new Date(base), 15).getTime() & 1;
    const opsPerSec = n / ((performance.now() - t0) / 1000);
    console.log(`addWorkingDays(…, 15): ${Math.round(opsPerSec).toLocaleString('en-US')} ops/s`);
    expect(sink).toBeGreaterThanOrEqual(0);
    // Loose bound: CI shares 2 cores between parallel test files.
    expect(opsPerSec).toBeGreaterThan(50_000);
  });
});
