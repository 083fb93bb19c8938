import { describe, expect, it } from 'vitest';
import { parsePortalRecordId, portalOutboxRecord, portalRecordId, portalSyncJob, portalSyncJobId } from '../../src/integration/portal-outbox.js';
import { buildPortalPayload, formatPortalDate, parsePortalDate, type PortalStatus } from '../../src/integration/portal-payload.js';
import { snapshot } from './support.js';

describe('portal dates', () => {
  it('are yyyyMMddHHmmss in Asia/Ho_Chi_Minh (UTC+07:00, no daylight saving)', () => {
    expect(formatPortalDate('2025-07-01T01:30:00.000Z')).toBe('20250701083000');
    // 17:00 UTC is already the next day in Vietnam.
    expect(formatPortalDate('2025-12-31T17:00:00Z')).toBe('20260101000000');
    expect(formatPortalDate('2025-07-01T08:30:15+07:00')).toBe('20250701083015');
    expect(formatPortalDate('2025-07-01T03:30:15+02:00')).toBe('20250701083015');
    // Seconds are kept, milliseconds dropped (not rounded).
    expect(formatPortalDate('2025-07-01T01:30:59.999Z')).toBe('20250701083059');
    // Summer and winter give the same offset.
    expect(formatPortalDate('2025-01-15T00:00:00Z')).toBe('20250115070000');
  });

  it('null or empty is the empty string; garbage is refused', () => {
    expect(formatPortalDate(null)).toBe('');
    expect(formatPortalDate('')).toBe('');
    expect(() => formatPortalDate('not a date')).toThrow(RangeError);
    expect(() => formatPortalDate('2025-02-30T00:00:00Z')).toThrow(RangeError);
  });

  it('round-trip through parsePortalDate', () => {
    expect(parsePortalDate('20250701083000')?.toISOString()).toBe('2025-07-01T01:30:00.000Z');
    expect(parsePortalDate('')).toBeNull();
  });
});

describe('buildPortalPayload', () => {
  const full = snapshot('000.00.01.H22-250701-0001', 5, {
    procedureCode: '1.001234',
    receivedAt: '2025-07-01T01:30:00.000Z',
    dueAt: '2025-07-04T10:00:00.000Z',
    channel: 'online',
    supplements: [
      {
        requestedAt: '2025-07-02T02:00:00.000Z',
        receivedAt: null,
        reason: 'Thiếu bản sao giấy khai sinh',
        previousDueAt: '2025-07-04T10:00:00.000Z',
        newDueAt: null,
      },
    ],
    progress: [
      {
        by: 'Trần Thị B',
        title: 'Chuyên viên',
        unitName: 'Bộ phận Một cửa',
        at: '2025-07-01T01:35:00.000Z',
        action: 'Tiếp nhận hồ sơ',
        startedAt: '2025-07-01T01:30:00.000Z',
        dueAt: '2025-07-01T09:30:00.000Z',
        status: 2,
      },
      {
        by: 'Lê Văn C',
        title: 'Công chức Tư pháp - Hộ tịch',
        unitName: 'UBND xã Tân Phú',
        at: '2025-07-02T02:00:00.000Z',
        action: 'Yêu cầu bổ sung',
        startedAt: '2025-07-01T01:35:00.000Z',
        dueAt: null,
      },
    ],
  });

  it('maps every field, dates in +07:00, codes as strings', () => {
    expect(buildPortalPayload(full)).toEqual({
      MaHoSo: '000.00.01.H22-250701-0001',
      MaTTHC: '1.001234',
      ChuHoSo: 'Nguyễn Văn A',
      NgayTiepNhan: '20250701083000',
      NgayHenTra: '20250704170000',
      TrangThaiHoSo: '5',
      NgayKetThucXuLy: '',
      NgayTra: '',
      KenhThucHien: '2',
      HinhThuc: '0',
      DonViXuLy: 'UBND xã Tân Phú',
      MaDinhDanhDV: '000.00.01.H22',
      DanhSachHoSoBoSung: [
        {
          HoSoBoSungId: '1',
          NoiDungBoSung: 'Thiếu bản sao giấy khai sinh',
          NgayBoSung: '20250702090000',
          NgayTiepNhanBoSung: '',
          NgayHenTraTruoc: '20250704170000',
          NgayHenTraMoi: '',
        },
      ],
      QuaTrinhXuLy: [
        {
          MaHoSo: '000.00.01.H22-250701-0001',
          NguoiXuLy: 'Trần Thị B',
          ChucDanh: 'Chuyên viên',
          ThoiDiemXuLy: '20250701083500',
          PhongBanXuLy: 'Bộ phận Một cửa',
          NoiDungXuLy: 'Tiếp nhận hồ sơ',
          NgayBatDau: '20250701083000',
          NgayKetThucTheoQuyDinh: '20250701163000',
          TrangThai: '2',
        },
        {
          MaHoSo: '000.00.01.H22-250701-0001',
          NguoiXuLy: 'Lê Văn C',
          ChucDanh: 'Công chức Tư pháp - Hộ tịch',
          ThoiDiemXuLy: '20250702090000',
          PhongBanXuLy: 'UBND xã Tân Phú',
          NoiDungXuLy: 'Yêu cầu bổ sung',
          NgayBatDau: '20250701083500',
          NgayKetThucTheoQuyDinh: '',
        },
      ],
      // Index-scored fields (tests/integration/portal-index-fields.test.ts): empty without fees, result, documents.
      NgayNopHoSo: '',
      MaKetQua: '',
      DuongDanTepTinKetQua: '',
      DanhSachGiayToKetQua: [],
      DanhSachLePhi: [],
      DuocThanhToanTrucTuyen: '0',
      TaiLieuNop: [],
      HoSoCoThanhPhanSoHoa: '0',
    });
  });

  it('sends every status code 1..10 as its decimal string and refuses others', () => {
    for (let status = 1; status <= 10; status++) {
      expect(buildPortalPayload(snapshot('X', status as PortalStatus)).TrangThaiHoSo).toBe(String(status));
    }
    expect(() => buildPortalPayload(snapshot('X', 11 as PortalStatus))).toThrow(RangeError);
    expect(() => buildPortalPayload(snapshot('X', 0 as PortalStatus))).toThrow(RangeError);
    expect(() => buildPortalPayload(snapshot('X', 4.5 as PortalStatus))).toThrow(RangeError);
  });

  it('KenhThucHien: 1 in person, 2 online, 3 post; HinhThuc: 1 only when the result goes by post', () => {
    const of = (channel: 'in-person' | 'online' | 'post', resultDelivery?: 'desk' | 'post') =>
      buildPortalPayload(snapshot('X', 2, { channel, ...(resultDelivery ? { resultDelivery } : {}) }));
    expect(of('in-person').KenhThucHien).toBe('1');
    expect(of('online').KenhThucHien).toBe('2');
    expect(of('post').KenhThucHien).toBe('3');
    expect(of('in-person').HinhThuc).toBe('0');
    expect(of('online', 'desk').HinhThuc).toBe('0');
    expect(of('post', 'post').HinhThuc).toBe('1');
    expect(() => of('fax' as 'post')).toThrow(RangeError);
  });

  it('finished and returned dossiers carry NgayKetThucXuLy and NgayTra', () => {
    const p = buildPortalPayload(
      snapshot('X', 10, { finishedAt: '2025-07-03T08:00:00.000Z', returnedAt: '2025-07-04T02:15:00.000Z' }),
    );
    expect(p.TrangThaiHoSo).toBe('10');
    expect(p.NgayKetThucXuLy).toBe('20250703150000');
    expect(p.NgayTra).toBe('20250704091500');
  });

  it('is deterministic and JSON-safe for MongoDB (no "." or "$" keys: it is stored as text)', () => {
    expect(JSON.stringify(buildPortalPayload(full))).toBe(JSON.stringify(buildPortalPayload(structuredClone(full))));
  });
});

describe('outbox records', () => {
  it('ids are <dossierId>-<6-digit seq>, job ids are deterministic without ":"', () => {
    expect(portalRecordId('case-1', 7)).toBe('case-1-000007');
    expect(parsePortalRecordId('case-1-000007')).toEqual({ dossierId: 'case-1', seq: 7 });
    expect(parsePortalRecordId('a-b-c-123456')).toEqual({ dossierId: 'a-b-c', seq: 123456 });
    expect(parsePortalRecordId('case-1')).toBeNull();
    expect(() => portalRecordId('case-1', 0)).toThrow(RangeError);
    expect(() => portalRecordId('case-1', 1_000_000)).toThrow(RangeError);
    expect(portalSyncJobId('ns:case-1-000007')).toBe('sync-ns_case-1-000007');
    expect(portalSyncJobId('case-1-000007')).not.toMatch(/:/);
  });

  it('portalOutboxRecord is pure and holds the payload as JSON text', () => {
    const s = snapshot('000.00.01.H22-250701-0001', 2);
    const record = portalOutboxRecord('case-1', 3, s, '2025-07-01T01:30:00.000Z');
    expect(record).toEqual({
      _id: 'case-1-000003',
      dossierId: 'case-1',
      seq: 3,
      payloadJson: JSON.stringify(buildPortalPayload(s)),
      createdAt: '2025-07-01T01:30:00.000Z',
      deliveredAt: null,
      attempts: 0,
      lastError: null,
    });
    expect(portalOutboxRecord('case-1', 3, s, '2025-07-01T01:30:00.000Z')).toEqual(record);
    expect(portalSyncJob(record)).toEqual({
      queue: 'portal-sync',
      jobId: 'sync-case-1-000003',
      runAt: '2025-07-01T01:30:00.000Z',
      data: { dossierId: 'case-1' },
    });
  });
});
