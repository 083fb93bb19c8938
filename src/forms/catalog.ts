import type { CaseDoc } from '../domain/case.js';
import { DOSSIER_STATUS } from '../dossiers/types.js';
import { apology, receiptSlip, refusal, stopNotice, supplementRequest, type FormContext } from './dossier-forms.js';
import type { FormDoc } from './model.js';

/** One paper issued for a dossier: `01`, `02-1` (first supplement request), `04-2`, … */
export interface IssuedForm {
  id: string;
  form: '01' | '02' | '03' | '04' | '05';
  title: string;
  issuedAt: string;
  /** The lifecycle step whose record the form is printed from. */
  step: string;
}

export const FORM_TITLES = {
  '01': 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả',
  '02': 'Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ',
  '03': 'Phiếu từ chối tiếp nhận, giải quyết hồ sơ',
  '04': 'Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết',
  '05': 'Thông báo dừng giải quyết hồ sơ',
  '07': 'Sổ theo dõi hồ sơ',
} as const;

/**
 * The forms a dossier's lifecycle has issued, read from the records each step keeps on the
 * dossier (receipt, supplements, closing reason, apologies), so a form is always the paper
 * of a committed step and a reprint shows the same content.
 */
export function issuedForms(doc: CaseDoc): IssuedForm[] {
  const d = doc.dossier;
  if (!d) return [];
  const out: IssuedForm[] = [];
  if (d.receivedAt) out.push({ id: '01', form: '01', title: FORM_TITLES['01'], issuedAt: d.receivedAt, step: 'receive' });
  d.supplements.forEach((s, i) => out.push({ id: `02-${i + 1}`, form: '02', title: FORM_TITLES['02'], issuedAt: s.requestedAt, step: 'supplement-request' }));
  const closedAt = d.finishedAt ?? doc.updatedAt;
  if (d.status === DOSSIER_STATUS.refused) out.push({ id: '03', form: '03', title: FORM_TITLES['03'], issuedAt: closedAt, step: 'refuse' });
  (doc.apologies ?? []).forEach((a, i) => out.push({ id: `04-${i + 1}`, form: '04', title: FORM_TITLES['04'], issuedAt: a.at, step: 'apology' }));
  if (d.status === DOSSIER_STATUS.stopped) out.push({ id: '05', form: '05', title: FORM_TITLES['05'], issuedAt: closedAt, step: 'stop' });
  return out.sort((a, b) => a.issuedAt.localeCompare(b.issuedAt));
}

/** Accepts `02` as the last one issued and `02-1` as the first. */
export function findForm(doc: CaseDoc, id: string): IssuedForm | null {
  const forms = issuedForms(doc);
  return forms.find((f) => f.id === id) ?? forms.filter((f) => f.form === id).pop() ?? null;
}

/** The issued form as a document (rendered to HTML or PDF by the route). */
export function renderForm(form: IssuedForm, ctx: FormContext): FormDoc {
  const n = Number(form.id.split('-')[1] ?? 1) - 1;
  switch (form.form) {
    case '01':
      return receiptSlip(ctx);
    case '02':
      return supplementRequest(ctx, n);
    case '03':
      return refusal(ctx);
    case '04':
      return apology(ctx, n);
    case '05':
      return stopNotice(ctx);
  }
}
