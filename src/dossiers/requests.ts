import { STATUS_NAMES, type DossierInfo, type DossierStatus, type Handover, type RequestDraft } from './types.js';

/** Reasons when the diagram asks the applicant without the task having written one. */
export const FALLBACK_REASON = {
  supplement: 'Yêu cầu bổ sung, hoàn thiện hồ sơ theo quy trình (requested in the procedure)',
  payment: 'Thực hiện nghĩa vụ tài chính theo quy trình (requested in the procedure)',
} as const;

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() ? value.trim() : null);

/** A list of texts from an array or a single text (what people type into task data). */
function texts(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.flatMap((v) => (typeof v === 'string' || typeof v === 'number' ? (text(String(v)) ?? []) : []));
}

function amountOf(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : null;
}

/**
 * What a completed task asks of the applicant, in the task-data names the shipped diagrams
 * document (docs/procedures.md): `note` or `reason` as the reason, `missing` (or `items`)
 * as the list of missing papers, `feeAmount` (or `fee`, `amount`) as the fee in VND,
 * `justification` as the reason for a supplement beyond the procedure's rules.
 */
export function requestDraftOf(data: Record<string, unknown> | null, by: string): RequestDraft {
  const items = texts(data?.missing ?? data?.items);
  const reason = text(data?.note) ?? text(data?.reason) ?? (items.length ? `Cần bổ sung: ${items.join('; ')}` : null);
  return { by, reason, items, amount: amountOf(data?.feeAmount ?? data?.fee ?? data?.amount), justification: text(data?.justification) };
}

const CLOSING_STEP: Partial<Record<DossierStatus, string>> = {
  3: 'Từ chối tiếp nhận hồ sơ (refused)',
  7: 'Rút hồ sơ (withdrawn)',
  8: 'Dừng xử lý hồ sơ (processing stopped)',
};

/** The tracking-sheet row of a dossier closed without a result; the file goes back to the desk. */
export function closingRow(at: string, by: string, status: DossierStatus, d: DossierInfo): Handover {
  return {
    at,
    step: CLOSING_STEP[status] ?? STATUS_NAMES[status],
    activityId: null,
    from: { person: by, unitId: d.currentUnitId },
    to: { person: null, unitId: d.receivingUnitId },
    result: STATUS_NAMES[status],
    note: d.closingReason,
    stepSla: null,
    stepDueAt: null,
  };
}
