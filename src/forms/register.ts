import type { DossierView } from '../dossiers/views.js';
import { vnDate, vnDateTime } from './format.js';
import { html, page } from './html.js';
import { publicStatusLabel } from '../public/lookup.js';

/** Form 07: Sổ theo dõi hồ sơ — one row per dossier received by the unit in the period. */
export function dossierRegister(unitName: string, from: string, to: string, dossiers: DossierView[]): string {
  const rows = dossiers.map(
    (d, i) => html`<tr><td>${i + 1}</td><td>${d.code}</td><td>${d.procedureCode}</td><td>${d.applicant.name}${d.applicant.address ? html`<br>${d.applicant.address}` : ''}</td>
<td>${d.applicant.phone ?? ''}</td><td>${vnDateTime(d.receivedAt)}</td><td>${vnDateTime(d.dueAt)}</td><td>${d.finishedAt ? vnDateTime(d.finishedAt) : ''}</td>
<td>${d.returnedAt ? vnDateTime(d.returnedAt) : ''}</td><td>${publicStatusLabel(d.status.code)}</td><td>${d.closingReason ?? ''}</td></tr>`,
  );
  const body = html`<h1>Sổ theo dõi hồ sơ</h1>
<p class="sub">Từ ngày ${vnDate(from)} đến ngày ${vnDate(to)}</p>
<table><tr><th>STT</th><th>Mã hồ sơ</th><th>Tên thủ tục (mã)</th><th>Tên tổ chức, cá nhân, địa chỉ</th><th>Số điện thoại</th>
<th>Ngày, giờ nhận hồ sơ</th><th>Ngày, giờ hẹn trả kết quả</th><th>Ngày, giờ có kết quả</th><th>Ngày, giờ trả kết quả</th><th>Tình trạng</th><th>Ghi chú</th></tr>
${rows}</table>
<p>Tổng số: ${dossiers.length} hồ sơ</p>`;
  return page('Mẫu số 07 - Sổ theo dõi hồ sơ', unitName, body, { landscape: true });
}
