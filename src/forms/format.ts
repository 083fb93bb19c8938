import { DateTime } from 'luxon';

const ZONE = 'Asia/Ho_Chi_Minh';

/** "14 giờ 30 phút, ngày 02/12/2026" — how the forms write an instant, in Vietnam time. */
export function vnDateTime(iso: string | null | undefined): string {
  if (!iso) return '…';
  const t = DateTime.fromISO(iso, { zone: ZONE });
  return t.isValid ? `${t.toFormat('HH')} giờ ${t.toFormat('mm')} phút, ngày ${t.toFormat('dd/MM/yyyy')}` : '…';
}

export function vnDate(iso: string | null | undefined): string {
  if (!iso) return '…';
  const t = DateTime.fromISO(iso, { zone: ZONE });
  return t.isValid ? t.toFormat('dd/MM/yyyy') : '…';
}

/** "ngày 02 tháng 12 năm 2026", the place-and-date line of a signed paper. */
export function vnLongDate(iso: string): string {
  const t = DateTime.fromISO(iso, { zone: ZONE });
  return `ngày ${t.toFormat('dd')} tháng ${t.toFormat('MM')} năm ${t.toFormat('yyyy')}`;
}
