/**
 * The procedure page: its diagram with each user task's open and overdue counts and its late
 * share drawn as overlays, and the version's per-step statistics as a table.
 */
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import { workingHours } from './attribution.js';
import { currentLang, t } from './i18n.js';
import { el, getJson } from './dom.js';

interface Task { activityId: string; procedureKey?: string; dueAt?: string | null }
interface Shape { id: string; type: string }
export interface StepStat {
  activityId: string; name: string; count: number; medianWorkingMinutes: number | null; p90WorkingMinutes: number | null;
  withQuota: number; late: number; lateShare: number | null; overMinutes: number;
}

const percent = (share: number | null) => (share === null ? '–' : `${Math.round(share * 1000) / 10}%`);
const hoursOrDash = (m: number | null) => (m === null ? '–' : workingHours(m));

function statsTable(stats: StepStat[]): HTMLElement {
  const tbl = el('table', { id: 'steps-table' });
  const head = el('tr');
  for (const h of [t('step'), t('count'), t('medianHours'), t('p90Hours'), t('lateShare'), t('hoursOver')]) head.append(el('th', {}, h));
  const thead = el('thead');
  thead.append(head);
  const tbody = el('tbody');
  for (const a of stats) {
    const tr = el('tr', { 'data-activity': a.activityId, 'data-count': String(a.count), 'data-late-share': a.lateShare === null ? '' : String(a.lateShare) });
    for (const c of [a.name, String(a.count), hoursOrDash(a.medianWorkingMinutes), hoursOrDash(a.p90WorkingMinutes), percent(a.lateShare), workingHours(a.overMinutes)]) tr.append(el('td', {}, c));
    tbody.append(tr);
  }
  tbl.append(thead, tbody);
  return tbl;
}

export async function showProcedure(key: string, version: number): Promise<HTMLElement | null> {
  const res = await fetch(`/v1/procedures/${encodeURIComponent(key)}/versions/${version}/xml`);
  if (!res.ok) return null;
  const xml = await res.text();
  const section = el('section', { id: 'procedure', 'data-procedure': key });
  const back = el('p');
  back.append(el('a', { href: '#/' }, `← ${t('overview')}`));
  section.append(back, el('h2', {}, `${t('procedure')} ${key} v${version}`));
  const diagram = el('div', { id: 'diagram', class: 'diagram' });
  section.append(diagram);
  const stepsUrl = `/v1/monitoring/procedures/${encodeURIComponent(key)}/versions/${version}/steps`;
  const stats = (await getJson<{ activities: StepStat[] }>(stepsUrl))?.activities ?? null;
  const byActivity = new Map((stats ?? []).map((a) => [a.activityId, a]));
  const csv = el('p');
  csv.append(el('a', { href: `${stepsUrl}?format=csv&lang=${currentLang()}`, download: '', id: 'steps-csv' }, t('downloadCsv')));
  section.append(el('h3', {}, t('stepStats')), csv, stats === null ? el('p', { class: 'error' }, t('unavailable')) : stats.length ? statsTable(stats) : el('p', { class: 'empty' }, t('noSteps')));
  void (async () => {
    // Draw once the section is in the document: the viewer measures its container.
    await new Promise((resolve) => requestAnimationFrame(resolve));
    const viewer = new NavigatedViewer({ container: diagram });
    await viewer.importXML(xml);
    const registry = viewer.get('elementRegistry') as { filter: (f: (e: Shape) => boolean) => Shape[] };
    const overlays = viewer.get('overlays') as { add: (id: string, o: { position: { top: number; right: number }; html: HTMLElement }) => void };
    for (const shape of registry.filter((e) => e.type === 'bpmn:UserTask')) {
      // Indexed equality queries per activity, paged by cursor (at most 5 pages: "+" past them);
      // the task rows carry their procedure key.
      const open: Task[] = [];
      let cursor: string | null = null;
      for (let pages = 0; pages < 5; pages++) {
        const after: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
        const page = await getJson<{ items: Task[]; nextCursor?: string | null }>(`/v1/tasks?status=open&activityId=${encodeURIComponent(shape.id)}&limit=200${after}`);
        open.push(...(page?.items ?? []).filter((x) => !x.procedureKey || x.procedureKey === key));
        cursor = page?.nextCursor ?? null;
        if (!cursor) break;
      }
      const more = cursor ? '+' : '';
      const overdue = open.filter((x) => x.dueAt && Date.parse(x.dueAt) < Date.now()).length;
      const badge = el('div', { class: 'badge', 'data-activity': shape.id, title: `${t('open')} / ${t('overdueNow')} / ${t('lateShare')}` });
      badge.append(el('span', { class: 'open' }, `${open.length}${more}`), el('span', { class: 'overdue' }, `${overdue}${more}`));
      // The share of this step's finished passes that ran over their quota (step statistics).
      const share = byActivity.get(shape.id)?.lateShare;
      if (share !== undefined && share !== null) badge.append(el('span', { class: 'late-share', title: t('lateShare') }, percent(share)));
      overlays.add(shape.id, { position: { top: -12, right: 12 }, html: badge });
    }
    (viewer.get('canvas') as { zoom: (m: string) => void }).zoom('fit-viewport');
    diagram.dataset.ready = 'true';
  })().catch(() => diagram.append(el('p', { class: 'error' }, t('unavailable'))));
  return section;
}
