/**
 * What the national service index scores, as recorded on a dossier: fee lines, the result,
 * the digitised / reused flags of submitted documents. Request shapes (ajv, on the routes)
 * and the rules a schema cannot say (coded 4xx, nothing stored on failure).
 */
import { conflict, unprocessable } from '../domain/errors.js';
import type { DossierInfo, DossierResult, FeeLine, OnlinePaymentChannel } from './types.js';

/** More lines than any fee schedule has; a bound on the document size. */
export const MAX_FEE_LINES = 50;

const text = (max: number) => ({ type: 'string', minLength: 1, maxLength: max }) as const;
const instant = { type: 'string', format: 'date-time', maxLength: 40 } as const;

export const feeLineSchema = {
  type: 'object',
  required: ['name', 'amount', 'paid'],
  additionalProperties: false,
  properties: {
    line: { type: 'integer', minimum: 1, maximum: MAX_FEE_LINES, description: 'an existing line to replace; absent: a new line' },
    name: text(300),
    amount: { type: 'integer', minimum: 0, maximum: 1_000_000_000_000, description: 'VND' },
    paid: { type: 'boolean' },
    paidAt: instant,
    onlineChannel: { enum: ['national-portal', 'provincial-gateway', null], description: 'paid online through (null: at the desk)' },
    receiptNumber: text(100),
  },
} as const;

export const feesBodySchema = {
  type: 'object',
  required: ['lines'],
  additionalProperties: false,
  properties: { lines: { type: 'array', minItems: 1, maxItems: MAX_FEE_LINES, items: feeLineSchema }, actor: text(200) },
} as const;

export const resultBodySchema = {
  type: 'object',
  required: ['code'],
  additionalProperties: false,
  properties: {
    code: text(200),
    fileUrl: { type: 'string', format: 'uri', maxLength: 2000, pattern: '^https?://' },
    signed: { type: 'boolean', default: false },
    actor: text(200),
  },
} as const;

/** Receipt's attachment flags, merged into the receipt route's attachment schema. */
export const attachmentFlagProperties = {
  digitised: { type: 'boolean', description: 'scanned / digitised at receipt (số hóa)' },
  reusedFromNationalStore: { type: 'boolean', description: 'taken from the national data store (kho DMQG)' },
} as const;

export interface FeeLineInput {
  line?: number;
  name: string;
  amount: number;
  paid: boolean;
  paidAt?: string;
  onlineChannel?: OnlinePaymentChannel | null;
  receiptNumber?: string;
}

export interface ResultInput {
  code: string;
  fileUrl?: string;
  signed?: boolean;
}

const ms = (iso: string): number => new Date(iso).getTime();

/** Statuses in which fees can no longer change: refused, withdrawn (nothing was processed). */
const FEES_CLOSED = [3, 7];
/** The result exists from processing on: recorded while signing (4), at the end (9) or at return (10). */
const RESULT_OPEN = [4, 9, 10];

/**
 * The dossier's fee lines after `inputs`: new lines appended, numbered lines replaced.
 * 422 FEE_* on a line that contradicts itself or the dossier; 409 when it cannot change now.
 */
export function applyFeeLines(d: DossierInfo, inputs: FeeLineInput[], at: string, by: string): FeeLine[] {
  if (FEES_CLOSED.includes(d.status)) throw conflict('FEES_CLOSED', `fees cannot change on a dossier in status ${d.status} (hồ sơ đã đóng, không ghi phí)`, { status: d.status });
  const lines = [...(d.fees ?? [])];
  inputs.forEach((input, index) => {
    const field = `lines/${index}`;
    const fail = (code: string, message: string) => {
      throw unprocessable(code, message, { field, line: input.line ?? null });
    };
    if (input.onlineChannel && !input.paid) fail('FEE_ONLINE_UNPAID', 'a line paid online must be paid (paid: true) (khoản thanh toán trực tuyến phải ở trạng thái đã nộp)');
    if (input.paidAt && !input.paid) fail('FEE_PAID_AT_UNPAID', 'paidAt is for a paid line (chỉ ghi ngày nộp cho khoản đã nộp)');
    if (input.paid && !input.receiptNumber) fail('FEE_RECEIPT_REQUIRED', 'a paid line needs the number of its fee receipt (receiptNumber) (khoản đã nộp cần số biên lai)');
    const paidAt = input.paid ? (input.paidAt ?? at) : null;
    if (paidAt && ms(paidAt) > ms(at)) fail('FEE_PAID_IN_FUTURE', 'paidAt is later than now (ngày nộp sau thời điểm hiện tại)');
    if (paidAt && ms(paidAt) < ms(d.submittedAt)) fail('FEE_PAID_BEFORE_SUBMISSION', 'paidAt is earlier than the submission (ngày nộp trước ngày nộp hồ sơ)');
    const next: FeeLine = {
      line: input.line ?? lines.length + 1,
      name: input.name,
      amount: input.amount,
      paid: input.paid,
      paidAt,
      onlineChannel: input.paid ? (input.onlineChannel ?? null) : null,
      receiptNumber: input.receiptNumber ?? null,
      recordedAt: at,
      recordedBy: by,
    };
    if (input.line === undefined) {
      if (lines.length >= MAX_FEE_LINES) fail('FEE_LINES_LIMIT', `a dossier has at most ${MAX_FEE_LINES} fee lines (tối đa ${MAX_FEE_LINES} khoản phí, lệ phí)`);
      lines.push(next);
    } else {
      const current = lines[input.line - 1];
      if (!current) fail('FEE_LINE_UNKNOWN', `the dossier has no fee line ${input.line} (không có khoản phí số ${input.line})`);
      // A receipt was issued for it: a correction is a new line, the paid one stays as it was.
      if (current?.paid) throw conflict('FEE_LINE_PAID', `fee line ${input.line} is paid; record a correction as a new line (khoản đã nộp không sửa được, ghi khoản điều chỉnh mới)`, { field, line: input.line });
      lines[input.line - 1] = next;
    }
  });
  const receipts = lines.flatMap((l) => (l.receiptNumber ? [l.receiptNumber] : []));
  const duplicate = receipts.find((r, i) => receipts.indexOf(r) !== i);
  if (duplicate) throw unprocessable('FEE_RECEIPT_DUPLICATE', `receipt number '${duplicate}' is on two fee lines (số biên lai bị trùng)`, { receiptNumber: duplicate });
  return lines;
}

/** The result as recorded; 422 RESULT_SIGNED_WITHOUT_FILE, 409 RESULT_NOT_OPEN. */
export function resultOf(d: DossierInfo, input: ResultInput, at: string, by: string): DossierResult {
  if (!RESULT_OPEN.includes(d.status)) throw conflict('RESULT_NOT_OPEN', `a result is recorded while processing, finished or returned, not in status ${d.status} (chưa thể ghi kết quả ở trạng thái này)`, { status: d.status, allowedFrom: RESULT_OPEN });
  const signed = input.signed ?? false;
  if (signed && !input.fileUrl) throw unprocessable('RESULT_SIGNED_WITHOUT_FILE', 'a digitally signed result needs its file (fileUrl) (kết quả ký số cần đường dẫn tệp)', { field: 'fileUrl' });
  return { code: input.code, fileUrl: input.fileUrl ?? null, signed, recordedAt: at, recordedBy: by };
}

/** 422 SUBMITTED_IN_FUTURE: an online submission's instant given at receipt is not after now. */
export function submissionInstant(submittedAt: string | undefined, now: Date): string {
  if (!submittedAt) return now.toISOString();
  if (ms(submittedAt) > now.getTime()) throw unprocessable('SUBMITTED_IN_FUTURE', 'submittedAt is later than the receipt (ngày nộp hồ sơ sau thời điểm tiếp nhận)', { field: 'submittedAt' });
  return new Date(submittedAt).toISOString();
}
