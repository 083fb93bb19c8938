/**
 * Generates the projected holiday files data/holidays/YYYY.json (default 2027–2030).
 *
 *   npx tsx scripts/generate-holidays.ts                 # write projected years 2027–2030
 *   npx tsx scripts/generate-holidays.ts --check         # exit 1 if a file is out of date
 *   npx tsx scripts/generate-holidays.ts --from 2031 --to 2031   # needs VN_LUNAR_TABLE rows
 *
 * Files whose status is "announced" (transcribed from government documents) are never
 * overwritten unless --force is given. Before writing, the Vietnamese lunar table is
 * cross-checked against lunar-javascript (Chinese calendar, UTC+8); any difference not
 * recorded in the table (cnTet / cnHungKings) aborts. See docs/calendar.md.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseHolidayYearFile } from '../src/calendar/holiday-data.js';
import { DEFAULT_HOLIDAY_DIR } from '../src/calendar/load-holidays.js';
import { chineseLunarDates } from '../src/calendar/lunar-library.js';
import { projectYear } from '../src/calendar/projection.js';
import type { HolidayEntry } from '../src/calendar/types.js';
import { VN_LUNAR_TABLE, vnLunarYear } from '../src/calendar/vn-lunar-table.js';

const NOTE =
  'Computed projection: Labour Code 2019 art. 112(1) holidays and, from 2026, Ngày Văn hóa Việt Nam 24/11 ' +
  '(Nghị quyết 28/2026/QH16, in force 1/7/2026, as cited by public sources; primary text not retrieved), Tết = last day of the lunar year + mùng 1–4 ' +
  '(Vietnamese lunar calendar, UTC+7), a day off in lieu (art. 111(3)) on the next weekday for a holiday on ' +
  'Saturday/Sunday (24/11 included); no swaps. Replace with the announced schedule (see docs/calendar.md).';

function renderEntry(e: HolidayEntry): string {
  const fields = [
    ['date', e.date],
    ['kind', e.kind],
    ['name', e.name],
    ['source', e.source],
  ] as const;
  return `    { ${fields.map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(', ')} }`;
}

export function renderYear(year: number, entries: readonly HolidayEntry[]): string {
  return [
    '{',
    `  "year": ${year},`,
    '  "status": "projected",',
    `  "note": ${JSON.stringify(NOTE)},`,
    '  "entries": [',
    entries.map(renderEntry).join(',\n'),
    '  ]',
    '}',
    '',
  ].join('\n');
}

function crossCheckLunarTable(): string[] {
  const problems: string[] = [];
  for (const row of VN_LUNAR_TABLE) {
    const cn = chineseLunarDates(row.year);
    const expectTet = row.cnTet ?? row.tet;
    const expectHung = row.cnHungKings ?? row.hungKings;
    if (cn.tet !== expectTet) problems.push(`${row.year}: lunar-javascript Tết ${cn.tet}, table expects ${expectTet}`);
    if (cn.hungKings !== expectHung) {
      problems.push(`${row.year}: lunar-javascript 10/3 ${cn.hungKings}, table expects ${expectHung}`);
    }
  }
  return problems;
}

function main(): number {
  const { values } = parseArgs({
    options: {
      from: { type: 'string', default: '2027' },
      to: { type: 'string', default: '2030' },
      dir: { type: 'string', default: DEFAULT_HOLIDAY_DIR },
      check: { type: 'boolean', default: false },
      force: { type: 'boolean', default: false },
    },
  });
  const from = Number(values.from);
  const to = Number(values.to);
  if (!Number.isInteger(from) || !Number.isInteger(to) || from > to) {
    console.error(`invalid year range ${values.from}..${values.to}`);
    return 2;
  }
  const problems = crossCheckLunarTable();
  if (problems.length > 0) {
    console.error(`lunar table disagrees with lunar-javascript:\n  ${problems.join('\n  ')}`);
    return 1;
  }
  let stale = 0;
  for (let year = from; year <= to; year++) {
    const file = join(values.dir, `${year}.json`);
    const existing = existsSync(file) ? readFileSync(file, 'utf8') : null;
    if (existing !== null && !values.force) {
      const parsed = parseHolidayYearFile(JSON.parse(existing) as unknown, `${year}.json`);
      if (parsed.status === 'announced') {
        console.log(`${year}: announced, left as is`);
        continue;
      }
    }
    const text = renderYear(year, projectYear(year, vnLunarYear(year)));
    if (values.check) {
      if (text !== existing) {
        console.error(`${year}: ${file} is out of date; run npx tsx scripts/generate-holidays.ts`);
        stale++;
      } else {
        console.log(`${year}: up to date`);
      }
      continue;
    }
    writeFileSync(file, text);
    console.log(`${year}: wrote ${file}`);
  }
  return stale > 0 ? 1 : 0;
}

process.exitCode = main();
