import type { WorkingCalendar } from '../calendar/index.js';
import type { CaseDoc, TaskWait, Wait } from '../domain/case.js';
import type { SlaResult } from '../deadlines/clock.js';
import type { Catalog } from '../engine/catalog.js';
import { closingRow, FALLBACK_REASON, requestDraftOf } from './requests.js';
import { assessSupplement, supplementRecordFields } from './supplement-rules.js';
import { CLOSED_STATUSES, DOSSIER_STATUS, FINAL_STATUSES, type DossierInfo, type DossierStatus, type Handover } from './types.js';

export const TASK_UNIT = 'unit';
export const WAIT_DOSSIER_STATUS = 'dossierStatus';

export interface DossierRuleContext {
  catalog: Catalog;
  /** The province calendar (the supplement window is counted on it). */
  calendar: WorkingCalendar;
  at: string;
  by: string;
  /** The task the change completed, and what came with it. */
  done: Wait | null;
  doneData: Record<string, unknown> | null;
  slaOf: (wait: TaskWait) => SlaResult | null;
}

/** Statuses in which the engine runs and the status follows what the case waits for. */
const ENGINE_DRIVEN = new Set<DossierStatus>([2, 4, 5, 6]);

/** 'receiving', 'processing' (default) or a unit id, as the diagram's `unit` property says. */
function unitFor(property: string | undefined, dossier: DossierInfo): string {
  if (!property || property === 'processing') return dossier.currentUnitId;
  if (property === 'receiving') return dossier.receivingUnitId;
  return property;
}

/** The applicant-facing status a wait declares (5 supplement, 6 payment), if any. */
function declaredWait(doc: CaseDoc | null, catalog: Catalog): 5 | 6 | null {
  for (const w of doc?.waits ?? []) {
    const declared = Number(catalog.get(w.activityId)?.properties[WAIT_DOSSIER_STATUS]);
    if (declared === DOSSIER_STATUS.supplementRequested || declared === DOSSIER_STATUS.paymentRequested) return declared;
  }
  return null;
}

function derivedStatus(next: CaseDoc, catalog: Catalog, dossier: DossierInfo): DossierStatus {
  if (next.status === 'completed') return DOSSIER_STATUS.finished;
  const declared = declaredWait(next, catalog);
  if (declared) return declared;
  const openSupplement = dossier.supplements.some((s) => s.phase === 'processing' && s.receivedAt === null);
  if (openSupplement) return DOSSIER_STATUS.supplementRequested;
  if (dossier.payments.some((p) => p.paidAt === null)) return DOSSIER_STATUS.paymentRequested;
  return DOSSIER_STATUS.processing;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() ? value.trim() : null;
}

/**
 * Keeps a dossier in step with its case: new tasks get their unit, the portal status follows
 * the waits (or the end of processing), and every completed step adds a tracking-sheet row.
 * Returns whether the portal must hear about it.
 */
export function applyDossierRules(ctx: DossierRuleContext, prev: CaseDoc | null, next: CaseDoc): boolean {
  const before = prev?.dossier ?? null;
  const dossier = next.dossier;
  if (!dossier) return false;

  const known = new Set(prev?.waits.map((w) => w.executionId) ?? []);
  next.waits = next.waits.map((w) =>
    w.kind === 'task' && !known.has(w.executionId) && w.unitId === undefined
      ? { ...w, unitId: unitFor(ctx.catalog.get(w.activityId)?.properties[TASK_UNIT], dossier) }
      : w,
  );

  // What a task asks of the applicant is kept until the diagram enters the wait for it,
  // which is often a step later (after the service task that sends the written request).
  const draft = ctx.done?.kind === 'task' ? requestDraftOf(ctx.doneData, ctx.by) : (dossier.requestDraft ?? null);

  // A diagram wait for the applicant opens a supplement or payment record; leaving it closes
  // it — unless the case ended there: an ended case received nothing.
  const ended = next.status === 'terminated';
  const [wasWaiting, nowWaiting] = [declaredWait(prev, ctx.catalog), declaredWait(next, ctx.catalog)];
  let supplements = dossier.supplements;
  let payments = dossier.payments;
  if (wasWaiting !== nowWaiting && !ended) {
    const dueAt = next.clock?.dueAt ?? null;
    if (wasWaiting === 5) supplements = supplements.map((s) => (s.receivedAt === null ? { ...s, receivedAt: ctx.at, newDueAt: dueAt } : s));
    if (wasWaiting === 6) payments = payments.map((p) => (p.paidAt === null ? { ...p, paidAt: ctx.at } : p));
    if (nowWaiting === 5) {
      const reason = draft?.reason ?? FALLBACK_REASON.supplement;
      const items = draft?.items ?? [];
      // The same limits as the command, recorded rather than refused: the engine has already
      // taken this path, often in a background step after the notice went out.
      const properties = ctx.catalog.get(next.procedureKey)?.properties ?? {};
      const rules = assessSupplement({ ...dossier, supplements }, properties, ctx.calendar, new Date(ctx.at));
      const justification = draft?.justification ?? null;
      supplements = [
        ...supplements,
        {
          requestedAt: ctx.at,
          requestedBy: draft?.by ?? ctx.by,
          reason,
          items,
          phase: 'processing',
          receivedAt: null,
          previousDueAt: dueAt,
          newDueAt: null,
          ...supplementRecordFields(rules, justification),
        },
      ];
      if (rules.lateInSla && next.clock) next.clock = { ...next.clock, everLate: true };
    }
    if (nowWaiting === 6) {
      payments = [...payments, { requestedAt: ctx.at, amount: draft?.amount ?? null, reason: draft?.reason ?? FALLBACK_REASON.payment, paidAt: null }];
    }
  }
  const withRecords = { ...dossier, supplements, payments, requestDraft: draft };

  let status = dossier.status;
  if (ENGINE_DRIVEN.has(status) && next.engineStateJson !== 'null') status = derivedStatus(next, ctx.catalog, withRecords);
  // A case ended from outside the dossier operations (POST /v1/cases/:id/terminate, also on
  // an incident) must not stay "processing": before receipt it counts as refused, after as stopped.
  if (ended && !FINAL_STATUSES.includes(status)) status = dossier.receivedAt === null ? DOSSIER_STATUS.refused : DOSSIER_STATUS.stopped;
  const handovers = [...dossier.handovers];
  if (ctx.done?.kind === 'task') {
    const opened = next.waits.filter((w): w is TaskWait => w.kind === 'task' && !known.has(w.executionId));
    const sla = ctx.slaOf(ctx.done);
    const row: Handover = {
      at: ctx.at,
      step: ctx.done.name,
      activityId: ctx.done.activityId,
      from: { person: ctx.by, unitId: ctx.done.unitId ?? null },
      to: opened[0]
        ? { person: opened[0].assignee ?? null, unitId: opened[0].unitId ?? null }
        : { person: null, unitId: next.status === 'completed' ? dossier.receivingUnitId : dossier.currentUnitId },
      result: text(ctx.doneData?.result) ?? 'done',
      note: text(ctx.doneData?.note),
      stepSla: sla?.class ?? null,
      stepDueAt: ctx.done.clock?.dueAt ?? null,
    };
    handovers.push(row);
  }
  const closedNow = CLOSED_STATUSES.includes(status) && before?.status !== status;
  if (closedNow) handovers.push(closingRow(ctx.at, ctx.by, status, withRecords));
  const unitIds = [...new Set([...dossier.unitIds, ...next.waits.flatMap((w) => (w.kind === 'task' && w.unitId ? [w.unitId] : []))])];
  next.dossier = {
    ...withRecords,
    status,
    handovers,
    unitIds,
    // Processing ends with a result (9) or without one (refused, withdrawn, stopped).
    finishedAt: FINAL_STATUSES.includes(status) && !dossier.finishedAt ? ctx.at : dossier.finishedAt,
  };
  // The portal also shows who processes the dossier: a transfer or reassignment is news at once.
  // A service that changed what the portal scores (fees, result) bumps portalSeq itself.
  const bumped = before !== null && dossier.portalSeq !== before.portalSeq;
  const portalChanged =
    !before ||
    bumped ||
    before.status !== status ||
    before.supplements.length !== supplements.length ||
    before.returnedAt !== dossier.returnedAt ||
    before.currentUnitId !== dossier.currentUnitId;
  if (portalChanged && !bumped) next.dossier.portalSeq = dossier.portalSeq + 1;
  return portalChanged;
}
