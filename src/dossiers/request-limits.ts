import { conflict } from '../domain/errors.js';
import type { Apology } from '../domain/case.js';

/** Process property: apologies (Form 04, each with one extension) a dossier may get (default 1). */
export const APOLOGY_MAX_PROPERTY = 'apologyMax';
/** Process property: working days before the due date an apology is due at the latest (default 1; 0 = any time before). */
export const APOLOGY_LEAD_PROPERTY = 'apologyLeadWorkingDays';

function maxOf(properties: Record<string, string>, name: string): number {
  const n = Number(properties[name]);
  return Number.isInteger(n) && n >= 1 ? n : 1;
}

/**
 * The apology and extension request (Form 04) comes before the due date passes, once per
 * extension: at most `apologyMax` per dossier (docs/forms.md).
 */
export function assertApologyAllowed(dueAt: string, at: Date, apologies: readonly Apology[], properties: Record<string, string>): void {
  if (at.getTime() >= new Date(dueAt).getTime()) {
    throw conflict(
      'APOLOGY_AFTER_DUE',
      'the apology and extension request must be issued before the due date / văn bản xin lỗi và đề nghị gia hạn phải được gửi trước thời hạn trả kết quả',
      { dueAt },
    );
  }
  const max = maxOf(properties, APOLOGY_MAX_PROPERTY);
  if (apologies.length >= max) {
    throw conflict(
      'APOLOGY_LIMIT_REACHED',
      `the dossier already had ${apologies.length} apology(ies) with an extension; the procedure allows ${max} / ` +
        `hồ sơ đã được xin lỗi và gia hạn ${apologies.length} lần; thủ tục chỉ cho phép ${max} lần`,
      { count: apologies.length, max },
    );
  }
}

/** The lead an apology must keep before the due date, in working days (a non-negative number). */
export function apologyLeadDays(properties: Record<string, string>): number {
  const raw = properties[APOLOGY_LEAD_PROPERTY];
  const n = raw === undefined ? 1 : Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : 1;
}

/**
 * Late when sent with less than the lead left (Decree 61/2018 art. 19: "chậm nhất 01 ngày
 * trước ngày hẹn trả"): accepted, recorded late on the apology and the tracking sheet.
 */
export function isApologyLate(dueAt: string, at: Date, properties: Record<string, string>, calendar: { workingMinutesBetween(a: Date, b: Date): number; minutesPerWorkingDay: number }): boolean {
  const lead = apologyLeadDays(properties);
  return calendar.workingMinutesBetween(at, new Date(dueAt)) < lead * calendar.minutesPerWorkingDay;
}
