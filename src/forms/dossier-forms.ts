import type { CaseDoc } from '../domain/case.js';
import type { DossierInfo } from '../dossiers/types.js';
import { vnDate, vnDateTime, vnLongDate } from './format.js';
import { html, page, type Raw } from './html.js';

/** What a form needs besides the dossier: unit names, the public lookup address and its QR image. */
export interface FormContext {
  doc: CaseDoc;
  unitName: (id: string) => string;
  /** Public lookup address of this dossier (with its verification value). */
  lookupUrl: string;
  verification: string;
  /** data: URL of the QR code image of lookupUrl (receipt slip only). */
  qrDataUrl: string | null;
}

const CHANNEL_VI: Record<string, string> = { 'in-person': 'Trực tiếp', online: 'Trực tuyến', post: 'Qua dịch vụ bưu chính' };

const dossierOf = (c: FormContext): DossierInfo => c.doc.dossier as DossierInfo;

function applicantLines(d: DossierInfo): Raw {
  const a = d.applicant;
  return html`<p>Ông/bà: <b>${a.name}</b></p>
${a.idNumber ? html`<p>Số định danh cá nhân/CCCD: ${a.idNumber}</p>` : ''}
${a.address ? html`<p>Địa chỉ: ${a.address}</p>` : ''}
${a.phone || a.email ? html`<p>Số điện thoại: ${a.phone ?? '…'} &nbsp; Email: ${a.email ?? '…'}</p>` : ''}`;
}

function signature(left: string, right: string, at: string, place = ''): Raw {
  return html`<div class="sign"><div><b>${left}</b><br><i>(Ký, ghi rõ họ tên)</i></div>
<div><i>${place ? `${place}, ` : ''}${vnLongDate(at)}</i><br><b>${right}</b><br><i>(Ký, ghi rõ họ tên)</i></div></div>`;
}

const list = (items: string[]): Raw => (items.length ? html`<ol>${items.map((i) => html`<li>${i}</li>`)}</ol>` : html`<p>…</p>`);

/** Form 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả. */
export function receiptSlip(c: FormContext): string {
  const d = dossierOf(c);
  const at = d.receivedAt ?? d.submittedAt;
  const due = c.doc.clock?.dueAt ?? null;
  const qr = c.qrDataUrl ? html`<div class="qr"><img alt="QR tra cứu" src="${c.qrDataUrl}"><br>Tra cứu hồ sơ<br>Mã xác thực: <b>${c.verification}</b></div>` : '';
  const body = html`${qr}<h1>Giấy tiếp nhận hồ sơ và hẹn trả kết quả</h1>
<p class="sub">Mã hồ sơ: <b>${d.code}</b></p>
<p>${c.unitName(d.receivingUnitId)} đã tiếp nhận hồ sơ của:</p>
${applicantLines(d)}
<p>Nội dung yêu cầu giải quyết (thủ tục): <b>${d.procedureName}</b> (mã ${d.procedureCode})</p>
<p>Hình thức nộp: ${CHANNEL_VI[d.channel] ?? d.channel}</p>
<p>1. Thành phần hồ sơ nộp gồm:</p>
<table><tr><th>STT</th><th>Tên giấy tờ</th><th>Số hóa</th></tr>
${d.attachments.map((a, i) => html`<tr><td>${i + 1}</td><td>${a.name}</td><td>${a.digitised ? 'Có' : ''}</td></tr>`)}</table>
<p>2. Số lượng hồ sơ: 01 (bộ)</p>
<p>3. Thời gian tiếp nhận: ${vnDateTime(at)}</p>
<p>4. Thời gian trả kết quả giải quyết hồ sơ: <b>${vnDateTime(due)}</b></p>
<p>5. Đơn vị giải quyết: ${c.unitName(d.processingUnitId)}</p>
<p>6. Nhận kết quả tại: ${c.unitName(d.receivingUnitId)}</p>
<p>Tra cứu tình trạng hồ sơ: ${c.lookupUrl}</p>
<p>Vào Sổ theo dõi hồ sơ, Quyển số: …… Số thứ tự: ……</p>
${signature('NGƯỜI NỘP HỒ SƠ', 'NGƯỜI TIẾP NHẬN HỒ SƠ', at)}`;
  return page('Mẫu số 01 - Giấy tiếp nhận hồ sơ và hẹn trả kết quả', c.unitName(d.receivingUnitId), body, { number: d.code });
}

/** Form 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (the n-th supplement request, 0-based). */
export function supplementRequest(c: FormContext, n: number): string {
  const d = dossierOf(c);
  const s = d.supplements[n];
  if (!s) throw new RangeError(`no supplement ${n}`);
  const body = html`<h1>Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ</h1>
<p class="sub">Hồ sơ số: ${d.code} (lần ${n + 1})</p>
<p>${c.unitName(d.receivingUnitId)} tiếp nhận hồ sơ của:</p>
${applicantLines(d)}
<p>Nội dung yêu cầu giải quyết: ${d.procedureName}</p>
<p>Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:</p>
${list(s.items)}
<p>Lý do: ${s.reason}</p>
<p>Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, ông/bà liên hệ ${c.unitName(d.receivingUnitId)} để được hướng dẫn.</p>
${signature('', 'NGƯỜI HƯỚNG DẪN', s.requestedAt)}`;
  return page('Mẫu số 02 - Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ', c.unitName(d.receivingUnitId), body, { number: d.code });
}

/** Form 03: Phiếu từ chối tiếp nhận, giải quyết hồ sơ. */
export function refusal(c: FormContext): string {
  const d = dossierOf(c);
  const at = d.finishedAt ?? c.doc.updatedAt;
  const body = html`<h1>Phiếu từ chối tiếp nhận, giải quyết hồ sơ</h1>
<p class="sub">Hồ sơ số: ${d.code}</p>
<p>${c.unitName(d.receivingUnitId)} tiếp nhận hồ sơ của:</p>
${applicantLines(d)}
<p>Nội dung yêu cầu giải quyết: ${d.procedureName}</p>
<p>Qua xem xét, cơ quan, đơn vị từ chối tiếp nhận, giải quyết hồ sơ với lý do sau:</p>
<p><b>${d.closingReason ?? '…'}</b></p>
<p>Xin thông báo để ông/bà được biết và thực hiện.</p>
${signature('', 'NGƯỜI TIẾP NHẬN HỒ SƠ', at)}`;
  return page('Mẫu số 03 - Phiếu từ chối tiếp nhận, giải quyết hồ sơ', c.unitName(d.receivingUnitId), body, { number: d.code });
}

/** Form 04: Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết (the n-th apology, 0-based). */
export function apology(c: FormContext, n: number): string {
  const d = dossierOf(c);
  const a = c.doc.apologies[n];
  if (!a) throw new RangeError(`no apology ${n}`);
  const unit = c.unitName(d.currentUnitId);
  const body = html`<h1>Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết</h1>
<p class="sub">Hồ sơ số: ${d.code} (lần ${n + 1})</p>
<p>Kính gửi: ông/bà <b>${d.applicant.name}</b></p>
<p>Ngày ${vnDate(d.receivedAt)}, ${c.unitName(d.receivingUnitId)} tiếp nhận hồ sơ đề nghị giải quyết thủ tục <b>${d.procedureName}</b>.
Thời hạn trả kết quả giải quyết hồ sơ theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả là ${vnDateTime(a.previousDueAt)}.</p>
<p>Tuy nhiên đến nay, ${unit} chưa trả kết quả giải quyết hồ sơ cho ông/bà đúng hẹn. Lý do: ${a.reason}</p>
<p>Sự chậm trễ này đã gây phiền hà cho ông/bà. ${unit} xin lỗi ông/bà và đề nghị gia hạn thời gian giải quyết hồ sơ;
thời hạn trả kết quả mới là <b>${vnDateTime(a.newDueAt)}</b>.</p>
<p>Mong nhận được sự thông cảm của ông/bà.</p>
${signature('', `THỦ TRƯỞNG ${unit.toUpperCase()}`, a.at)}`;
  return page('Mẫu số 04 - Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết', unit, body, { number: d.code });
}

/** Form 05: Thông báo dừng giải quyết hồ sơ. */
export function stopNotice(c: FormContext): string {
  const d = dossierOf(c);
  const at = d.finishedAt ?? c.doc.updatedAt;
  const unit = c.unitName(d.currentUnitId);
  const body = html`<h1>Thông báo về việc dừng giải quyết hồ sơ</h1>
<p class="sub">Hồ sơ số: ${d.code}</p>
<p>Kính gửi: ông/bà <b>${d.applicant.name}</b></p>
<p>Ngày ${vnDate(d.receivedAt)}, ${c.unitName(d.receivingUnitId)} tiếp nhận hồ sơ đề nghị giải quyết thủ tục <b>${d.procedureName}</b>.</p>
<p>${unit} thông báo dừng giải quyết hồ sơ nêu trên. Lý do: <b>${d.closingReason ?? '…'}</b></p>
<p>Xin thông báo để ông/bà được biết.</p>
${signature('', `THỦ TRƯỞNG ${unit.toUpperCase()}`, at)}`;
  return page('Mẫu số 05 - Thông báo dừng giải quyết hồ sơ', unit, body, { number: d.code });
}
