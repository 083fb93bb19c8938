import type { CaseDoc } from '../domain/case.js';
import type { NotificationDoc } from '../store/documents.js';
import { DOSSIER_STATUS } from './types.js';

/**
 * What the applicant must be told about a change: the receipt with its appointment date,
 * a supplement request, a letter of apology with the new date, the result being ready.
 */
export function applicantNotices(prev: CaseDoc | null, next: CaseDoc, at: string): NotificationDoc[] {
  const before = prev?.dossier;
  const d = next.dossier;
  if (!d) return [];
  const notices: { topic: string; details: Record<string, unknown> }[] = [];
  // Receipt is announced when processing starts, so the appointment date is known.
  if (before?.status === DOSSIER_STATUS.received && d.status !== DOSSIER_STATUS.received) {
    notices.push({ topic: 'applicant.receipt', details: { receivedAt: d.receivedAt, appointmentAt: next.clock?.dueAt ?? null } });
  }
  if (d.supplements.length > (before?.supplements.length ?? 0)) {
    const s = d.supplements[d.supplements.length - 1];
    notices.push({ topic: 'applicant.supplement-requested', details: { reason: s?.reason, items: s?.items ?? [] } });
  }
  if (next.apologies.length > (prev?.apologies.length ?? 0)) {
    const a = next.apologies[next.apologies.length - 1];
    notices.push({ topic: 'applicant.apology', details: { reason: a?.reason, previousDueAt: a?.previousDueAt, newDueAt: a?.newDueAt } });
  }
  if (d.status === DOSSIER_STATUS.finished && before?.status !== DOSSIER_STATUS.finished) {
    notices.push({ topic: 'applicant.result-ready', details: { finishedAt: d.finishedAt } });
  }
  return notices.map(({ topic, details }) => ({
    _id: `${topic}-${next._id}-${next.revision}`,
    caseId: next._id,
    topic,
    createdAt: at,
    payloadJson: JSON.stringify({ code: d.code, procedure: d.procedureName, applicant: d.applicant, ...details }),
    deliveredAt: null,
  }));
}
