/** The console's entry: sign-in, then the overview, refreshed every 30 s. */
import { el } from './dom.js';
import { showDossier } from './dossier.js';
import { showProcedure } from './procedure.js';
import { showAttribution } from './attribution.js';
import { summaryTables, type SummaryBody } from './tables.js';
import { trendSection } from './trends.js';
import { listNav, listTotal, showList, type ListKind } from './worklists.js';
import { currentLang, formatInstant, setLang, t, type TextKey } from './i18n.js';

const POLL_MS = 30_000;
const app = document.getElementById('app') as HTMLElement;
const signOutButton = document.getElementById('signout') as HTMLButtonElement;
let timer: number | undefined;

const FIGURES: TextKey[] = ['received', 'inProgress', 'paused', 'finishedEarly', 'finishedOnTime', 'finishedLate', 'overdueNow', 'dueSoon', 'onTimeRate'];

function chrome(): void {
  document.documentElement.lang = currentLang();
  (document.getElementById('title') as HTMLElement).textContent = t('title');
  (document.getElementById('lang') as HTMLElement).textContent = t('lang');
  signOutButton.textContent = t('signOut');
}

function showSignIn(message?: string): void {
  window.clearTimeout(timer);
  signOutButton.hidden = true;
  const form = el('form', { id: 'signin' });
  const input = el('input', { id: 'apikey', type: 'password', autocomplete: 'off', 'aria-label': t('apiKey'), placeholder: t('apiKey') });
  form.append(el('label', { for: 'apikey' }, t('apiKey')), input, el('button', { type: 'submit' }, t('signIn')));
  if (message) form.append(el('p', { class: 'error', role: 'alert' }, message));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void signIn(input.value);
  });
  app.replaceChildren(form);
}

async function signIn(apiKey: string): Promise<void> {
  const res = await fetch('/console/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ apiKey }) });
  if (!res.ok) return showSignIn(t('badKey'));
  void route();
}

type Figures = Record<string, number>;

/** A dossier by its code: the list API filters on the code (an indexed equality). */
function findForm(): HTMLElement {
  const form = el('form', { id: 'find' });
  const input = el('input', { id: 'code', 'aria-label': t('findDossier'), placeholder: t('findDossier') });
  form.append(el('label', { for: 'code' }, t('findDossier')), input, el('button', { type: 'submit' }, t('find')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      const res = await fetch(`/v1/dossiers?code=${encodeURIComponent(input.value.trim())}`);
      const found = res.ok ? ((await res.json()) as { items: { id: string }[] }).items[0] : undefined;
      if (found) location.hash = `#/dossier/${encodeURIComponent(found.id)}`;
      else form.append(el('p', { class: 'error', role: 'alert' }, t('notFound')));
    })();
  });
  return form;
}

/** Hash routes: #/ the overview, #/dossier/<id> a dossier. */
async function route(): Promise<void> {
  window.clearTimeout(timer);
  const m = /^#\/dossier\/(.+)$/.exec(location.hash);
  const p = /^#\/procedure\/([^/]+)\/(\d+)$/.exec(location.hash);
  const list = /^#\/(overdue|due-soon|escalations)$/.exec(location.hash)?.[1] as ListKind | undefined;
  const blame = /^#\/attribution(\/year)?$/.exec(location.hash);
  if (!m && !p && !list && !blame) return showOverview();
  const session = await fetch('/console/session');
  if (!session.ok) return showSignIn();
  signOutButton.hidden = false;
  const page = blame
    ? await showAttribution(blame[1] ? 'year' : 'month')
    : list
    ? await showList(list)
    : m
      ? await showDossier(decodeURIComponent(m[1] as string))
      : await showProcedure(decodeURIComponent(p?.[1] as string), Number(p?.[2]));
  app.replaceChildren(page ?? el('p', { class: 'error', role: 'alert' }, t('notFound')));
  timer = window.setTimeout(() => void route(), POLL_MS);
}
window.addEventListener('hashchange', () => void route());

async function showOverview(): Promise<void> {
  window.clearTimeout(timer);
  const session = await fetch('/console/session');
  if (!session.ok) return showSignIn();
  const res = await fetch('/v1/monitoring/summary', { headers: { accept: 'application/json' } });
  if (res.status === 401) return showSignIn();
  signOutButton.hidden = false;
  const section = el('section', { id: 'overview' });
  const tiles = el('div', { class: 'tiles' });
  let breakdown: HTMLElement | null = null;
  if (res.ok) {
    const summary = (await res.json()) as { totals: Figures } & SummaryBody;
    breakdown = summaryTables(summary);
    // Overdue now and due soon are the lists' totals (open work, not rollups).
    const [overdue, dueSoon] = await Promise.all([listTotal('overdue'), listTotal('due-soon')]);
    const open: Record<string, number | null> = { overdueNow: overdue, dueSoon };
    for (const key of FIGURES) {
      // The API names finished classes early / onTime / late.
      const field = ({ finishedEarly: 'early', finishedOnTime: 'onTime', finishedLate: 'late' } as Record<string, string>)[key] ?? key;
      const value = key in open ? open[key] : (summary.totals as unknown as Record<string, number | null | undefined>)[field];
      const shown = key === 'onTimeRate' ? (value == null ? '–' : `${Math.round(value * 1000) / 10}%`) : value == null ? '–' : String(value);
      const tile = el('div', { class: 'tile', 'data-figure': key });
      tile.append(el('div', { class: 'label' }, t(key)), el('div', { class: 'value' }, shown));
      tiles.append(tile);
    }
  } else {
    tiles.append(el('p', { class: 'error' }, t('unavailable')));
  }
  const nav = listNav();
  nav.append(el('a', { href: '#/attribution', id: 'nav-attribution' }, t('attribution')));
  section.append(tiles, nav, await trendSection(), ...(breakdown ? [breakdown] : []), findForm(), el('p', { id: 'updated' }, `${t('updated')} ${formatInstant(new Date())}`));
  app.replaceChildren(section);
  timer = window.setTimeout(() => void showOverview(), POLL_MS);
}

document.getElementById('lang')?.addEventListener('click', () => {
  setLang(currentLang() === 'vi' ? 'en' : 'vi');
  chrome();
  void route();
});
signOutButton.addEventListener('click', async () => {
  await fetch('/console/session', { method: 'DELETE' });
  showSignIn();
});

chrome();
void route();
