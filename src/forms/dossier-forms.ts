import type { CaseDoc } from '../domain/case.js';
import type { DossierInfo } from '../dossiers/types.js';
import { vnDate, vnDateTime, vnLongDate } from './format.js';
import { b, p, type Block, type FormDoc } from './model.js';

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

function applicantLines(d: DossierInfo): Block[] {
  const a = d.applicant;
  return [
    p('Ông/bà: ', b(a.name)),
    ...(a.idNumber ? [p(`Số định danh cá nhân/CCCD: ${a.idNumber}`)] : []),
    ...(a.address ? [p(`Địa chỉ: ${a.address}`)] : []),
    ...(a.phone || a.email ? [p(`Số điện thoại: ${a.phone ?? '…'}    Email: ${a.email ?? '…'}`)] : []),
  ];
}

const signature = (left: string, right: string, at: string): Block => ({ kind: 'sign', left, right, dateLine: vnLongDate(at) });
const list = (items: string[]): Block => ({ kind: 'list', items });

/** Form 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả. */
export function receiptSlip(c: FormContext): FormDoc {
  const d = dossierOf(c);
  const at = d.receivedAt ?? d.submittedAt;
  const due = c.doc.clock?.dueAt ?? null;
  return {
    title: 'Mẫu số 01 - Giấy tiếp nhận hồ sơ và hẹn trả kết quả',
    org: c.unitName(d.receivingUnitId),
    number: d.code,
    ...(c.qrDataUrl ? { qr: { pngDataUrl: c.qrDataUrl, verification: c.verification } } : {}),
    blocks: [
      { kind: 'title', text: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả' },
      { kind: 'sub', text: ['Mã hồ sơ: ', b(d.code)] },
      p(`${c.unitName(d.receivingUnitId)} đã tiếp nhận hồ sơ của:`),
      ...applicantLines(d),
      p('Nội dung yêu cầu giải quyết (thủ tục): ', b(d.procedureName), ` (mã ${d.procedureCode})`),
      p(`Hình thức nộp: ${CHANNEL_VI[d.channel] ?? d.channel}`),
      p('1. Thành phần hồ sơ nộp gồm:'),
      { kind: 'table', head: ['STT', 'Tên giấy tờ', 'Số hóa'], rows: d.attachments.map((a, n) => [String(n + 1), a.name, a.digitised ? 'Có' : '']), widths: [1, 8, 2] },
      p('2. Số lượng hồ sơ: 01 (bộ)'),
      p(`3. Thời gian tiếp nhận: ${vnDateTime(at)}`),
      p('4. Thời gian trả kết quả giải quyết hồ sơ: ', b(vnDateTime(due))),
      p(`5. Đơn vị giải quyết: ${c.unitName(d.processingUnitId)}`),
      p(`6. Nhận kết quả tại: ${c.unitName(d.receivingUnitId)}`),
      p(`Tra cứu tình trạng hồ sơ: ${c.lookupUrl}`),
      p('Vào Sổ theo dõi hồ sơ, Quyển số: …… Số thứ tự: ……'),
      signature('NGƯỜI NỘP HỒ SƠ', 'NGƯỜI TIẾP NHẬN HỒ SƠ', at),
    ],
  };
}

/** Form 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (the n-th supplement request, 0-based). */
export function supplementRequest(c: FormContext, n: number): FormDoc {
  const d = dossierOf(c);
  const s = d.supplements[n];
  if (!s) throw new RangeError(`no supplement ${n}`);
  const desk = c.unitName(d.receivingUnitId);
  return {
    title: 'Mẫu số 02 - Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ',
    org: desk,
    number: d.code,
    blocks: [
      { kind: 'title', text: 'Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ' },
      { kind: 'sub', text: [`Hồ sơ số: ${d.code} (lần ${n + 1})`] },
      p(`${desk} tiếp nhận hồ sơ của:`),
      ...applicantLines(d),
      p(`Nội dung yêu cầu giải quyết: ${d.procedureName}`),
      p('Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:'),
      list(s.items),
      p(`Lý do: ${s.reason}`),
      p(`Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, ông/bà liên hệ ${desk} để được hướng dẫn.`),
      signature('', 'NGƯỜI HƯỚNG DẪN', s.requestedAt),
    ],
  };
}

/** Form 03: Phiếu từ chối tiếp nhận, giải quyết hồ sơ. */
export function refusal(c: FormContext): FormDoc {
  const d = dossierOf(c);
  const at = d.finishedAt ?? c.doc.updatedAt;
  const desk = c.unitName(d.receivingUnitId);
  return {
    title: 'Mẫu số 03 - Phiếu từ chối tiếp nhận, giải quyết hồ sơ',
    org: desk,
    number: d.code,
    blocks: [
      { kind: 'title', text: 'Phiếu từ chối tiếp nhận, giải quyết hồ sơ' },
      { kind: 'sub', text: [`Hồ sơ số: ${d.code}`] },
      p(`${desk} tiếp nhận hồ sơ của:`),
      ...applicantLines(d),
      p(`Nội dung yêu cầu giải quyết: ${d.procedureName}`),
      p('Qua xem xét, cơ quan, đơn vị từ chối tiếp nhận, giải quyết hồ sơ với lý do sau:'),
      p(b(d.closingReason ?? '…')),
      p('Xin thông báo để ông/bà được biết và thực hiện.'),
      signature('', 'NGƯỜI TIẾP NHẬN HỒ SƠ', at),
    ],
  };
}

/** Form 04: Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết (the n-th apology, 0-based). */
export function apology(c: FormContext, n: number): FormDoc {
  const d = dossierOf(c);
  const a = c.doc.apologies[n];
  if (!a) throw new RangeError(`no apology ${n}`);
  const unit = c.unitName(d.currentUnitId);
  return {
    title: 'Mẫu số 04 - Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết',
    org: unit,
    number: d.code,
    blocks: [
      { kind: 'title', text: 'Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết' },
      { kind: 'sub', text: [`Hồ sơ số: ${d.code} (lần ${n + 1})`] },
      p('Kính gửi: ông/bà ', b(d.applicant.name)),
      p(
        `Ngày ${vnDate(d.receivedAt)}, ${c.unitName(d.receivingUnitId)} tiếp nhận hồ sơ đề nghị giải quyết thủ tục `,
        b(d.procedureName),
        `. Thời hạn trả kết quả giải quyết hồ sơ theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả là ${vnDateTime(a.previousDueAt)}.`,
      ),
      p(`Tuy nhiên đến nay, ${unit} chưa trả kết quả giải quyết hồ sơ cho ông/bà đúng hẹn. Lý do: ${a.reason}`),
      p(
        `Sự chậm trễ này đã gây phiền hà cho ông/bà. ${unit} xin lỗi ông/bà và đề nghị gia hạn thời gian giải quyết hồ sơ; thời hạn trả kết quả mới là `,
        b(vnDateTime(a.newDueAt)),
        '.',
      ),
      p('Mong nhận được sự thông cảm của ông/bà.'),
      signature('', `THỦ TRƯỞNG ${unit.toUpperCase()}`, a.at),
    ],
  };
}

/** Form 05: Thông báo dừng giải quyết hồ sơ. */
export function stopNotice(c: FormContext): FormDoc {
  const d = dossierOf(c);
  const at = d.finishedAt ?? c.doc.updatedAt;
  const unit = c.unitName(d.currentUnitId);
  return {
    title: 'Mẫu số 05 - Thông báo dừng giải quyết hồ sơ',
    org: unit,
    number: d.code,
    blocks: [
      { kind: 'title', text: 'Thông báo về việc dừng giải quyết hồ sơ' },
      { kind: 'sub', text: [`Hồ sơ số: ${d.code}`] },
      p('Kính gửi: ông/bà ', b(d.applicant.name)),
      p(`Ngày ${vnDate(d.receivedAt)}, ${c.unitName(d.receivingUnitId)} tiếp nhận hồ sơ đề nghị giải quyết thủ tục `, b(d.procedureName), '.'),
      p(`${unit} thông báo dừng giải quyết hồ sơ nêu trên. Lý do: `, b(d.closingReason ?? '…')),
      p('Xin thông báo để ông/bà được biết.'),
      signature('', `THỦ TRƯỞNG ${unit.toUpperCase()}`, at),
    ],
  };
}
