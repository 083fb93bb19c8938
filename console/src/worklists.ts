/** The overdue, due-soon and escalation lists: rows link to the dossier page; a CSV of the same list. */
import { currentLang, formatInstant, t, type TextKey } from './i18n.js';
import { el, getJson } from './dom.js';

export type ListKind = 'overdue' | 'due-soon' | 'escalations';

interface Row {
  dossierId: string; dossierCode: string; procedureName: string; stepName: string; unitId: string | null; unitName: string | null;
  assignee: string | null; candidateGroups: string[]; dueAt: string; workingHoursLate: number | null; workingHoursLeft: number | null;
  consolePath: string; kind?: 'reminder' | 'breach'; at?: string;
}
interface Page { items: Row[]; total?: number; nextCursor?: string | null }

const TITLES: Record<ListKind, TextKey> = { overdue: 'overdueList', 'due-soon': 'dueSoonList', escalations: 'escalationList' };
const PAGE_SIZE = 100;
const DUE_SOON_HOURS = 8;

const api = (kind: ListKind, extra: string) => `/v1/monitoring/${kind}?${kind === 'due-soon' ? `hours=${DUE_SOON_HOURS}&` : ''}${extra}`;

/** How many rows a list holds now (the overview's tiles); null when the API refuses. */
export async function listTotal(kind: ListKind): Promise<number | null> {
  return (await getJson<Page>(api(kind, 'limit=1&total=true')))?.total ?? null;
}

/** Links to the three lists, for the overview. */
export function listNav(): HTMLElement {
  const nav = el('nav', { id: 'lists' });
  for (const kind of ['overdue', 'due-soon', 'escalations'] as const) nav.append(el('a', { href: `#/${kind}`, id: `nav-${kind}` }, t(TITLES[kind])));
  return nav;
}

const hoursText = (h: number | null) => (h === null ? '–' : `${h.toLocaleString(currentLang() === 'vi' ? 'vi-VN' : 'en-GB')} ${t('hoursUnit')}`);
const holder = (r: Row) => r.assignee ?? (r.candidateGroups.length ? r.candidateGroups.join(', ') : '–');

function rowCells(kind: ListKind, r: Row): (string | HTMLElement)[] {
  const code = el('a', { href: `#/dossier/${encodeURIComponent(r.dossierId)}`, class: 'dossier-link', 'data-dossier': r.dossierId }, r.dossierCode);
  const common = [code, r.procedureName, r.stepName, r.unitName ?? r.unitId ?? '–', holder(r), formatInstant(r.dueAt)];
  if (kind === 'overdue') return [...common, hoursText(r.workingHoursLate)];
  if (kind === 'due-soon') return [...common, hoursText(r.workingHoursLeft)];
  return [t(r.kind === 'breach' ? 'breach' : 'reminder'), r.at ? formatInstant(r.at) : '–', ...common, hoursText(r.workingHoursLate)];
}

function heads(kind: ListKind): string[] {
  const common = [t('dossierCode'), t('procedure'), t('step'), t('unit'), t('assignee'), t('dueAt')];
  if (kind === 'overdue') return [...common, t('hoursLate')];
  if (kind === 'due-soon') return [...common, t('hoursLeft')];
  return [t('kind'), t('raisedAt'), ...common, t('hoursLate')];
}

export async function showList(kind: ListKind): Promise<HTMLElement | null> {
  const page = await getJson<Page>(api(kind, `limit=${PAGE_SIZE}&total=true`));
  if (!page) return null;
  const section = el('section', { id: `list-${kind}`, class: 'worklist' });
  const back = el('p');
  back.append(el('a', { href: '#/' }, `← ${t('overview')}`));
  const title = kind === 'due-soon' ? `${t(TITLES[kind])} (${DUE_SOON_HOURS} ${t('hoursUnit')})` : t(TITLES[kind]);
  section.append(back, el('h2', {}, `${title}: ${page.total ?? page.items.length}`));
  const csv = el('a', { href: api(kind, `format=csv&lang=${currentLang()}`), download: '', id: 'csv' }, t('downloadCsv'));
  const csvLine = el('p');
  csvLine.append(csv);
  section.append(csvLine);
  if (page.items.length === 0) {
    section.append(el('p', { class: 'empty' }, t('noRows')));
    return section;
  }
  const tbl = el('table', { id: `table-${kind}` });
  const head = el('tr');
  for (const h of heads(kind)) head.append(el('th', {}, h));
  const tbody = el('tbody');
  for (const r of page.items) {
    const tr = el('tr', { 'data-dossier': r.dossierId });
    for (const c of rowCells(kind, r)) {
      const td = el('td');
      td.append(c);
      tr.append(td);
    }
    tbody.append(tr);
  }
  const thead = el('thead');
  thead.append(head);
  tbl.append(thead, tbody);
  section.append(tbl);
  if (page.total !== undefined && page.total > page.items.length) section.append(el('p', { class: 'more' }, `${t('shownOf')} ${page.items.length} / ${page.total}`));
  return section;
}
