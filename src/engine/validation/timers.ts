/** ISO 8601 notations accepted in timer definitions (what bpmn-elements' parser and our scheduler both read). */

const MAX_TIMER_LENGTH = 64;

const DURATION = /^P(?:(\d{1,9})Y)?(?:(\d{1,9})M)?(?:(\d{1,9})W)?(?:(\d{1,9})D)?(?:T(?:(\d{1,9})H)?(?:(\d{1,9})M)?(?:(\d{1,9}(?:[.,]\d{1,9})?)S)?)?$/;

/** `PnYnMnWnDTnHnMnS` with at least one component (and one after `T` when `T` is present). */
export function isIsoDuration(text: string): boolean {
  if (text.length > MAX_TIMER_LENGTH) return false;
  const match = DURATION.exec(text);
  if (!match) return false;
  if (match.slice(1).every((part) => part === undefined)) return false;
  const tIndex = text.indexOf('T');
  return tIndex === -1 || match[5] !== undefined || match[6] !== undefined || match[7] !== undefined;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2})(?::?(\d{2}))?)$/;

/** A calendar date-time with an explicit offset or `Z`: `2026-03-01T09:00:00+01:00`. */
export function isIsoDateTime(text: string): boolean {
  if (text.length > MAX_TIMER_LENGTH) return false;
  const match = DATE_TIME.exec(text);
  if (!match) return false;
  const [, y, mo, d, h, mi, s, oh, om] = match.map((part) => (part === undefined ? 0 : Number(part)));
  const year = y ?? 0;
  const month = mo ?? 0;
  const day = d ?? 0;
  if (month < 1 || month > 12 || day < 1) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return false;
  if ((h ?? 0) > 23 || (mi ?? 0) > 59 || (s ?? 0) > 59) return false;
  return (oh ?? 0) <= 14 && (om ?? 0) <= 59;
}

const CYCLE = /^R([1-9]\d{0,8})\/(.+)$/;

/** `R<n>/<ISO duration>` with n ≥ 1: `R3/PT10M`. Unbounded (`R/…`) and cron cycles are refused. */
export function isIsoCycle(text: string): boolean {
  if (text.length > MAX_TIMER_LENGTH) return false;
  const match = CYCLE.exec(text);
  return match !== null && isIsoDuration(match[2] ?? '');
}

const DAY_MS = 86_400_000;

/** The longest an ISO 8601 duration can last, in ms (a year counted as 366 days, a month as 31). */
export function isoDurationMaxMs(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (!match) return undefined;
  const [, y, mo, w, d, h, mi, s] = match.map((part) => (part === undefined ? 0 : Number(part.replace(',', '.'))));
  return (
    (y ?? 0) * 366 * DAY_MS +
    (mo ?? 0) * 31 * DAY_MS +
    (w ?? 0) * 7 * DAY_MS +
    (d ?? 0) * DAY_MS +
    (h ?? 0) * 3_600_000 +
    (mi ?? 0) * 60_000 +
    (s ?? 0) * 1000
  );
}

/** The shortest an ISO 8601 duration can last, in ms (a year as 365 days, a month as 28). */
export function isoDurationMinMs(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (!match) return undefined;
  const [, y, mo, w, d, h, mi, s] = match.map((part) => (part === undefined ? 0 : Number(part.replace(',', '.'))));
  return (
    (y ?? 0) * 365 * DAY_MS +
    (mo ?? 0) * 28 * DAY_MS +
    (w ?? 0) * 7 * DAY_MS +
    (d ?? 0) * DAY_MS +
    (h ?? 0) * 3_600_000 +
    (mi ?? 0) * 60_000 +
    (s ?? 0) * 1000
  );
}

/** `R<n>/<duration>` split, or undefined. */
export function cycleParts(text: string): { repetitions: number; interval: string } | undefined {
  const match = CYCLE.exec(text);
  if (!match) return undefined;
  return { repetitions: Number(match[1]), interval: match[2] ?? '' };
}
