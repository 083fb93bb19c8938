import type { CaseDoc } from '../domain/case.js';
import { notFound } from '../domain/errors.js';
import { caseView } from '../cases/views.js';
import { supplementWaitMinutes } from './supplement-rules.js';
import { STATUS_NAMES } from './types.js';

export function dossierView(doc: CaseDoc) {
  const d = doc.dossier;
  if (!d) throw notFound('dossier', doc._id);
  return {
    id: doc._id,
    code: d.code,
    status: { code: d.status, name: STATUS_NAMES[d.status] },
    procedureKey: doc.procedureKey,
    procedureVersion: doc.procedureVersion,
    procedureCode: d.procedureCode,
    applicant: d.applicant,
    channel: d.channel,
    attachments: d.attachments,
    receivingUnitId: d.receivingUnitId,
    processingUnitId: d.processingUnitId,
    currentUnitId: d.currentUnitId,
    submittedAt: d.submittedAt,
    receivedAt: d.receivedAt,
    dueAt: doc.clock?.dueAt ?? null,
    finishedAt: d.finishedAt,
    returnedAt: d.returnedAt,
    supplements: d.supplements,
    /** Requests during processing; more than one counts the dossier late in the national index. */
    supplementCount: d.supplements.filter((s) => s.phase === 'processing').length,
    supplementRepeated: d.supplements.filter((s) => s.phase === 'processing').length > 1,
    /** A request counted late by the supplement rules: a second one, or one after the procedure's window. */
    supplementLate: d.supplements.some((s) => s.late === true),
    /** The applicant's waiting time over answered requests during processing (an open one shows as status 5). */
    supplementWaitMinutes: supplementWaitMinutes({ supplements: d.supplements.filter((s) => s.receivedAt !== null) }, new Date(doc.updatedAt)),
    payments: d.payments,
    fees: d.fees ?? [],
    result: d.result ?? null,
    transfer: d.transfer,
    closingReason: d.closingReason,
    case: caseView(doc),
  };
}

export type DossierView = ReturnType<typeof dossierView>;
