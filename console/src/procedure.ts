/** The procedure page: its diagram with each user task's open and overdue counts drawn as overlays. */
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import { t } from './i18n.js';
import { el, getJson } from './dom.js';

interface Task { activityId: string; procedureKey?: string; dueAt?: string | null }
interface Shape { id: string; type: string }

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
      const badge = el('div', { class: 'badge', 'data-activity': shape.id, title: `${t('open')} / ${t('overdueNow')}` });
      badge.append(el('span', { class: 'open' }, `${open.length}${more}`), el('span', { class: 'overdue' }, `${overdue}${more}`));
      overlays.add(shape.id, { position: { top: -12, right: 12 }, html: badge });
    }
    (viewer.get('canvas') as { zoom: (m: string) => void }).zoom('fit-viewport');
    diagram.dataset.ready = 'true';
  })().catch(() => diagram.append(el('p', { class: 'error' }, t('unavailable'))));
  return section;
}
