import { createHash, timingSafeEqual } from 'node:crypto';
import type { DossierView } from '../dossiers/views.js';

/** Vietnamese labels of the portal statuses, as citizens read them. */
const STATUS_VI: Record<number, string> = {
  1: 'Mới nộp, chờ tiếp nhận',
  2: 'Đã tiếp nhận',
  3: 'Từ chối tiếp nhận',
  4: 'Đang giải quyết',
  5: 'Yêu cầu bổ sung hồ sơ',
  6: 'Chờ nộp phí, lệ phí',
  7: 'Đã rút hồ sơ',
  8: 'Dừng giải quyết',
  9: 'Đã có kết quả',
  10: 'Đã trả kết quả',
};

export const publicStatusLabel = (code: number): string => STATUS_VI[code] ?? String(code);

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/**
 * The short value printed on the receipt slip next to the code: derived from the dossier's
 * random id, so a guessed code alone (codes are daily sequences) opens nothing.
 */
export function verificationOf(dossierId: string, code: string): string {
  const digest = createHash('sha256').update(`${dossierId}\n${code}`).digest();
  return Array.from(digest.subarray(0, 6), (b) => ALPHABET[b % ALPHABET.length]).join('');
}

export function verificationMatches(dossierId: string, code: string, given: string): boolean {
  const want = Buffer.from(verificationOf(dossierId, code));
  const got = Buffer.from(given.trim().toUpperCase());
  return want.length === got.length && timingSafeEqual(want, got);
}

/** "Nguyễn Văn An" → "N*** V** A*": what provincial lookup pages show of a name. */
export function maskName(name: string): string {
  return name
    .trim()
    .split(/\s+/)
    .map((w) => {
      const chars = Array.from(w);
      return chars[0] + '*'.repeat(Math.max(chars.length - 1, 1));
    })
    .join(' ');
}

export interface PublicDossier {
  code: string;
  status: { code: number; label: string };
  procedureName: string;
  applicant: string;
  receivingUnit: string;
  receivedAt: string | null;
  appointmentAt: string | null;
  finishedAt: string | null;
}

export const publicView = (d: DossierView, procedureName: string, receivingUnit: string): PublicDossier => ({
  code: d.code,
  status: { code: d.status.code, label: publicStatusLabel(d.status.code) },
  procedureName,
  applicant: maskName(d.applicant.name),
  receivingUnit,
  receivedAt: d.receivedAt,
  appointmentAt: d.dueAt,
  finishedAt: d.finishedAt,
});
