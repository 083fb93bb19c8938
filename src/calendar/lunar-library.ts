/**
 * Typed adapter for lunar-javascript (Chinese calendar, UTC+8). Used only by
 * scripts/generate-holidays.ts and tests to cross-check VN_LUNAR_TABLE; the runtime reads
 * the generated JSON and never loads this module (it is not exported from index.ts).
 */
import { createRequire } from 'node:module';

interface LunarDay {
  getSolar(): { toYmd(): string };
}
interface LunarJavascript {
  Lunar: { fromYmd(lunarYear: number, lunarMonth: number, lunarDay: number): LunarDay };
}

const load = createRequire(import.meta.url);
const lib = load('lunar-javascript') as LunarJavascript;

/** Solar `YYYY-MM-DD` of a (non-leap) Chinese lunar date. */
export function chineseLunarToSolar(lunarYear: number, lunarMonth: number, lunarDay: number): string {
  return lib.Lunar.fromYmd(lunarYear, lunarMonth, lunarDay).getSolar().toYmd();
}

/** Chinese New Year (1/1 lunar) and 10/3 lunar of `year`, per lunar-javascript. */
export function chineseLunarDates(year: number): { tet: string; hungKings: string } {
  return { tet: chineseLunarToSolar(year, 1, 1), hungKings: chineseLunarToSolar(year, 3, 10) };
}
