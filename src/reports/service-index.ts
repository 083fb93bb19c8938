/**
 * The national service index (Decision 766 set of indicators) as far as this service's data
 * computes it, for a unit scope and period. Formulas and their sources: docs/service-index.md.
 */
import { DateTime } from 'luxon';
import type { Collection } from 'mongodb';
import { requireInScope, type UnitScope } from '../domain/unit-scope.js';
import { unprocessable } from '../domain/errors.js';
import type { DossierInfo } from '../dossiers/types.js';
import { INDEX_ZONE, OPEN_BUCKET, indexKey, type IndexedCase } from './index-keys.js';

/** Reads per report (units × months): what one request may cost the database. */
export const MAX_KEY_READS = 2_000;

export interface Share {
  numerator: number;
  denominator: number;
  /** numerator / denominator, 4 decimals (a percentage with 2); null when nothing to divide by. */
  rate: number | null;
}

export interface ServiceIndex {
  unitIds: string[];
  from: string;
  to: string;
  onTime: Share & { late: number; lateBySupplements: number; lateBySupplementWindow: number };
  onlineSubmission: Share;
  onlinePayment: Share;
  eResult: Share;
  digitisation: Share;
  reuse: Share;
  digitisedDocuments: Share;
  supplementMoreThanOnce: number;
  /** Counted dossiers with a supplement requested after the procedure's window (supplementWindowWorkingDays). */
  supplementAfterWindow: number;
  /** Apologies with extension (Form 04) sent in the period; late = with less than the procedure's lead. */
  apologies: { issued: number; late: number; dossiers: number };
}

/** Fields another part of the service may add to the dossier (supplement rules). */
type WithSupplementFacts = DossierInfo & { supplementCount?: number; supplementWaitMinutes?: number };

export const share = (numerator: number, denominator: number): Share => ({
  numerator,
  denominator,
  rate: denominator === 0 ? null : Math.round((numerator / denominator) * 10_000) / 10_000,
});

const ms = (iso: string | null | undefined): number | null => (iso ? new Date(iso).getTime() : null);
const processingSupplements = (d: DossierInfo) => d.supplements.filter((s) => s.phase === 'processing');

/** A request after the procedure's window: counted late like a second request (docs/forms.md). */
export const supplementAfterWindow = (d: DossierInfo): boolean => processingSupplements(d).some((s) => s.breaches?.includes('after-window') === true);

/** Requests for a supplement during processing (the dossier's own count when it keeps one). */
export const supplementCount = (d: WithSupplementFacts): number => d.supplementCount ?? processingSupplements(d).length;

/** The applicant's waiting time in ms: the dossier's figure when kept, else request → answer of each supplement. */
export function supplementWaitMs(d: WithSupplementFacts, until: number): number {
  if (typeof d.supplementWaitMinutes === 'number') return d.supplementWaitMinutes * 60_000;
  return processingSupplements(d).reduce((sum, s) => sum + Math.max(0, (ms(s.receivedAt) ?? until) - (ms(s.requestedAt) as number)), 0);
}

/**
 * Indicator 2.1 for one received dossier: 'on-time', 'late', or null when it is outside the
 * period (ended before it, received after it). End of processing: the "finished" instant
 * (for refused / withdrawn / stopped that instant); still open at the end of the period: a
 * waiting supplement's request instant, else the period's end (or now, if earlier). The
 * applicant's waiting time is subtracted and compared with the appointment date given at
 * receipt (before a supplement moved it); more than one supplement request, or one after
 * the procedure's window: late.
 */
export function onTimeClass(doc: IndexedCase, from: number, to: number, now: number): 'on-time' | 'late' | null {
  const d = doc.dossier as WithSupplementFacts;
  const received = ms(d.receivedAt);
  if (received === null || received >= to) return null;
  const finished = ms(d.finishedAt);
  if (finished !== null && finished < from) return null;
  const waiting = processingSupplements(d).find((s) => s.receivedAt === null);
  const end = finished !== null && finished < to ? finished : waiting ? (ms(waiting.requestedAt) as number) : Math.min(to, now);
  if (supplementCount(d) > 1 || supplementAfterWindow(d)) return 'late';
  const appointment = ms(processingSupplements(d)[0]?.previousDueAt) ?? ms(doc.clock?.dueAt);
  if (appointment === null) return null;
  return end - supplementWaitMs(d, end) <= appointment ? 'on-time' : 'late';
}

const inPeriod = (iso: string | null, from: number, to: number): boolean => {
  const t = ms(iso);
  return t !== null && t >= from && t < to;
};

/** Every indicator over a set of dossiers (each once). Pure: the tests check it against their own sums. */
export function computeIndex(docs: IndexedCase[], from: number, to: number, now: number) {
  let onTime = 0;
  let late = 0;
  let lateBySupplements = 0;
  let lateBySupplementWindow = 0;
  let counted = 0;
  const received: DossierInfo[] = [];
  const finishedWithResult: DossierInfo[] = [];
  for (const doc of docs) {
    const d = doc.dossier as WithSupplementFacts;
    const cls = onTimeClass(doc, from, to, now);
    if (cls) {
      counted += 1;
      if (cls === 'on-time') onTime += 1;
      else late += 1;
      if (supplementCount(d) > 1) lateBySupplements += 1;
      if (supplementAfterWindow(d)) lateBySupplementWindow += 1;
    }
    // "Ngày tiếp nhận trong kỳ" (the online submission counts by its receipt).
    if (inPeriod(d.receivedAt, from, to)) received.push(d);
    if ((d.status === 9 || d.status === 10) && inPeriod(d.finishedAt, from, to)) finishedWithResult.push(d);
  }
  const sent = docs.flatMap((doc) => (doc.apologies ?? []).filter((a) => inPeriod(a.at, from, to)).map((a) => ({ id: doc._id, late: a.late === true })));
  const charged = received.filter((d) => (d.fees ?? []).some((f) => f.amount > 0));
  const paidOnline = charged.filter((d) => (d.fees ?? []).some((f) => f.paid && f.onlineChannel !== null));
  const eResult = (d: DossierInfo) => Boolean(d.result?.fileUrl);
  const digitised = (d: DossierInfo) => d.attachments.some((a) => a.digitised);
  return {
    onTime: { ...share(onTime, counted), late, lateBySupplements, lateBySupplementWindow },
    onlineSubmission: share(received.filter((d) => d.channel === 'online').length, received.length),
    onlinePayment: share(paidOnline.length, charged.length),
    eResult: share(finishedWithResult.filter(eResult).length, finishedWithResult.length),
    digitisation: share(received.filter((d) => digitised(d) && eResult(d)).length, received.length),
    reuse: share(received.filter((d) => d.attachments.some((a) => a.reusedFromNationalStore)).length, received.length),
    digitisedDocuments: share(received.filter(digitised).length, received.length),
    supplementMoreThanOnce: lateBySupplements,
    supplementAfterWindow: lateBySupplementWindow,
    apologies: { issued: sent.length, late: sent.filter((a) => a.late).length, dossiers: new Set(sent.map((a) => a.id)).size },
  };
}

/** The months (Vietnam time) a period [from, to) touches. */
export function monthsOf(from: number, to: number): string[] {
  const months: string[] = [];
  let m = DateTime.fromMillis(from, { zone: INDEX_ZONE }).startOf('month');
  while (m.toMillis() < to) {
    months.push(m.toFormat('yyyy-MM'));
    m = m.plus({ months: 1 });
  }
  return months;
}

/** A report date: an ISO instant, or a calendar day read as its midnight in Vietnam. */
export function reportInstant(text: string, field: string): number {
  const t = /^\d{4}-\d{2}-\d{2}$/.test(text) ? DateTime.fromISO(text, { zone: INDEX_ZONE }) : DateTime.fromISO(text, { setZone: true });
  if (!t.isValid) throw unprocessable('INVALID_DATE', `${field} '${text}' is not a date (ngày không hợp lệ)`, { field });
  return t.toMillis();
}

export interface ServiceIndexDeps {
  cases: Collection<IndexedCase>;
  /** The units and every unit below them. */
  descendantsOf: (unitIds: Iterable<string>) => Promise<Set<string>>;
  allUnitIds: () => Promise<string[]>;
}

/** GET /v1/reports/service-index: unit scope (403 outside), period, the indicators. */
export function createServiceIndexReport(deps: ServiceIndexDeps) {
  return async (query: { unitId?: string; from: string; to: string }, scope: UnitScope, now: Date): Promise<ServiceIndex> => {
    // Refused, not answered with empty figures (as GET /v1/reports/sla).
    requireInScope(scope, query.unitId, 'unitId');
    const from = reportInstant(query.from, 'from');
    const to = reportInstant(query.to, 'to');
    if (to <= from) throw unprocessable('INVALID_PERIOD', "'to' must be after 'from' (kỳ báo cáo không hợp lệ)", { from: query.from, to: query.to });
    // The unit and those below it, but never beyond what the caller sees.
    const base = query.unitId ? [query.unitId] : scope.all ? await deps.allUnitIds() : scope.unitIds;
    const below = [...(await deps.descendantsOf(base))].filter((u) => scope.all || scope.unitIds.includes(u)).sort();
    const buckets = [...monthsOf(from, to), OPEN_BUCKET];
    if (below.length * buckets.length > MAX_KEY_READS) {
      throw unprocessable('REPORT_TOO_LARGE', `units × months exceeds ${MAX_KEY_READS}; choose a smaller unit or period (phạm vi báo cáo quá lớn)`, {
        units: below.length,
        months: buckets.length - 1,
      });
    }
    // One equality read per unit and month: the filter FerretDB sends to PostgreSQL.
    const seen = new Map<string, IndexedCase>();
    for (const unit of below) {
      for (const bucket of buckets) {
        const docs = await deps.cases.find({ indexKeys: indexKey(unit, bucket) }, { projection: { engineStateJson: 0 } }).toArray();
        for (const doc of docs) if (doc.dossier) seen.set(doc._id, doc);
      }
    }
    const figures = computeIndex([...seen.values()], from, to, now.getTime());
    return { unitIds: below, from: new Date(from).toISOString(), to: new Date(to).toISOString(), ...figures };
  };
}

export type ServiceIndexReport = ReturnType<typeof createServiceIndexReport>;
