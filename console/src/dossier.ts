/** The dossier page: status, deadlines, current step, history, tracking sheet, and the diagram with its steps marked. */
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import { formatInstant, t } from './i18n.js';
import { el, getJson } from './dom.js';

interface Task { id: string; activityId: string; name: string; assignee?: string | null; candidateGroups?: string[]; dueAt?: string | null; unitId?: string | null }
interface Dossier {
  id: string; code: string; status: { code: number; name: string }; procedureKey: string; procedureVersion: number;
  processingUnitId?: string; currentUnitId?: string; receivedAt?: string | null; dueAt?: string | null; finishedAt?: string | null;
  case?: { status: string; tasks: Task[]; waitingFor?: { activityId: string }[] };
}
interface HistoryEntry { seq: number; at: string; type: string; activityId?: string | null; by?: string | null }
interface SheetRow { at: string; step: string; result: string; stepDueAt: string | null; stepSla: string | null }

const when = (iso?: string | null) => (iso ? formatInstant(iso) : '–');

function facts(rows: [string, string][]): HTMLElement {
  const dl = el('dl', { class: 'facts' });
  for (const [k, v] of rows) dl.append(el('dt', {}, k), el('dd', {}, v));
  return dl;
}

function table(head: string[], rows: string[][], id: string): HTMLElement {
  const tbl = el('table', { id });
  const tr = el('tr');
  for (const h of head) tr.append(el('th', {}, h));
  tbl.append(el('thead'), el('tbody'));
  (tbl.firstChild as HTMLElement).append(tr);
  for (const r of rows) {
    const row = el('tr');
    for (const c of r) row.append(el('td', {}, c));
    (tbl.lastChild as HTMLElement).append(row);
  }
  return tbl;
}

/** Completed = a step left in the history; current = an open task or wait; late = an open task past its due instant. */
function markers(d: Dossier, history: HistoryEntry[]): { completed: Set<string>; current: Set<string>; late: Set<string> } {
  const current = new Set<string>([...(d.case?.tasks ?? []).map((x) => x.activityId), ...(d.case?.waitingFor ?? []).map((w) => w.activityId)]);
  const late = new Set((d.case?.tasks ?? []).filter((x) => x.dueAt && Date.parse(x.dueAt) < Date.now()).map((x) => x.activityId));
  const completed = new Set(history.filter((h) => h.activityId && h.type !== 'step.entered').map((h) => h.activityId as string));
  for (const h of history) if (h.type === 'step.entered' && h.activityId && !current.has(h.activityId)) completed.add(h.activityId);
  for (const id of current) completed.delete(id);
  return { completed, current, late };
}

async function drawDiagram(container: HTMLElement, d: Dossier, history: HistoryEntry[]): Promise<void> {
  const res = await fetch(`/v1/procedures/${encodeURIComponent(d.procedureKey)}/versions/${d.procedureVersion}/xml`);
  if (!res.ok) return void container.append(el('p', { class: 'error' }, t('unavailable')));
  const viewer = new NavigatedViewer({ container });
  await viewer.importXML(await res.text());
  const canvas = viewer.get('canvas') as { zoom: (m: string) => void; addMarker: (id: string, cls: string) => void };
  const registry = viewer.get('elementRegistry') as { get: (id: string) => unknown };
  const m = markers(d, history);
  for (const [cls, ids] of [['step-completed', m.completed], ['step-current', m.current], ['step-late', m.late]] as const) {
    for (const id of ids) if (registry.get(id)) canvas.addMarker(id, cls);
  }
  canvas.zoom('fit-viewport');
  container.dataset.ready = 'true';
}

export async function showDossier(id: string): Promise<HTMLElement | null> {
  const d = await getJson<Dossier>(`/v1/dossiers/${encodeURIComponent(id)}`);
  if (!d) return null;
  const [hist, sheet] = await Promise.all([
    getJson<{ items: HistoryEntry[] }>(`/v1/cases/${encodeURIComponent(d.id)}/history`),
    getJson<{ rows: SheetRow[] }>(`/v1/dossiers/${encodeURIComponent(d.id)}/tracking-sheet`),
  ]);
  const history = hist?.items ?? [];
  const tasks = d.case?.tasks ?? [];
  const section = el('section', { id: 'dossier', 'data-dossier': d.id });
  const back = el('p');
  back.append(el('a', { href: '#/', id: 'back' }, `← ${t('overview')}`));
  section.append(back);
  section.append(el('h2', {}, `${t('dossier')} ${d.code}`));
  section.append(facts([
    [t('status'), `${d.status.code} – ${d.status.name}`],
    [t('procedure'), `${d.procedureKey} v${d.procedureVersion}`],
    [t('unit'), d.currentUnitId ?? d.processingUnitId ?? '–'],
    [t('receivedAt'), when(d.receivedAt)],
    [t('dueAt'), when(d.dueAt)],
    [t('finishedAt'), when(d.finishedAt)],
    [t('currentStep'), tasks.map((x) => `${x.name} (${x.assignee ?? x.candidateGroups?.join(', ') ?? '–'}, ${t('dueAt')} ${when(x.dueAt)})`).join('; ') || '–'],
  ]));
  const link = el('p');
  link.append(el('a', { id: 'procedure-link', href: `#/procedure/${encodeURIComponent(d.procedureKey)}/${d.procedureVersion}` }, `${t('procedure')} ${d.procedureKey} →`));
  const diagram = el('div', { id: 'diagram', class: 'diagram' });
  section.append(link, diagram);
  section.append(el('h3', {}, t('trackingSheet')));
  section.append(table([t('at'), t('step'), t('result'), t('dueAt')], (sheet?.rows ?? []).map((r) => [when(r.at), r.step, r.result, when(r.stepDueAt)]), 'sheet'));
  section.append(el('h3', {}, t('history')));
  section.append(table([t('at'), t('event'), t('step'), t('by')], history.map((h) => [when(h.at), h.type, h.activityId ?? '', h.by ?? '']), 'history'));
  void drawDiagram(diagram, d, history).catch(() => diagram.append(el('p', { class: 'error' }, t('unavailable'))));
  return section;
}
