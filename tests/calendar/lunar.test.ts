import { describe, expect, it } from 'vitest';
import { chineseLunarDates } from '../../src/calendar/lunar-library.js';
import { VN_LUNAR_TABLE } from '../../src/calendar/vn-lunar-table.js';
import { lunarToSolar } from './support/vn-lunar-algorithm.js';

describe('Vietnamese lunar table 2024–2030', () => {
  it('covers every year 2024–2030 exactly once', () => {
    expect(VN_LUNAR_TABLE.map((r) => r.year)).toEqual([2024, 2025, 2026, 2027, 2028, 2029, 2030]);
  });

  it('agrees with lunar-javascript (Chinese calendar, UTC+8) except the recorded divergences', () => {
    for (const row of VN_LUNAR_TABLE) {
      const cn = chineseLunarDates(row.year);
      expect(cn.tet, `Tết ${row.year}`).toBe(row.cnTet ?? row.tet);
      expect(cn.hungKings, `10/3 ${row.year}`).toBe(row.cnHungKings ?? row.hungKings);
    }
  });

  it('records exactly one divergence: Tết 2030 is 2 Feb in Vietnam, 3 Feb in China', () => {
    const divergent = VN_LUNAR_TABLE.filter((r) => r.cnTet !== undefined || r.cnHungKings !== undefined);
    expect(divergent).toEqual([{ year: 2030, tet: '2030-02-02', hungKings: '2030-04-12', cnTet: '2030-02-03' }]);
  });

  it('matches an independent astronomical computation at UTC+7 (and UTC+8 for the Chinese dates)', () => {
    for (const row of VN_LUNAR_TABLE) {
      expect(lunarToSolar(1, 1, row.year, 7), `VN Tết ${row.year}`).toBe(row.tet);
      expect(lunarToSolar(10, 3, row.year, 7), `VN 10/3 ${row.year}`).toBe(row.hungKings);
      expect(lunarToSolar(1, 1, row.year, 8), `CN Tết ${row.year}`).toBe(row.cnTet ?? row.tet);
      expect(lunarToSolar(10, 3, row.year, 8), `CN 10/3 ${row.year}`).toBe(row.cnHungKings ?? row.hungKings);
    }
  });

  it('the independent computation reproduces known historical Tết dates (1985 and 2007 diverged)', () => {
    expect(lunarToSolar(1, 1, 2007, 7)).toBe('2007-02-17');
    expect(lunarToSolar(1, 1, 2007, 8)).toBe('2007-02-18');
    expect(lunarToSolar(1, 1, 1985, 7)).toBe('1985-01-21');
    expect(lunarToSolar(1, 1, 1985, 8)).toBe('1985-02-20');
    expect(lunarToSolar(1, 1, 2023, 7)).toBe('2023-01-22');
  });
});
