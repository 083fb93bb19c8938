import type { CaseDoc } from '../domain/case.js';
import type { NotificationDoc } from '../store/documents.js';
import { CLOSED_STATUSES, DOSSIER_STATUS, type DossierInfo, type DossierStatus } from './types.js';

const vnDate = (iso: string | null | undefined): string =>
  iso ? new Date(iso).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', hour12: false }) : '';

const CLOSED_VI: Partial<Record<DossierStatus, string>> = { 3: 'bị từ chối tiếp nhận', 7: 'đã được rút theo đề nghị', 8: 'đã dừng xử lý' };
const CLOSED_EN: Partial<Record<DossierStatus, string>> = { 3: 'was refused', 7: 'was withdrawn', 8: 'is no longer processed' };

interface Notice {
  topic: string;
  details: Record<string, unknown>;
  /** What the applicant reads, in Vietnamese, and in English for transports that want it. */
  text: string;
  textEn: string;
}

function supplementNotice(d: DossierInfo): Notice {
  const s = d.supplements[d.supplements.length - 1];
  const items = s?.items ?? [];
  const list = items.length ? ` gồm: ${items.join('; ')}` : '';
  const listEn = items.length ? `: ${items.join('; ')}` : '';
  return {
    topic: 'applicant.supplement-requested',
    details: { reason: s?.reason, items },
    text: `Hồ sơ ${d.code} (${d.procedureName}) cần bổ sung, hoàn thiện${list}. Lý do: ${s?.reason ?? ''}.`,
    textEn: `Dossier ${d.code} needs a supplement${listEn}. Reason: ${s?.reason ?? ''}.`,
  };
}

/**
 * What the applicant must be told about a change: the receipt with its appointment date,
 * a supplement request, a letter of apology with the new date, the result being ready, the
 * dossier closed without a result (with the reason, which the law requires in writing).
 */
export function applicantNotices(prev: CaseDoc | null, next: CaseDoc, at: string): NotificationDoc[] {
  const before = prev?.dossier;
  const d = next.dossier;
  if (!d) return [];
  const notices: Notice[] = [];
  // Receipt is announced when processing starts, so the appointment date is known.
  if (before?.status === DOSSIER_STATUS.received && d.status !== DOSSIER_STATUS.received) {
    const appointmentAt = next.clock?.dueAt ?? null;
    notices.push({
      topic: 'applicant.receipt',
      details: { receivedAt: d.receivedAt, appointmentAt },
      text: `Hồ sơ ${d.code} (${d.procedureName}) đã được tiếp nhận lúc ${vnDate(d.receivedAt)}; hẹn trả kết quả: ${vnDate(appointmentAt)}.`,
      textEn: `Dossier ${d.code} was received at ${d.receivedAt ?? ''}; the result is due ${appointmentAt ?? ''}.`,
    });
  }
  if (d.supplements.length > (before?.supplements.length ?? 0)) notices.push(supplementNotice(d));
  if (next.apologies.length > (prev?.apologies.length ?? 0)) {
    const a = next.apologies[next.apologies.length - 1];
    notices.push({
      topic: 'applicant.apology',
      details: { reason: a?.reason, previousDueAt: a?.previousDueAt, newDueAt: a?.newDueAt },
      text: `Xin lỗi ông/bà: hồ sơ ${d.code} chưa có kết quả đúng hẹn (${a?.reason ?? ''}). Ngày hẹn mới: ${vnDate(a?.newDueAt)}.`,
      textEn: `We apologise: dossier ${d.code} is late (${a?.reason ?? ''}). New date: ${a?.newDueAt ?? ''}.`,
    });
  }
  if (d.status === DOSSIER_STATUS.finished && before?.status !== DOSSIER_STATUS.finished) {
    notices.push({
      topic: 'applicant.result-ready',
      details: { finishedAt: d.finishedAt },
      text: `Hồ sơ ${d.code} (${d.procedureName}) đã có kết quả; mời ông/bà đến nhận.`,
      textEn: `The result of dossier ${d.code} is ready.`,
    });
  }
  if (CLOSED_STATUSES.includes(d.status) && before && before.status !== d.status) {
    notices.push({
      topic: 'applicant.closed',
      details: { status: d.status, reason: d.closingReason, finishedAt: d.finishedAt },
      text: `Hồ sơ ${d.code} (${d.procedureName}) ${CLOSED_VI[d.status] ?? ''}. Lý do: ${d.closingReason ?? ''}.`,
      textEn: `Dossier ${d.code} ${CLOSED_EN[d.status] ?? ''}. Reason: ${d.closingReason ?? ''}.`,
    });
  }
  return notices.map(({ topic, details, text, textEn }) => ({
    _id: `${topic}-${next._id}-${next.revision}`,
    caseId: next._id,
    topic,
    createdAt: at,
    payloadJson: JSON.stringify({ code: d.code, procedure: d.procedureName, applicant: d.applicant, ...details, text, textEn }),
    deliveredAt: null,
  }));
}
