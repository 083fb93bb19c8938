import { DateTime } from 'luxon';

/**
 * The record of one dossier state that the national public-service portal (Cổng Dịch vụ
 * công quốc gia) is told about, and its translation into the portal's field names.
 *
 * Field names and formats follow what public integrations send to the portal's
 * `DongBoHoSoMC` (dossier) and `CapNhatTienDoHoSoMC` (progress) services; docs/portal-sync.md
 * says which parts were seen in real code and which are our own choices.
 */

export const PORTAL_ZONE = 'Asia/Ho_Chi_Minh';
/** The portal's date format: local time in Vietnam, no separators, no offset. */
export const PORTAL_DATE_FORMAT = 'yyyyMMddHHmmss';

/** TrangThaiHoSo: 1 submitted … 10 result returned (docs/portal-sync.md). */
export type PortalStatus = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10;
export type SubmissionChannel = 'in-person' | 'online' | 'post';

export interface SupplementSnapshot {
  requestedAt: string;
  receivedAt: string | null;
  reason: string;
  previousDueAt: string | null;
  newDueAt: string | null;
}

export interface ProgressSnapshot {
  /** Who did the step (person's name). */
  by: string;
  /** Their job title (chức danh). */
  title: string;
  unitName: string;
  /** When the step was done. */
  at: string;
  /** What was done (nội dung xử lý). */
  action: string;
  startedAt: string;
  /** The step's due instant by its quota, if it had one. */
  dueAt: string | null;
  /**
   * The dossier's status once the step was done. The portal's scoring reads the end of
   * processing from the progress statuses, so fill it when known; absent: not sent.
   */
  status?: PortalStatus;
}

/** One fee line as the portal is told (what the index's online-payment share reads). */
export interface FeeSnapshot {
  name: string;
  /** VND. */
  amount: number;
  paid: boolean;
  /** null: not paid online. */
  onlineChannel: 'national-portal' | 'provincial-gateway' | null;
  receiptNumber: string | null;
}

/** One submitted document (thành phần hồ sơ) with the flags the digitisation indicators read. */
export interface DocumentSnapshot {
  name: string;
  url: string | null;
  digitised: boolean;
  reusedFromNationalStore: boolean;
}

/** A dossier as the portal must see it; instants are ISO 8601 strings. */
export interface DossierSnapshot {
  code: string;
  procedureCode: string;
  receivedAt: string | null;
  dueAt: string | null;
  status: PortalStatus;
  /** When processing finished (đã xử lý xong). */
  finishedAt: string | null;
  /** When the result was handed to the applicant (đã trả kết quả). */
  returnedAt: string | null;
  /** How the dossier was submitted. */
  channel: SubmissionChannel;
  processingUnitCode: string;
  processingUnitName: string;
  applicantName: string;
  /** How the result goes back to the applicant; absent: at the desk (or online). */
  resultDelivery?: 'desk' | 'post';
  supplements: SupplementSnapshot[];
  progress: ProgressSnapshot[];
  /** When the applicant submitted (NgayNopHoSo); absent on records built before it existed. */
  submittedAt?: string | null;
  fees?: FeeSnapshot[];
  /** The result paper: its code and, for an e-result, the file link. */
  result?: { code: string; fileUrl: string | null } | null;
  documents?: DocumentSnapshot[];
}

/** One entry of DanhSachLePhi (names seen in OpenCPS; TrangThai and SoBienLai are our guess). */
export interface PortalFee {
  TenPhiLePhi: string;
  MaPhiLePhi: string;
  /** Amount in VND, as a string. */
  Gia: string;
  /** '1' paid, '0' not yet (guess: one integration reads a TrangThai column of fee rows). */
  TrangThai: '0' | '1';
  /** Fee receipt number (guess: no public integration was seen sending one). */
  SoBienLai: string;
}

/** One entry of TaiLieuNop, with the flags the digitisation indicators read ('1' yes, '0' no). */
export interface PortalDocument {
  TepDinhKemId: string;
  TenTepDinhKem: string;
  DuongDanTaiTepTin: string;
  DuocSoHoa: '0' | '1';
  DuocLayTuKhoDMQG: '0' | '1';
}

/** One entry of DanhSachGiayToKetQua (the result paper). */
export interface PortalResultPaper {
  TenGiayTo: string;
  GiayToId: string;
  MaGiayToKetQua: string;
  DuongDanTepTinKetQua: string;
}

/** One entry of DanhSachHoSoBoSung. */
export interface PortalSupplement {
  HoSoBoSungId: string;
  NoiDungBoSung: string;
  /** When the supplement was requested. */
  NgayBoSung: string;
  /** When the completed dossier came back ('' while waiting). */
  NgayTiepNhanBoSung: string;
  NgayHenTraTruoc: string;
  NgayHenTraMoi: string;
}

/** One entry of QuaTrinhXuLy, with the fields of the portal's progress service. */
export interface PortalProgress {
  MaHoSo: string;
  NguoiXuLy: string;
  ChucDanh: string;
  ThoiDiemXuLy: string;
  PhongBanXuLy: string;
  NoiDungXuLy: string;
  NgayBatDau: string;
  NgayKetThucTheoQuyDinh: string;
  /** Status code after the step, when the snapshot gave one. */
  TrangThai?: string;
}

/** The body POSTed to PORTAL_SYNC_URL. Codes are strings, as the portal integrations send them. */
export interface PortalPayload {
  MaHoSo: string;
  MaTTHC: string;
  ChuHoSo: string;
  NgayTiepNhan: string;
  NgayHenTra: string;
  TrangThaiHoSo: string;
  /** When processing finished. */
  NgayKetThucXuLy: string;
  /** When the result was returned. */
  NgayTra: string;
  /** Submission channel: '1' in person, '2' online, '3' by post (bưu chính công ích). */
  KenhThucHien: '1' | '2' | '3';
  /** Result return: '0' at the desk / online, '1' by post. */
  HinhThuc: '0' | '1';
  DonViXuLy: string;
  /** Identifier (mã định danh) of the processing unit, e.g. '000.00.01.H22'. */
  MaDinhDanhDV: string;
  DanhSachHoSoBoSung: PortalSupplement[];
  QuaTrinhXuLy: PortalProgress[];
  /** When the applicant submitted. */
  NgayNopHoSo: string;
  /** Code of the result paper ('' none yet); with the link it makes an e-result. */
  MaKetQua: string;
  /** Link to the electronic result file ('' none). */
  DuongDanTepTinKetQua: string;
  DanhSachGiayToKetQua: PortalResultPaper[];
  DanhSachLePhi: PortalFee[];
  /** '0' not paid online, '1' through the national portal, '2' through the province's gateway. */
  DuocThanhToanTrucTuyen: '0' | '1' | '2';
  TaiLieuNop: PortalDocument[];
  /** '1' when at least one submitted document is digitised or reused from the national store. */
  HoSoCoThanhPhanSoHoa: '0' | '1';
}

const ONLINE_PAYMENT_CODES = { 'national-portal': '1', 'provincial-gateway': '2' } as const;
const flag = (value: boolean): '0' | '1' => (value ? '1' : '0');

/** The online channel of the paid lines: the national portal wins when both were used. */
function onlinePayment(fees: FeeSnapshot[]): PortalPayload['DuocThanhToanTrucTuyen'] {
  const channels = new Set(fees.flatMap((f) => (f.paid && f.onlineChannel ? [f.onlineChannel] : [])));
  if (channels.has('national-portal')) return ONLINE_PAYMENT_CODES['national-portal'];
  return channels.has('provincial-gateway') ? ONLINE_PAYMENT_CODES['provincial-gateway'] : '0';
}

/** The index-scored fields: submission, result, fees, documents (docs/portal-sync.md). */
function indexFields(s: DossierSnapshot) {
  const fees = s.fees ?? [];
  const documents = s.documents ?? [];
  const result = s.result ?? null;
  return {
    NgayNopHoSo: formatPortalDate(s.submittedAt ?? null),
    MaKetQua: result?.code ?? '',
    DuongDanTepTinKetQua: result?.fileUrl ?? '',
    DanhSachGiayToKetQua: result
      ? [{ TenGiayTo: 'Kết quả giải quyết', GiayToId: '1', MaGiayToKetQua: result.code, DuongDanTepTinKetQua: result.fileUrl ?? '' }]
      : [],
    DanhSachLePhi: fees.map((f, i) => {
      if (!Number.isInteger(f.amount) || f.amount < 0) throw new RangeError(`invalid fee amount ${f.amount}`);
      return { TenPhiLePhi: f.name, MaPhiLePhi: String(i + 1), Gia: String(f.amount), TrangThai: flag(f.paid), SoBienLai: f.receiptNumber ?? '' };
    }),
    DuocThanhToanTrucTuyen: onlinePayment(fees),
    TaiLieuNop: documents.map((d, i) => ({
      TepDinhKemId: String(i + 1),
      TenTepDinhKem: d.name,
      DuongDanTaiTepTin: d.url ?? '',
      DuocSoHoa: flag(d.digitised),
      DuocLayTuKhoDMQG: flag(d.reusedFromNationalStore),
    })),
    HoSoCoThanhPhanSoHoa: flag(documents.some((d) => d.digitised || d.reusedFromNationalStore)),
  } satisfies Partial<PortalPayload>;
}

const CHANNEL_CODES: Record<SubmissionChannel, PortalPayload['KenhThucHien']> = { 'in-person': '1', online: '2', post: '3' };

/**
 * `yyyyMMddHHmmss` in Asia/Ho_Chi_Minh of an ISO instant; '' for null. An ISO string without
 * an offset is read as UTC. Throws RangeError on anything unparsable: a wrong date must not
 * reach the portal silently.
 */
export function formatPortalDate(iso: string | null): string {
  if (iso === null || iso === '') return '';
  const t = DateTime.fromISO(iso, { zone: 'utc' });
  if (!t.isValid) throw new RangeError(`invalid instant '${iso}': ${t.invalidExplanation ?? t.invalidReason ?? ''}`);
  return t.setZone(PORTAL_ZONE).toFormat(PORTAL_DATE_FORMAT);
}

/** The instant of a portal date string (for receivers and tests). */
export function parsePortalDate(text: string): Date | null {
  if (text === '') return null;
  const t = DateTime.fromFormat(text, PORTAL_DATE_FORMAT, { zone: PORTAL_ZONE });
  if (!t.isValid) throw new RangeError(`invalid portal date '${text}'`);
  return t.toJSDate();
}

function statusCode(status: number): string {
  if (!Number.isInteger(status) || status < 1 || status > 10) throw new RangeError(`invalid portal status ${status}`);
  return String(status);
}

/** The portal's view of a dossier: pure, deterministic (same snapshot → same JSON). */
export function buildPortalPayload(s: DossierSnapshot): PortalPayload {
  const channel = CHANNEL_CODES[s.channel];
  if (!channel) throw new RangeError(`invalid channel '${String(s.channel)}'`);
  return {
    MaHoSo: s.code,
    MaTTHC: s.procedureCode,
    ChuHoSo: s.applicantName,
    NgayTiepNhan: formatPortalDate(s.receivedAt),
    NgayHenTra: formatPortalDate(s.dueAt),
    TrangThaiHoSo: statusCode(s.status),
    NgayKetThucXuLy: formatPortalDate(s.finishedAt),
    NgayTra: formatPortalDate(s.returnedAt),
    KenhThucHien: channel,
    HinhThuc: s.resultDelivery === 'post' ? '1' : '0',
    DonViXuLy: s.processingUnitName,
    MaDinhDanhDV: s.processingUnitCode,
    DanhSachHoSoBoSung: s.supplements.map((b, index) => ({
      HoSoBoSungId: String(index + 1),
      NoiDungBoSung: b.reason,
      NgayBoSung: formatPortalDate(b.requestedAt),
      NgayTiepNhanBoSung: formatPortalDate(b.receivedAt),
      NgayHenTraTruoc: formatPortalDate(b.previousDueAt),
      NgayHenTraMoi: formatPortalDate(b.newDueAt),
    })),
    QuaTrinhXuLy: s.progress.map((p) => ({
      MaHoSo: s.code,
      NguoiXuLy: p.by,
      ChucDanh: p.title,
      ThoiDiemXuLy: formatPortalDate(p.at),
      PhongBanXuLy: p.unitName,
      NoiDungXuLy: p.action,
      NgayBatDau: formatPortalDate(p.startedAt),
      NgayKetThucTheoQuyDinh: formatPortalDate(p.dueAt),
      ...(p.status === undefined ? {} : { TrangThai: statusCode(p.status) }),
    })),
    ...indexFields(s),
  };
}
