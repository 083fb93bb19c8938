import type { CaseDoc } from '../domain/case.js';
import { notFound } from '../domain/errors.js';
import { supplementWaitMinutes } from './supplement-rules.js';
import type { DossierInfo, DossierStatus, Supplement, SupplementBreach } from './types.js';

/** A person as the sheet shows them (name and title, never a key id). */
export interface SheetPerson {
  name: string;
  title: string;
}

/** Minimal history entry: who did what when (the case history, oldest first). */
export interface SheetEvent {
  at: string;
  type: string;
  by: string | null;
}

export interface SheetRow {
  at: string;
  /** What happened (Vietnamese). */
  step: string;
  /** Stable kind of the row: task, transfer, closing, receipt, supplement-request, … */
  kind: string;
  from: { person: string; title: string; unit: string | null };
  to: { person: string | null; title: string; unit: string | null };
  result: string;
  note: string | null;
  stepDueAt: string | null;
  stepSla: string | null;
}

export interface TrackingSheet {
  code: string;
  procedure: { key: string; code: string; name: string };
  applicant: string;
  status: { code: number; name: string };
  receivedAt: string | null;
  dueAt: string | null;
  finishedAt: string | null;
  returnedAt: string | null;
  sla: string | null;
  /** Supplement requests during processing, and the applicant's waiting time over the answered ones (minutes). */
  supplements: { count: number; late: number; waitMinutes: number };
  rows: SheetRow[];
}

/** The portal statuses in the words of the one-stop desks. */
export const STATUS_VI: Record<DossierStatus, string> = {
  1: 'Mới nộp',
  2: 'Đã tiếp nhận',
  3: 'Từ chối tiếp nhận',
  4: 'Đang xử lý',
  5: 'Yêu cầu bổ sung',
  6: 'Chờ thực hiện nghĩa vụ tài chính',
  7: 'Công dân rút hồ sơ',
  8: 'Dừng xử lý',
  9: 'Đã xử lý xong',
  10: 'Đã trả kết quả',
};

/** Step and result words the service writes itself, in Vietnamese (task names come from the diagrams). */
const WORDS: Record<string, string> = {
  'Transfer (liên thông)': 'Chuyển xử lý liên thông',
  'Result of the transfer': 'Nhận kết quả xử lý liên thông',
  'Reassignment to the successor unit': 'Chuyển hồ sơ cho đơn vị kế thừa',
  reassigned: 'Đã chuyển đơn vị',
  done: 'Hoàn thành',
  transferred: 'Đã chuyển',
  returned: 'Đã chuyển trả',
  refused: STATUS_VI[3],
  withdrawn: STATUS_VI[7],
  stopped: STATUS_VI[8],
};
const vi = (text: string): string => WORDS[text] ?? text.replace(/ \((refused|withdrawn|processing stopped)\)$/, '');

const SLA_LABEL: Record<string, string> = { early: 'Trước hạn', 'on-time': 'Đúng hạn', late: 'Quá hạn' };
const CHANNEL_VI = { 'national-portal': 'trực tuyến qua Cổng DVC quốc gia', 'provincial-gateway': 'trực tuyến qua cổng thanh toán của tỉnh' } as const;
const money = (n: number | null): string => (n === null ? '' : `${n.toLocaleString('vi-VN')} đồng`);
const SUBMISSION_VI = { 'in-person': 'trực tiếp', online: 'trực tuyến', post: 'qua bưu chính công ích' } as const;
const APPLICANT_TITLE = 'Người nộp hồ sơ';

type Resolve = (actor: string) => SheetPerson;

const BREACH_VI: Record<SupplementBreach, string> = {
  repeated: 'yêu cầu bổ sung lần thứ hai trở lên (tính quá hạn)',
  'over-limit': 'vượt số lần yêu cầu bổ sung thủ tục cho phép',
  'after-window': 'quá thời hạn yêu cầu bổ sung',
};

/** "2 ngày 3 giờ 5 phút": the applicant's wait, in wall-clock time as the index subtracts it. */
function waitText(from: string, to: string): string {
  const minutes = Math.max(0, Math.round((new Date(to).getTime() - new Date(from).getTime()) / 60_000));
  const [d, h, m] = [Math.floor(minutes / 1440), Math.floor((minutes % 1440) / 60), minutes % 60];
  return [d ? `${d} ngày` : '', h ? `${h} giờ` : '', `${m} phút`].filter(Boolean).join(' ');
}

/** What the supplement rules recorded on a request, in Vietnamese. */
function supplementRuleNotes(s: Supplement): string[] {
  const notes = (s.breaches ?? []).map((b) => BREACH_VI[b]);
  if (s.justification) notes.push(`Lý do vẫn yêu cầu: ${s.justification}`);
  return notes;
}
type UnitName = (id: string | null) => string | null;

/** Who acted at `at`: the history entry of that commit (all records of a commit share its instant). */
function actorAt(events: SheetEvent[], at: string, types?: string[]): string | null {
  const hit = events.find((e) => e.at === at && e.by && (!types || types.includes(e.type)));
  return hit?.by ?? null;
}

/** Rows of lifecycle events the hand-over list does not hold: receipt, supplements, payments, fees, result, return. */
function lifecycleRows(d: DossierInfo, events: SheetEvent[], person: Resolve, unitName: UnitName): SheetRow[] {
  const rows: SheetRow[] = [];
  const desk = unitName(d.receivingUnitId);
  const processing = unitName(d.processingUnitId);
  const applicant = { person: d.applicant.name, title: APPLICANT_TITLE, unit: null };
  const official = (at: string, unit: string | null, types?: string[]) => {
    // The receipt's own record may carry an instant a few ms off the dossier's: fall back to its type.
    const actor = actorAt(events, at, types) ?? (types ? (types.map((t) => events.find((e) => e.type === t && e.by)?.by).find(Boolean) ?? null) : null);
    const p = actor ? person(actor) : { name: '', title: '' };
    return { person: p.name, title: p.title, unit };
  };
  const row = (r: Omit<SheetRow, 'stepDueAt' | 'stepSla' | 'note' | 'result'> & Partial<SheetRow>): SheetRow => ({
    result: '',
    note: null,
    stepDueAt: null,
    stepSla: null,
    ...r,
  });

  rows.push(
    row({ at: d.submittedAt, kind: 'submission', step: 'Nộp hồ sơ', from: applicant, to: { person: null, title: '', unit: desk }, result: `Hình thức: ${SUBMISSION_VI[d.channel]}` }),
  );
  if (d.receivedAt) {
    rows.push(
      row({
        at: d.receivedAt,
        kind: 'receipt',
        step: 'Tiếp nhận hồ sơ',
        from: official(d.receivedAt, desk, ['dossier.received', 'dossier.submitted']),
        to: { person: null, title: '', unit: processing },
        result: STATUS_VI[2],
      }),
    );
  }
  d.supplements.forEach((s, i) => {
    const by = person(s.requestedBy);
    rows.push(
      row({
        at: s.requestedAt,
        kind: 'supplement-request',
        step: `Yêu cầu bổ sung, hoàn thiện hồ sơ (lần ${i + 1})`,
        from: { person: by.name, title: by.title, unit: processing },
        to: applicant,
        result: STATUS_VI[5],
        note: [s.reason, s.items.length ? `Cần bổ sung: ${s.items.join('; ')}` : '', ...supplementRuleNotes(s)].filter(Boolean).join(' — '),
        // The row's due instant is the procedure's request window; a late request (second one, after the window) is late.
        stepDueAt: s.windowEndsAt ?? null,
        stepSla: s.late ? 'late' : s.windowEndsAt ? 'on-time' : null,
      }),
    );
    if (s.receivedAt) {
      const note = s.phase === 'processing' ? `Thời gian chờ người nộp bổ sung: ${waitText(s.requestedAt, s.receivedAt)} (không tính vào thời hạn giải quyết)` : null;
      rows.push(row({ at: s.receivedAt, kind: 'supplement-received', step: `Nhận hồ sơ bổ sung (lần ${i + 1})`, from: applicant, to: official(s.receivedAt, desk), result: 'Đã bổ sung', note }));
    }
  });
  d.payments.forEach((p) => {
    rows.push(
      row({
        at: p.requestedAt,
        kind: 'payment-request',
        step: 'Yêu cầu thực hiện nghĩa vụ tài chính',
        from: official(p.requestedAt, processing),
        to: applicant,
        result: STATUS_VI[6],
        note: [p.reason, money(p.amount)].filter(Boolean).join(' — '),
      }),
    );
    if (p.paidAt) rows.push(row({ at: p.paidAt, kind: 'payment-received', step: 'Đã thực hiện nghĩa vụ tài chính', from: applicant, to: official(p.paidAt, desk), result: 'Đã nộp' }));
  });
  for (const f of d.fees ?? []) {
    if (!f.paid || !f.paidAt) continue;
    const by = person(f.recordedBy);
    const how = f.onlineChannel ? CHANNEL_VI[f.onlineChannel] : 'trực tiếp';
    rows.push(
      row({
        at: f.paidAt,
        kind: 'fee-paid',
        step: `Thu phí, lệ phí: ${f.name}`,
        from: applicant,
        to: { person: by.name, title: by.title, unit: desk },
        result: `Đã thu ${money(f.amount)} (${how})`,
        note: f.receiptNumber ? `Biên lai số ${f.receiptNumber}` : null,
      }),
    );
  }
  if (d.result) {
    const by = person(d.result.recordedBy);
    const kind = d.result.fileUrl ? `kết quả điện tử${d.result.signed ? ', đã ký số' : ''}` : 'kết quả giấy';
    rows.push(
      row({ at: d.result.recordedAt, kind: 'result', step: 'Có kết quả giải quyết', from: { person: by.name, title: by.title, unit: processing }, to: { person: null, title: '', unit: desk }, result: `Số/mã kết quả ${d.result.code} (${kind})` }),
    );
  }
  if (d.returnedAt) {
    rows.push(row({ at: d.returnedAt, kind: 'return', step: 'Trả kết quả cho người nộp', from: official(d.returnedAt, desk, ['dossier.result-returned']), to: applicant, result: STATUS_VI[10] }));
  }
  return rows;
}

/**
 * The tracking sheet (phiếu kiểm soát quá trình giải quyết hồ sơ, Form 06 of Circular
 * 03/2025): every hand-over and every lifecycle event, with people's names and titles.
 */
export function trackingSheet(doc: CaseDoc, unitName: UnitName, person: Resolve = (a) => ({ name: a, title: '' }), events: SheetEvent[] = []): TrackingSheet {
  const d = doc.dossier;
  if (!d) throw notFound('dossier', doc._id);
  const handovers: SheetRow[] = d.handovers.map((h) => {
    const from = person(h.from.person);
    const to = h.to.person ? person(h.to.person) : null;
    const kind = h.activityId ? 'task' : /^Transfer|^Result of the transfer/.test(h.step) ? 'transfer' : /^Reassignment/.test(h.step) ? 'reassignment' : 'closing';
    return {
      at: h.at,
      step: vi(h.step),
      kind,
      from: { person: from.name, title: from.title, unit: unitName(h.from.unitId) },
      to: { person: to?.name ?? null, title: to?.title ?? '', unit: unitName(h.to.unitId) },
      result: vi(h.result),
      note: h.note,
      stepDueAt: h.stepDueAt,
      stepSla: h.stepSla,
    };
  });
  // Form 04: each apology and extension, from the processing unit to the applicant.
  const processing = unitName(d.processingUnitId);
  const apologies: SheetRow[] = (doc.apologies ?? []).map((a, i) => {
    const by = person(a.by);
    return {
      at: a.at,
      step: `Xin lỗi và đề nghị gia hạn thời gian giải quyết (Mẫu 04, lần ${i + 1})`,
      kind: 'apology',
      from: { person: by.name, title: by.title, unit: processing },
      to: { person: d.applicant.name, title: APPLICANT_TITLE, unit: null },
      result: `Hẹn trả mới: ${vnTime(a.newDueAt)} (hẹn cũ: ${vnTime(a.previousDueAt)})${a.late ? ` — gửi muộn: chưa đủ ${a.leadWorkingDays ?? 1} ngày làm việc trước hẹn` : ''}`,
      note: a.reason,
      stepDueAt: a.previousDueAt,
      // Whether the letter kept the procedure's lead before the old appointment.
      stepSla: a.late === undefined ? null : a.late ? 'late' : 'on-time',
    };
  });
  // Stable by instant: events of one commit keep the order they were written in.
  const rows = [...lifecycleRows(d, events, person, unitName), ...handovers, ...apologies]
    .map((r, i) => ({ r, i }))
    .sort((a, b) => a.r.at.localeCompare(b.r.at) || a.i - b.i)
    .map(({ r }) => r);
  return {
    code: d.code,
    procedure: { key: doc.procedureKey, code: d.procedureCode, name: d.procedureName },
    applicant: d.applicant.name,
    status: { code: d.status, name: STATUS_VI[d.status] },
    receivedAt: d.receivedAt,
    dueAt: doc.clock?.dueAt ?? null,
    finishedAt: d.finishedAt,
    returnedAt: d.returnedAt,
    sla: doc.sla?.class ?? (doc.clock?.everLate || doc.clock?.breached ? 'late' : null),
    supplements: {
      count: d.supplements.filter((s) => s.phase === 'processing').length,
      late: d.supplements.filter((s) => s.late === true).length,
      waitMinutes: supplementWaitMinutes({ supplements: d.supplements.filter((s) => s.receivedAt !== null) }, new Date(doc.updatedAt)),
    },
    rows,
  };
}

const escape = (value: unknown): string =>
  String(value ?? '').replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] as string);

const vnTime = (iso: string | null): string =>
  iso ? new Date(iso).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', hour12: false }) : '';

const who = (p: { person: string | null; title: string; unit: string | null }): string =>
  [escape(p.person ?? ''), p.title ? `<br><i>${escape(p.title)}</i>` : '', p.unit ? `<br><small>${escape(p.unit)}</small>` : ''].join('');

/** A printable page (A4); every value is escaped. */
export function trackingSheetHtml(sheet: TrackingSheet): string {
  const rows = sheet.rows
    .map(
      (r, i) => `<tr><td>${i + 1}</td><td>${escape(r.step)}</td><td>${who(r.from)}</td><td>${who(r.to)}</td><td>${escape(vnTime(r.at))}</td>
<td>${escape(vnTime(r.stepDueAt))}</td><td>${escape(r.result)}${r.note ? `<br><small>${escape(r.note)}</small>` : ''}</td>
<td>${escape(r.stepSla ? SLA_LABEL[r.stepSla] : '')}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Phiếu kiểm soát ${escape(sheet.code)}</title>
<style>@page{size:A4;margin:1.5cm}body{font-family:"Times New Roman",serif;margin:2cm}h1{text-align:center;font-size:16pt}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #000;padding:4px;vertical-align:top;font-size:11pt}
dl{display:grid;grid-template-columns:max-content auto;gap:2px 12px}@media print{body{margin:0}}</style></head>
<body><h1>PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ</h1>
<dl><dt>Mã hồ sơ</dt><dd>${escape(sheet.code)}</dd><dt>Thủ tục</dt><dd>${escape(sheet.procedure.name)} (${escape(sheet.procedure.code)})</dd>
<dt>Người nộp</dt><dd>${escape(sheet.applicant)}</dd><dt>Ngày tiếp nhận</dt><dd>${escape(vnTime(sheet.receivedAt))}</dd>
<dt>Ngày hẹn trả</dt><dd>${escape(vnTime(sheet.dueAt))}</dd><dt>Trạng thái</dt><dd>${escape(sheet.status.name)} (${sheet.status.code})</dd></dl>
<table><thead><tr><th>STT</th><th>Nội dung công việc</th><th>Bên giao</th><th>Bên nhận</th><th>Thời gian</th><th>Hạn xử lý của bước</th><th>Kết quả</th><th>Đánh giá</th></tr></thead>
<tbody>
${rows}
</tbody></table></body></html>`;
}
