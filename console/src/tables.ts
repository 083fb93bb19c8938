/** The overview's per-unit and per-procedure tables of the summary (GET /v1/monitoring/summary). */
import { t, type TextKey } from './i18n.js';
import { el } from './dom.js';

type Figures = Record<string, number | null>;
export interface SummaryBody {
  byUnit?: { unitId: string; figures: Figures }[];
  byProcedure?: { procedureKey: string; figures: Figures }[];
}

const COLUMNS: [string, TextKey][] = [['received', 'received'], ['inProgress', 'inProgress'], ['paused', 'paused'], ['early', 'finishedEarly'], ['onTime', 'finishedOnTime'], ['late', 'finishedLate'], ['onTimeRate', 'onTimeRate']];
const shown = (field: string, v: number | null | undefined) => (v == null ? '–' : field === 'onTimeRate' ? `${Math.round(v * 1000) / 10}%` : String(v));

function table(id: string, head: TextKey, rows: { key: string; figures: Figures }[], attr: string): HTMLElement {
  const tbl = el('table', { id });
  const tr = el('tr');
  for (const h of [t(head), ...COLUMNS.map(([, k]) => t(k))]) tr.append(el('th', {}, h));
  const thead = el('thead');
  thead.append(tr);
  const tbody = el('tbody');
  for (const r of rows) {
    const row = el('tr', { [attr]: r.key });
    row.append(el('td', {}, r.key));
    for (const [field] of COLUMNS) row.append(el('td', { 'data-field': field }, shown(field, r.figures[field])));
    tbody.append(row);
  }
  tbl.append(thead, tbody);
  return tbl;
}

/** Both tables, each under its heading; nothing when the summary has no rows. */
export function summaryTables(summary: SummaryBody): HTMLElement {
  const section = el('section', { id: 'breakdown' });
  const units = (summary.byUnit ?? []).map((u) => ({ key: u.unitId, figures: u.figures }));
  const procedures = (summary.byProcedure ?? []).map((p) => ({ key: p.procedureKey, figures: p.figures }));
  if (units.length) section.append(el('h2', {}, t('byUnit')), table('units-table', 'unit', units, 'data-unit'));
  if (procedures.length) section.append(el('h2', {}, t('byProcedure')), table('procedures-table', 'procedure', procedures, 'data-procedure'));
  return section;
}
