import type { CaseDoc } from '../domain/case.js';
import { notFound } from '../domain/errors.js';
import { STATUS_NAMES } from './types.js';

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
  rows: {
    at: string;
    step: string;
    from: { person: string; unit: string | null };
    to: { person: string | null; unit: string | null };
    result: string;
    note: string | null;
    stepDueAt: string | null;
    stepSla: string | null;
  }[];
}

/** The tracking sheet (phiếu kiểm soát quá trình giải quyết hồ sơ) of a dossier. */
export function trackingSheet(doc: CaseDoc, unitName: (id: string | null) => string | null): TrackingSheet {
  const d = doc.dossier;
  if (!d) throw notFound('dossier', doc._id);
  return {
    code: d.code,
    procedure: { key: doc.procedureKey, code: d.procedureCode, name: d.procedureName },
    applicant: d.applicant.name,
    status: { code: d.status, name: STATUS_NAMES[d.status] },
    receivedAt: d.receivedAt,
    dueAt: doc.clock?.dueAt ?? null,
    finishedAt: d.finishedAt,
    returnedAt: d.returnedAt,
    sla: doc.sla?.class ?? (doc.clock?.everLate || doc.clock?.breached ? 'late' : null),
    rows: d.handovers.map((h) => ({
      at: h.at,
      step: h.step,
      from: { person: h.from.person, unit: unitName(h.from.unitId) },
      to: { person: h.to.person, unit: unitName(h.to.unitId) },
      result: h.result,
      note: h.note,
      stepDueAt: h.stepDueAt,
      stepSla: h.stepSla,
    })),
  };
}

const escape = (value: unknown): string =>
  String(value ?? '').replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] as string);

const vnTime = (iso: string | null): string =>
  iso ? new Date(iso).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', hour12: false }) : '';

const SLA_LABEL: Record<string, string> = { early: 'Trước hạn', 'on-time': 'Đúng hạn', late: 'Quá hạn' };

/** A printable page; every value is escaped. */
export function trackingSheetHtml(sheet: TrackingSheet): string {
  const rows = sheet.rows
    .map(
      (r, i) => `<tr><td>${i + 1}</td><td>${escape(r.step)}</td><td>${escape(r.from.person)}<br><small>${escape(r.from.unit)}</small></td>
<td>${escape(r.to.person ?? '')}<br><small>${escape(r.to.unit)}</small></td><td>${escape(vnTime(r.at))}</td>
<td>${escape(vnTime(r.stepDueAt))}</td><td>${escape(r.result)}${r.note ? `<br><small>${escape(r.note)}</small>` : ''}</td>
<td>${escape(r.stepSla ? SLA_LABEL[r.stepSla] : '')}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Phiếu kiểm soát ${escape(sheet.code)}</title>
<style>body{font-family:"Times New Roman",serif;margin:2cm}h1{text-align:center;font-size:16pt}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #000;padding:4px;vertical-align:top;font-size:11pt}
dl{display:grid;grid-template-columns:max-content auto;gap:2px 12px}@media print{body{margin:1cm}}</style></head>
<body><h1>PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ</h1>
<dl><dt>Mã hồ sơ</dt><dd>${escape(sheet.code)}</dd><dt>Thủ tục</dt><dd>${escape(sheet.procedure.name)} (${escape(sheet.procedure.code)})</dd>
<dt>Người nộp</dt><dd>${escape(sheet.applicant)}</dd><dt>Ngày tiếp nhận</dt><dd>${escape(vnTime(sheet.receivedAt))}</dd>
<dt>Ngày hẹn trả</dt><dd>${escape(vnTime(sheet.dueAt))}</dd><dt>Trạng thái</dt><dd>${escape(sheet.status.name)} (${sheet.status.code})</dd></dl>
<table><thead><tr><th>#</th><th>Bước</th><th>Bên giao</th><th>Bên nhận</th><th>Thời gian giao</th><th>Hạn bước</th><th>Kết quả</th><th>Đánh giá</th></tr></thead>
<tbody>
${rows}
</tbody></table></body></html>`;
}
