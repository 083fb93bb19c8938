import type { DossierView } from '../dossiers/views.js';
import { vnDate, vnDateTime } from './format.js';
import type { FormDoc } from './model.js';
import { publicStatusLabel } from '../public/lookup.js';

/** Form 07: Sổ theo dõi hồ sơ — one row per dossier received by the unit in the period. */
export function dossierRegister(unitName: string, from: string, to: string, dossiers: DossierView[]): FormDoc {
  const rows = dossiers.map((d, n) => [
    String(n + 1),
    d.code,
    d.procedureCode,
    d.applicant.address ? `${d.applicant.name}\n${d.applicant.address}` : d.applicant.name,
    d.applicant.phone ?? '',
    vnDateTime(d.receivedAt),
    vnDateTime(d.dueAt),
    d.finishedAt ? vnDateTime(d.finishedAt) : '',
    d.returnedAt ? vnDateTime(d.returnedAt) : '',
    publicStatusLabel(d.status.code),
    d.closingReason ?? '',
  ]);
  return {
    title: 'Mẫu số 07 - Sổ theo dõi hồ sơ',
    org: unitName,
    landscape: true,
    blocks: [
      { kind: 'title', text: 'Sổ theo dõi hồ sơ' },
      { kind: 'sub', text: [`Từ ngày ${vnDate(from)} đến ngày ${vnDate(to)}`] },
      {
        kind: 'table',
        head: ['STT', 'Mã hồ sơ', 'Tên thủ tục (mã)', 'Tên tổ chức, cá nhân, địa chỉ', 'Số điện thoại', 'Ngày, giờ nhận hồ sơ', 'Ngày, giờ hẹn trả kết quả', 'Ngày, giờ có kết quả', 'Ngày, giờ trả kết quả', 'Tình trạng', 'Ghi chú'],
        rows,
        widths: [2, 10, 4, 7, 5, 5, 5, 5, 5, 4, 4],
      },
      { kind: 'p', text: [`Tổng số: ${dossiers.length} hồ sơ`] },
    ],
  };
}
