import { vnDateTime } from '../forms/format.js';
import { html, page } from '../forms/html.js';
import type { PublicDossier } from './lookup.js';

/** The public "tra cứu hồ sơ" page: a form, and the dossier when code + verification match. */
export function lookupPage(query: { code?: string; verification?: string }, found: PublicDossier | null): string {
  const asked = Boolean(query.code && query.verification);
  const result = found
    ? html`<table>
<tr><th>Mã hồ sơ</th><td>${found.code}</td></tr>
<tr><th>Thủ tục</th><td>${found.procedureName}</td></tr>
<tr><th>Người nộp</th><td>${found.applicant}</td></tr>
<tr><th>Tình trạng</th><td><b>${found.status.label}</b></td></tr>
<tr><th>Ngày tiếp nhận</th><td>${vnDateTime(found.receivedAt)}</td></tr>
<tr><th>Ngày hẹn trả kết quả</th><td>${vnDateTime(found.appointmentAt)}</td></tr>
<tr><th>Nơi tiếp nhận</th><td>${found.receivingUnit}</td></tr></table>`
    : asked
      ? html`<p><b>Không tìm thấy hồ sơ với mã và mã xác thực đã nhập.</b> (No dossier matches this code and verification value.)</p>`
      : '';
  const body = html`<h1>Tra cứu hồ sơ</h1>
<form method="get" action="/tra-cuu" class="noprint">
<p><label>Mã hồ sơ: <input name="code" maxlength="60" required value="${query.code ?? ''}"></label></p>
<p><label>Mã xác thực (in trên giấy tiếp nhận): <input name="v" maxlength="12" required value="${query.verification ?? ''}"></label></p>
<p><button type="submit">Tra cứu</button></p></form>
${result}`;
  return page('Tra cứu hồ sơ', 'Hệ thống giải quyết thủ tục hành chính', body);
}
