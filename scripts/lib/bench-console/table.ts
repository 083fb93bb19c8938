/** The benchmark's printed table: median / p90 ms per request and size, and the ratio of medians between sizes. */
import type { Timing } from './measure.js';

export interface SizeResult {
  size: number;
  seedSeconds: number | null;
  timings: Timing[];
}

const ms = (n: number): string => (Number.isNaN(n) ? '-' : n < 10 ? n.toFixed(1) : String(Math.round(n)));
const compact = (n: number): string => (n >= 1_000_000 ? `${n / 1_000_000}M` : n >= 1000 ? `${n / 1000}k` : String(n));

export function renderTable(results: readonly SizeResult[]): string {
  const labels = [...new Set(results.flatMap((r) => r.timings.map((t) => t.label)))];
  const header = ['endpoint · variant · scope', ...results.map((r) => `${compact(r.size)} med / p90 ms`)];
  for (let i = 1; i < results.length; i++) header.push(`×${compact(results[i]!.size)}/${compact(results[i - 1]!.size)}`);
  const rows = labels.map((label) => {
    const cells = results.map((r) => r.timings.find((t) => t.label === label));
    const out = [label, ...cells.map((t) => (t ? `${t.runs === 1 ? `${ms(t.medianMs)}*` : `${ms(t.medianMs)} / ${ms(t.p90Ms)}`}${t.status === 200 ? '' : ` (${t.status})`}` : '-'))];
    for (let i = 1; i < cells.length; i++) {
      const [a, b] = [cells[i - 1], cells[i]];
      out.push(a && b && a.medianMs > 0 ? `${(b.medianMs / a.medianMs).toFixed(1)}` : '-');
    }
    return out;
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const seeded = results.map((r) => `${compact(r.size)}: ${r.seedSeconds === null ? 'reused' : `${Math.round(r.seedSeconds)} s`}`).join(', ');
  const footnote = '* one run: its first request took longer than the per-variant budget; (nnn): HTTP status other than 200';
  return [line(header), `|${widths.map((w, i) => (i === 0 ? ` ${'-'.repeat(w)} ` : ` ${'-'.repeat(w - 1)}: `)).join('|')}|`, ...rows.map(line), '', footnote, `seeding: ${seeded}`].join('\n');
}
