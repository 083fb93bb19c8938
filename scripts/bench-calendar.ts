/**
 * Working-time arithmetic throughput of the calendar (single thread, in memory).
 * Run: `node --import tsx scripts/bench-calendar.ts [--ms-per-case N] [--json]`
 * Each case runs for about N ms (default 800, at most 1500) after a short warm-up, so the
 * whole run stays under 10 s. Figures depend on the machine and on what else runs on it.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createVietnamCalendar, resolveDue, vnTime, type WorkingCalendar } from '../src/calendar/index.js';

const { values } = parseArgs({
  options: { 'ms-per-case': { type: 'string', default: '800' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
});
if (values.help) {
  console.log('usage: node --import tsx scripts/bench-calendar.ts [--ms-per-case N (≤ 1500)] [--json]');
  process.exit(0);
}
const msPerCase = Math.max(50, Math.min(1500, Number(values['ms-per-case']) || 800));

const cal: WorkingCalendar = createVietnamCalendar();
const endOfDay: WorkingCalendar = createVietnamCalendar({ deadlineEnd: 'end-of-day' });

// 1 000 start instants spread over 2024–2026 (every ~26 h + odd minutes: all times of day,
// weekends, holidays), the same set for every case.
const base = vnTime('2024-01-01', '00:00').getTime();
const starts = Array.from({ length: 1000 }, (_, i) => new Date(base + i * 94_380_000));
const mornings = starts.map((s) => vnTime(new Date(s.getTime() + 7 * 3_600_000).toISOString().slice(0, 10), '10:45'));
const fifteenDaysLater = starts.map((s) => new Date(s.getTime() + 15 * 86_400_000));

interface Case {
  name: string;
  run: (i: number) => number;
}

const cases: Case[] = [
  { name: 'addWorkingDays(start, 1)', run: (i) => cal.addWorkingDays(starts[i % 1000]!, 1).getTime() },
  { name: 'addWorkingDays(start, 15)', run: (i) => cal.addWorkingDays(starts[i % 1000]!, 15).getTime() },
  { name: 'addWorkingDays(start, 60)', run: (i) => cal.addWorkingDays(starts[i % 1000]!, 60).getTime() },
  { name: 'addWorkingHours(10:45, 2) across lunch', run: (i) => cal.addWorkingHours(mornings[i % 1000]!, 2).getTime() },
  { name: 'workingMinutesBetween(over 15 days)', run: (i) => cal.workingMinutesBetween(starts[i % 1000]!, fifteenDaysLater[i % 1000]!) },
  // The throughput tests/calendar/performance.test.ts used to assert (> 50 000 ops/s there).
  { name: 'addWorkingDays(09:00-ish start, 15)', run: (i) => cal.addWorkingDays(new Date(base + 2 * 3_600_000 + (i % 1000) * 7_919_000), 15).getTime() },
  { name: "resolveDue('15 ngày') calendar days", run: (i) => resolveDue(cal, starts[i % 1000]!, '15 ngày').getTime() },
  { name: "resolveDue('15 working days') end-of-day", run: (i) => resolveDue(endOfDay, starts[i % 1000]!, '15 working days').getTime() },
  {
    name: 'applyCutoff(15:00) + addWorkingDays(3)',
    run: (i) => cal.addWorkingDays(cal.applyCutoff(starts[i % 1000]!, '15:00'), 3).getTime(),
  },
];

function measure(c: Case): { name: string; ops: number; opsPerSec: number; nsPerOp: number } {
  let sink = 0;
  for (let i = 0; i < 5_000; i++) sink += c.run(i) & 1; // warm-up (JIT)
  let ops = 0;
  const t0 = performance.now();
  let elapsed = 0;
  // Batches of 1 000 between clock reads keep the timing overhead negligible.
  while (elapsed < msPerCase) {
    for (let j = 0; j < 1000; j++) sink += c.run(ops + j) & 1;
    ops += 1000;
    elapsed = performance.now() - t0;
  }
  if (sink < 0) console.log(sink); // keep the results alive
  return { name: c.name, ops, opsPerSec: (ops / elapsed) * 1000, nsPerOp: (elapsed * 1e6) / ops };
}

const wall0 = performance.now();
const results = cases.map(measure);
const wallMs = performance.now() - wall0;

if (values.json) {
  console.log(JSON.stringify({ node: process.version, msPerCase, wallMs: Math.round(wallMs), results }, null, 2));
} else {
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const rows = results.map((r) => [r.name, fmt(r.opsPerSec), r.nsPerOp.toFixed(0), fmt(r.ops)]);
  const header = ['operation', 'ops/s', 'ns/op', 'ops run'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(`calendar arithmetic, node ${process.version}, ~${msPerCase} ms per case, single thread`);
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
  console.log(`total ${(wallMs / 1000).toFixed(1)} s`);
}
