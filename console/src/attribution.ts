/** Which steps and units ate the time of dossiers that finished late (GET /v1/monitoring/attribution). */
import { currentLang, t } from './i18n.js';
import { el, getJson } from './dom.js';

export interface Blame { unitId: string; procedureKey: string; activityId: string; name: string; steps: number; overMinutes: number }

/** Today and the first day of the month 11 months back, in Asia/Ho_Chi_Minh: the last 12 months. */
export function lastTwelveMonths(now = new Date()): { from: string; to: string } {
  const to = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  const [y, m] = to.split('-').map(Number) as [number, number];
  const back = new Date(Date.UTC(y, m - 1 - 11, 1));
  return { from: back.toISOString().slice(0, 10), to };
}

export const workingHours = (minutes: number) => (Math.round((minutes / 60) * 100) / 100).toLocaleString(currentLang() === 'vi' ? 'vi-VN' : 'en-GB');

export async function showAttribution(span: 'month' | 'year'): Promise<HTMLElement | null> {
  const q = span === 'year' ? (({ from, to }) => `from=${from}&to=${to}`)(lastTwelveMonths()) : '';
  const data = await getJson<{ months: string[]; items: Blame[] }>(`/v1/monitoring/attribution${q ? `?${q}` : ''}`);
  if (!data) return null;
  const section = el('section', { id: 'attribution', 'data-span': span, 'data-months': data.months.join(',') });
  const back = el('p');
  back.append(el('a', { href: '#/' }, `← ${t('overview')}`));
  const spans = el('p', { class: 'grains' });
  spans.append(
    el('a', { href: '#/attribution', id: 'span-month', class: span === 'month' ? 'current' : '' }, t('thisMonth')), ' ',
    el('a', { href: '#/attribution/year', id: 'span-year', class: span === 'year' ? 'current' : '' }, t('twelveMonths')), ' ',
    el('a', { href: `/v1/monitoring/attribution?${q ? `${q}&` : ''}format=csv&lang=${currentLang()}`, download: '', id: 'csv' }, t('downloadCsv')),
  );
  section.append(back, el('h2', {}, t('attribution')), el('p', { class: 'hint' }, `${t('attributionHint')} (${data.months.join(', ')})`), spans);
  if (data.items.length === 0) {
    section.append(el('p', { class: 'empty' }, t('noLateSteps')));
    return section;
  }
  const tbl = el('table', { id: 'attribution-table' });
  const head = el('tr');
  for (const h of [t('unit'), t('procedure'), t('step'), t('timesOver'), t('hoursOver')]) head.append(el('th', {}, h));
  const thead = el('thead');
  thead.append(head);
  const tbody = el('tbody');
  for (const b of data.items) {
    const tr = el('tr', { 'data-unit': b.unitId, 'data-procedure': b.procedureKey, 'data-activity': b.activityId, 'data-steps': String(b.steps), 'data-over-minutes': String(b.overMinutes) });
    for (const c of [b.unitId, b.procedureKey, b.name, String(b.steps), workingHours(b.overMinutes)]) tr.append(el('td', {}, c));
    tbody.append(tr);
  }
  tbl.append(thead, tbody);
  section.append(tbl);
  return section;
}
