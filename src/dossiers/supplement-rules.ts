/**
 * Supplement rules of the one-stop desk (issue 12, docs/forms.md): a maximum of requests
 * during processing, a request window counted from receipt, and what a request that breaks
 * them costs. One assessment serves the supplement-request command and the diagram's own
 * supplement waits, so every path counts against the same limits.
 */
import { resolveDue, type WorkingCalendar } from '../calendar/index.js';
import { conflict, unprocessable } from '../domain/errors.js';
import type { DossierInfo, Supplement, SupplementBreach } from './types.js';

/** Requests during processing allowed without a justification (default 1, as the index counts). */
export const SUPPLEMENT_MAX_PROPERTY = 'supplementMax';
/** Working days from receipt within which a supplement must be requested (absent: no window). */
export const SUPPLEMENT_WINDOW_PROPERTY = 'supplementWindowWorkingDays';
/** `refuse` (default) or `allow-with-reason`: a request beyond supplementMax. */
export const SUPPLEMENT_OVER_LIMIT_PROPERTY = 'supplementOverLimit';
/** `refuse` (default) or `allow-with-reason`: a request after the window. */
export const SUPPLEMENT_AFTER_WINDOW_PROPERTY = 'supplementAfterWindow';
/** `true` (default, as the index counts) or `false`: a late request also makes the statutory clock late. */
export const SUPPLEMENT_LATE_IN_SLA_PROPERTY = 'supplementLateInSla';

type Props = Record<string, string>;

export interface SupplementAssessment {
  /** 1 for the first request during processing, 2 for the second, … */
  ordinal: number;
  max: number;
  windowEndsAt: string | null;
  breaches: SupplementBreach[];
  /** Counted late: a second or later request (the index's rule) or one after the window. */
  late: boolean;
  /** The statutory clock is marked late too (supplementLateInSla). */
  lateInSla: boolean;
}

function positiveInteger(raw: string | undefined, fallback: number): number {
  const n = Number(raw);
  return raw !== undefined && Number.isInteger(n) && n >= 1 ? n : fallback;
}

/** The window's end: N working days after receipt, ending as the province's deadlineEnd says. */
export function supplementWindowEnd(d: Pick<DossierInfo, 'receivedAt'>, properties: Props, calendar: WorkingCalendar): string | null {
  const raw = properties[SUPPLEMENT_WINDOW_PROPERTY];
  const days = Number(raw);
  if (raw === undefined || raw.trim() === '' || !Number.isFinite(days) || days <= 0 || !d.receivedAt) return null;
  return resolveDue(calendar, new Date(d.receivedAt), { kind: 'working-days', days }).toISOString();
}

/** What a supplement request during processing at `at` is, by the procedure's rules. */
export function assessSupplement(d: DossierInfo, properties: Props, calendar: WorkingCalendar, at: Date): SupplementAssessment {
  const max = positiveInteger(properties[SUPPLEMENT_MAX_PROPERTY], 1);
  const ordinal = d.supplements.filter((s) => s.phase === 'processing').length + 1;
  const windowEndsAt = supplementWindowEnd(d, properties, calendar);
  const breaches: SupplementBreach[] = [];
  if (ordinal > 1) breaches.push('repeated');
  if (ordinal > max) breaches.push('over-limit');
  if (windowEndsAt && at.getTime() > new Date(windowEndsAt).getTime()) breaches.push('after-window');
  const late = breaches.length > 0;
  return { ordinal, max, windowEndsAt, breaches, late, lateInSla: late && properties[SUPPLEMENT_LATE_IN_SLA_PROPERTY] !== 'false' };
}

const allows = (properties: Props, name: string): boolean => properties[name] === 'allow-with-reason';

/**
 * The command's gate: 409 when a rule the procedure enforces is broken, 422 when it allows
 * the request only with a justification and none came. Diagram waits are recorded instead
 * (the engine already chose that path; see supplementRecordFields).
 */
export function enforceSupplementRules(a: SupplementAssessment, properties: Props, justification: string | null): void {
  const overLimit = a.breaches.includes('over-limit');
  const afterWindow = a.breaches.includes('after-window');
  if (overLimit && !allows(properties, SUPPLEMENT_OVER_LIMIT_PROPERTY)) {
    const count = a.ordinal - 1;
    throw conflict(
      'SUPPLEMENT_LIMIT_REACHED',
      `a supplement was already requested ${count} time(s) during processing; the procedure allows ${a.max} / ` +
        `hồ sơ đã được yêu cầu bổ sung ${count} lần trong quá trình giải quyết; thủ tục chỉ cho phép ${a.max} lần`,
      { count, max: a.max },
    );
  }
  if (afterWindow && !allows(properties, SUPPLEMENT_AFTER_WINDOW_PROPERTY)) {
    throw conflict(
      'SUPPLEMENT_WINDOW_PASSED',
      `a supplement had to be requested by ${a.windowEndsAt} (${properties[SUPPLEMENT_WINDOW_PROPERTY]} working days after receipt) / ` +
        `đã quá thời hạn yêu cầu bổ sung hồ sơ (${properties[SUPPLEMENT_WINDOW_PROPERTY]} ngày làm việc kể từ ngày tiếp nhận)`,
      { windowEndsAt: a.windowEndsAt, windowWorkingDays: Number(properties[SUPPLEMENT_WINDOW_PROPERTY]) },
    );
  }
  if ((overLimit || afterWindow) && !justification) {
    throw unprocessable(
      'SUPPLEMENT_JUSTIFICATION_REQUIRED',
      'this supplement request breaks the procedure rules and needs a written justification / ' +
        'yêu cầu bổ sung này vượt quy định (số lần hoặc thời hạn), cần ghi rõ lý do (justification)',
      { breaches: a.breaches },
    );
  }
}

/** The fields a supplement record keeps of its assessment (shown on the tracking sheet and in the reports). */
export function supplementRecordFields(a: SupplementAssessment, justification: string | null): Pick<Supplement, 'ordinal' | 'windowEndsAt' | 'late' | 'breaches' | 'justification'> {
  return { ordinal: a.ordinal, windowEndsAt: a.windowEndsAt, late: a.late, breaches: a.breaches, justification };
}

/** The applicant's waiting time over the supplements requested during processing, in minutes (an open one until `until`). */
export function supplementWaitMinutes(d: Pick<DossierInfo, 'supplements'>, until: Date): number {
  const ms = d.supplements
    .filter((s) => s.phase === 'processing')
    .reduce((sum, s) => sum + Math.max(0, (s.receivedAt ? new Date(s.receivedAt).getTime() : until.getTime()) - new Date(s.requestedAt).getTime()), 0);
  return Math.round(ms / 60_000);
}
