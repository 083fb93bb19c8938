/**
 * The open work a supervisor's scope holds, read from the open task rows of dossiers, which
 * carry what the lists show (src/monitoring/work-fields.ts, kept at commit). A page is one
 * indexed equality read per unit of the scope (`{openWork: <unit>, status: 'open'}`; unscoped:
 * `{openWork: '*'}`), in `workOrder` (statutory due instant, then dossier code) past a cursor;
 * no case document and no finished history is read.
 */
import type { Collection, Document } from 'mongodb';
import type { TaskDoc } from '../domain/case.js';
import { decodeCursor, encodeCursor, TOTAL_CAP, type Listing } from '../cases/paging.js';
import { ALL_UNITS, type WorkFields } from './work-fields.js';

/** An open task row of a dossier, as the lists read it. */
export type OpenRow = Pick<TaskDoc, '_id' | 'caseId' | 'procedureKey' | 'activityId' | 'name' | 'unitId' | 'assignee' | 'candidateGroups' | 'dueAt'> &
  Pick<WorkFields, 'dossierCode' | 'procedureName' | 'procedureVersion' | 'caseDueAt' | 'workOrder' | 'stepName'>;

const FIELDS = {
  _id: 1, caseId: 1, procedureKey: 1, activityId: 1, name: 1, unitId: 1, assignee: 1, candidateGroups: 1, dueAt: 1,
  dossierCode: 1, procedureName: 1, procedureVersion: 1, caseDueAt: 1, workOrder: 1, stepName: 1,
} as const;

/** `caseDueAt` bounds: after (exclusive) and up to (inclusive), ISO instants. */
export interface DueRange {
  after?: string;
  upTo?: string;
}

export interface WorkPageRequest {
  limit: number;
  cursor?: string;
  /** Kept one release for clients that paged by offset; reads offset + limit rows per unit. */
  offset?: number;
  total?: boolean;
}

export interface WorkPage {
  rows: OpenRow[];
  nextCursor: string | null;
  total?: number;
  totalCapped?: boolean;
}

/** One filter per unit of the scope; null: the province-wide key. */
export const workFilters = (units: string[] | null): Document[] => (units ?? [ALL_UNITS]).map((u) => ({ openWork: u, status: 'open' }));

function rangeOf(range: DueRange): Document {
  const cond: Document = {};
  if (range.after) cond.$gt = range.after;
  if (range.upTo) cond.$lte = range.upTo;
  return Object.keys(cond).length ? { caseDueAt: cond } : {};
}

const byOrder = (a: OpenRow, b: OpenRow) => (a.workOrder < b.workOrder ? -1 : a.workOrder > b.workOrder ? 1 : a._id < b._id ? -1 : a._id > b._id ? 1 : 0);

/**
 * A page of the scope's open rows in `range`, merged across the units' reads (a row seen by
 * two units of the scope kept once). The cursor is bound to the list's name and units, not
 * to the instant: the next page continues after the last row whatever time it is.
 */
export async function readWorkPage(tasks: Collection<TaskDoc>, name: string, units: string[] | null, range: DueRange, page: WorkPageRequest): Promise<WorkPage> {
  const filters = workFilters(units);
  const listing: Listing = { name, filters, sortField: 'workOrder', dir: 1 };
  const at = page.cursor ? decodeCursor(listing, page.cursor) : null;
  const skip = at ? 0 : (page.offset ?? 0);
  const after = at ? { $or: [{ workOrder: { $gt: at.k } }, { workOrder: at.k, _id: { $gt: at.i } }] } : {};
  const reads = await Promise.all(
    filters.map((f) =>
      tasks
        .find({ ...f, ...rangeOf(range), ...after } as never, { projection: FIELDS })
        .sort({ workOrder: 1, _id: 1 })
        .limit(skip + page.limit + 1)
        .toArray() as unknown as Promise<OpenRow[]>,
    ),
  );
  const seen = new Set<string>();
  const merged = reads.flat().sort(byOrder).filter((r) => !seen.has(r._id) && Boolean(seen.add(r._id)));
  const rows = merged.slice(skip, skip + page.limit);
  const last = rows[rows.length - 1];
  const nextCursor = merged.length > skip + page.limit && last ? encodeCursor(listing, { k: last.workOrder, i: last._id }) : null;
  if (!page.total) return { rows, nextCursor };
  return { rows, nextCursor, ...(await countRows(tasks, filters, range)) };
}

/** Distinct rows in range, at most TOTAL_CAP: the count reads the scope's open rows, ids only. */
async function countRows(tasks: Collection<TaskDoc>, filters: Document[], range: DueRange): Promise<{ total: number; totalCapped: boolean }> {
  const ids = new Set<string>();
  for (const f of filters) {
    for await (const d of tasks.find({ ...f, ...rangeOf(range) } as never, { projection: { _id: 1 } }).limit(TOTAL_CAP)) {
      ids.add(d._id);
      if (ids.size >= TOTAL_CAP) return { total: TOTAL_CAP, totalCapped: true };
    }
  }
  return { total: ids.size, totalCapped: false };
}

/** Every open row of the scope (the escalations list, which pages over the rows' escalations). */
export async function readAllWork(tasks: Collection<TaskDoc>, units: string[] | null): Promise<OpenRow[]> {
  const reads = await Promise.all(workFilters(units).map((f) => tasks.find(f as never, { projection: FIELDS }).toArray() as unknown as Promise<OpenRow[]>));
  const seen = new Set<string>();
  return reads.flat().filter((r) => !seen.has(r._id) && Boolean(seen.add(r._id)));
}

/** `work` over `items`, at most 16 at a time (round trips to the store). */
export async function inParallel<T, R>(items: T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, items.length) }, worker));
  return out;
}
