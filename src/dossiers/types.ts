/** National portal status codes (TrangThaiHoSo), see docs/dossiers.md. */
export const DOSSIER_STATUS = {
  submitted: 1,
  received: 2,
  refused: 3,
  processing: 4,
  supplementRequested: 5,
  paymentRequested: 6,
  withdrawn: 7,
  stopped: 8,
  finished: 9,
  returned: 10,
} as const;

export type DossierStatus = (typeof DOSSIER_STATUS)[keyof typeof DOSSIER_STATUS];

export const STATUS_NAMES: Record<DossierStatus, string> = {
  1: 'submitted',
  2: 'received',
  3: 'refused',
  4: 'processing',
  5: 'supplement-requested',
  6: 'payment-requested',
  7: 'withdrawn',
  8: 'stopped',
  9: 'finished',
  10: 'returned',
};

export type Channel = 'in-person' | 'online' | 'post';

export interface Applicant {
  name: string;
  idNumber?: string;
  phone?: string;
  email?: string;
  address?: string;
}

export interface Attachment {
  name: string;
  url?: string;
  mediaType?: string;
  /** Scanned / digitised at receipt (số hóa), what the index's digitisation share counts. */
  digitised?: boolean;
  /** Taken from the national data store (kho dữ liệu DMQG) instead of asked again. */
  reusedFromNationalStore?: boolean;
}

/** Where an online payment went: the national portal's payment platform or the province's gateway. */
export type OnlinePaymentChannel = 'national-portal' | 'provincial-gateway';

/** One fee or charge line (lệ phí, phí) of a dossier (docs/portal-sync.md, DanhSachLePhi). */
export interface FeeLine {
  /** 1, 2, … in the order recorded. */
  line: number;
  name: string;
  /** VND, whole đồng. */
  amount: number;
  paid: boolean;
  paidAt: string | null;
  /** null: paid at the desk (or not paid yet). */
  onlineChannel: OnlinePaymentChannel | null;
  /** Number of the fee receipt (biên lai); required once paid. */
  receiptNumber: string | null;
  recordedAt: string;
  recordedBy: string;
}

/** The result issued to the applicant (kết quả giải quyết). */
export interface DossierResult {
  /** Number / code of the result paper (e.g. the permit number). */
  code: string;
  /** Link to the electronic result file, if there is one (e-result). */
  fileUrl: string | null;
  /** The file carries the issuer's digital signature. */
  signed: boolean;
  recordedAt: string;
  recordedBy: string;
}

export interface Supplement {
  requestedAt: string;
  requestedBy: string;
  reason: string;
  items: string[];
  /** Before receipt the clock has not started; during processing it follows the procedure. */
  phase: 'before-receipt' | 'processing';
  receivedAt: string | null;
  previousDueAt: string | null;
  newDueAt: string | null;
  /** 1, 2, … among the requests during processing (absent on records before the supplement rules, and before receipt). */
  ordinal?: number;
  /** End of the procedure's request window (supplementWindowWorkingDays after receipt), if it sets one. */
  windowEndsAt?: string | null;
  /** Counted late: a second or later request (the index's rule) or one after the window. */
  late?: boolean;
  breaches?: SupplementBreach[];
  /** Why the official asked anyway (a request the procedure allows only with a reason). */
  justification?: string | null;
}

/** How a supplement request breaks the rules: a second one, beyond supplementMax, after the window. */
export type SupplementBreach = 'repeated' | 'over-limit' | 'after-window';

/** A request to the applicant as a task wrote it down (see DossierInfo.requestDraft). */
export interface RequestDraft {
  by: string;
  reason: string | null;
  items: string[];
  amount: number | null;
  /** Task data `justification`: why a supplement is asked beyond the procedure's rules. */
  justification?: string | null;
}

/** Statuses in which the dossier is closed without a result: refused, withdrawn, stopped. */
export const CLOSED_STATUSES: readonly DossierStatus[] = [3, 7, 8];
/** Statuses after which nothing more happens to the dossier but returning its result. */
export const FINAL_STATUSES: readonly DossierStatus[] = [3, 7, 8, 9, 10];

/** One row of the tracking sheet (phiếu kiểm soát quá trình giải quyết hồ sơ). */
export interface Handover {
  at: string;
  step: string;
  activityId: string | null;
  from: { person: string; unitId: string | null };
  to: { person: string | null; unitId: string | null };
  result: string;
  note: string | null;
  /** Early / on time / late of the step handed over, when it had a quota. */
  stepSla: 'early' | 'on-time' | 'late' | null;
  stepDueAt: string | null;
}

export interface DossierInfo {
  code: string;
  procedureCode: string;
  procedureName: string;
  applicant: Applicant;
  channel: Channel;
  attachments: Attachment[];
  receivingUnitId: string;
  processingUnitId: string;
  /** Where the work is now: the processing unit, or a unit it was transferred to. */
  currentUnitId: string;
  /** Every unit that ever held the dossier: they keep seeing it. */
  unitIds: string[];
  status: DossierStatus;
  submittedAt: string;
  receivedAt: string | null;
  finishedAt: string | null;
  returnedAt: string | null;
  supplements: Supplement[];
  payments: { requestedAt: string; amount: number | null; reason: string; paidAt: string | null }[];
  transfer: { fromUnitId: string; toUnitId: string; at: string; note: string | null } | null;
  handovers: Handover[];
  closingReason: string | null;
  /**
   * What the last completed task asked of the applicant (note or reason, missing items, fee),
   * for a supplement or payment wait the diagram enters later, e.g. behind a notify task.
   * Absent on dossiers stored before it existed.
   */
  requestDraft?: RequestDraft | null;
  /** Fee lines (absent on dossiers stored before they existed: none). */
  fees?: FeeLine[];
  /** The result once recorded (absent or null: none yet). */
  result?: DossierResult | null;
  /** Sequence of the last portal-sync record. */
  portalSeq: number;
}
