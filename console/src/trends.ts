/**
 * The trend chart of the overview: per day, ISO week or month, finished early / on time / late
 * as stacked bars and received as a line, drawn as SVG by hand (no chart library: one chart
 * does not need one), with the same figures in a table under it and a CSV of the series.
 */
import { currentLang, t } from './i18n.js';
import { el, getJson } from './dom.js';

export type Grain = 'day' | 'week' | 'month';
export interface Bucket { period: string; received: number; early: number; onTime: number; late: number; finished: number; onTimeRate: number | null }
interface Trends { from: string; to: string; grain: Grain; series: Bucket[] }

const SVG = 'http://www.w3.org/2000/svg';
const W = 960;
const H = 240;
const PAD = { left: 40, right: 12, top: 12, bottom: 28 };
const COLORS = { early: '#2e7d32', onTime: '#0b4f8a', late: '#b00020', received: '#b26a00' } as const;

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A round axis maximum: 1, 2 or 5 × 10^n at or above `max`. */
export function niceMax(max: number): number {
  if (max <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  return ([1, 2, 5, 10].find((m) => m * p >= max) as number) * p;
}

/** The chart: one `g.bucket` per period carrying its figures as data attributes (read by the browser test). */
export function trendChart(series: Bucket[]): SVGSVGElement {
  const chart = svg('svg', { id: 'trend-chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': t('trend') });
  const top = niceMax(Math.max(1, ...series.map((b) => Math.max(b.received, b.finished))));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const y = (v: number) => PAD.top + plotH - (v / top) * plotH;
  const step = plotW / Math.max(1, series.length);
  for (const v of [0, top / 2, top]) {
    chart.append(svg('line', { x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v), stroke: '#dde' }));
    chart.append(svg('text', { x: PAD.left - 4, y: y(v) + 4, 'text-anchor': 'end', 'font-size': 11 }, String(v)));
  }
  const labelEvery = Math.ceil(series.length / 12);
  series.forEach((b, i) => {
    const g = svg('g', { class: 'bucket', 'data-period': b.period, 'data-received': b.received, 'data-early': b.early, 'data-on-time': b.onTime, 'data-late': b.late });
    const x = PAD.left + i * step + step * 0.15;
    let base = 0;
    for (const part of ['early', 'onTime', 'late'] as const) {
      const v = b[part];
      if (v > 0) g.append(svg('rect', { class: part, x, width: step * 0.7, y: y(base + v), height: y(base) - y(base + v), fill: COLORS[part] }));
      base += v;
    }
    g.append(svg('title', {}, `${b.period}: ${t('received')} ${b.received}, ${t('finishedEarly')} ${b.early}, ${t('finishedOnTime')} ${b.onTime}, ${t('finishedLate')} ${b.late}`));
    if (i % labelEvery === 0) g.append(svg('text', { x: x + step * 0.35, y: H - 8, 'text-anchor': 'middle', 'font-size': 11 }, b.period.slice(b.period.length > 7 ? 5 : 0)));
    chart.append(g);
  });
  const points = series.map((b, i) => `${PAD.left + i * step + step / 2},${y(b.received)}`).join(' ');
  chart.append(svg('polyline', { class: 'received', points, fill: 'none', stroke: COLORS.received, 'stroke-width': 2 }));
  return chart;
}

function legend(): HTMLElement {
  const box = el('p', { class: 'legend' });
  for (const [key, label] of [['early', 'finishedEarly'], ['onTime', 'finishedOnTime'], ['late', 'finishedLate'], ['received', 'received']] as const) {
    const swatch = el('span', { class: 'swatch' });
    swatch.style.background = COLORS[key];
    box.append(swatch, ` ${t(label)} `);
  }
  return box;
}

function table(series: Bucket[]): HTMLElement {
  const tbl = el('table', { id: 'trend-table' });
  const head = el('tr');
  for (const h of [t('period'), t('received'), t('finishedEarly'), t('finishedOnTime'), t('finishedLate'), t('onTimeRate')]) head.append(el('th', {}, h));
  const thead = el('thead');
  thead.append(head);
  const tbody = el('tbody');
  for (const b of series) {
    const tr = el('tr', { 'data-period': b.period });
    const rate = b.onTimeRate === null ? '–' : `${Math.round(b.onTimeRate * 1000) / 10}%`;
    for (const c of [b.period, b.received, b.early, b.onTime, b.late, rate]) tr.append(el('td', {}, String(c)));
    tbody.append(tr);
  }
  tbl.append(thead, tbody);
  const details = el('details');
  details.append(el('summary', {}, t('figures')), tbl);
  return details;
}

/** The trend section for `grain`; the grain links re-draw it in place. */
export async function trendSection(grain: Grain = 'day'): Promise<HTMLElement> {
  const section = el('section', { id: 'trends', 'data-grain': grain });
  const data = await getJson<Trends>(`/v1/monitoring/trends?grain=${grain}`);
  const nav = el('p', { class: 'grains' });
  for (const g of ['day', 'week', 'month'] as const) {
    const link = el('a', { href: '#/', id: `grain-${g}`, class: g === grain ? 'current' : '' }, t(g));
    link.addEventListener('click', (event) => {
      event.preventDefault();
      void trendSection(g).then((next) => section.replaceWith(next));
    });
    nav.append(link, ' ');
  }
  nav.append(el('a', { href: `/v1/monitoring/trends?grain=${grain}&format=csv&lang=${currentLang()}`, download: '', id: 'trend-csv' }, t('downloadCsv')));
  section.append(el('h2', {}, t('trend')), nav);
  if (!data) {
    section.append(el('p', { class: 'error' }, t('unavailable')));
    return section;
  }
  section.dataset.from = data.from;
  section.dataset.to = data.to;
  section.append(trendChart(data.series), legend(), table(data.series));
  return section;
}
