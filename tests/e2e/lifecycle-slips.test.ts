/**
 * Dossier lifecycle slips found on the landed main (issue 7 §6), over HTTP on the real stack:
 * a case terminated from outside the dossier operations, supplement reasons and items given
 * a step before the diagram's wait, and the portal not hearing of a transfer.
 */
import type { InjectOptions } from 'fastify';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES } from '../fixtures/dossier-examples.js';
import { eventually, startService, type TestService } from '../support/harness.js';

interface Dossier {
  id: string;
  code: string;
  status: { code: number; name: string };
  receivedAt: string | null;
  finishedAt: string | null;
  closingReason: string | null;
  currentUnitId: string;
  supplements: { reason: string; items: string[]; requestedBy: string; receivedAt: string | null }[];
  payments: { amount: number | null; reason: string }[];
  case: { status: string; tasks: { id: string; activityId: string }[] };
}
interface PortalPayload {
  TrangThaiHoSo: string;
  NgayKetThucXuLy: string;
  DonViXuLy: string;
  MaDinhDanhDV: string;
  DanhSachHoSoBoSung: { NoiDungBoSung: string }[];
  QuaTrinhXuLy: { NoiDungXuLy: string }[];
}
interface Notice {
  topic: string;
  payload: { reason?: string; items?: string[]; text: string; textEn: string; status?: number };
}
interface Sheet {
  status: { code: number };
  finishedAt: string | null;
  rows: { step: string; result: string; note: string | null; from: { unit: string | null } }[];
}

const HOUSEHOLD = 'household-business-registration';

describe('lifecycle slips: terminate, supplement details from the diagram, transfer sync', () => {
  let svc: TestService;
  let mongo: MongoClient;
  const body = <T = Dossier>(res: { body: string }) => JSON.parse(res.body) as T;
  const call = (opts: InjectOptions) => svc.inject(opts);
  const get = async (id: string) => body(await call({ method: 'GET', url: `/v1/dossiers/${id}` }));
  const statusOf = (id: string, code: number) => eventually(async () => ((await get(id)).status.code === code ? get(id) : undefined), 30_000, 100);
  const sheetOf = async (id: string) => body<Sheet>(await call({ method: 'GET', url: `/v1/dossiers/${id}/tracking-sheet` }));
  const historyOf = async (id: string) =>
    body<{ items: { type: string }[] }>(await call({ method: 'GET', url: `/v1/cases/${id}/history` })).items.map((h) => h.type);

  async function receive(procedureKey: string, extra: Record<string, unknown> = {}) {
    const res = await call({
      method: 'POST',
      url: '/v1/dossiers',
      payload: {
        procedureKey,
        applicant: { name: 'Phạm Văn Đức', phone: '0911222333' },
        data: EXAMPLES[procedureKey]!.valid,
        channel: 'in-person',
        receivingUnitId: 'phuong-trung-tam',
        ...extra,
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    return body(res);
  }

  /** Waits until the task is open (plugins run in between), then completes it. */
  async function complete(id: string, activityId: string, data: Record<string, unknown> = {}) {
    const task = await eventually(async () => (await get(id)).case.tasks.find((t) => t.activityId === activityId), 30_000, 100);
    const res = await call({ method: 'POST', url: `/v1/tasks/${task.id}/complete`, payload: { data } });
    expect(res.statusCode, res.body).toBe(200);
  }

  async function op(id: string, operation: string, payload: Record<string, unknown>, expected = 200) {
    const res = await call({ method: 'POST', url: `/v1/dossiers/${id}/${operation}`, payload });
    expect(res.statusCode, res.body).toBe(expected);
    return res;
  }

  const portalRecords = async (id: string) =>
    (await mongo.db().collection<{ seq: number; payloadJson: string }>('portal_outbox').find({ dossierId: id }).sort({ seq: 1 }).toArray()).map(
      (r) => ({ seq: r.seq, payload: JSON.parse(r.payloadJson) as PortalPayload }),
    );
  /** The portal records once the one matching `ready` is there (effects are applied after the commit point). */
  const portalRecordsUntil = (id: string, ready: (records: { seq: number; payload: PortalPayload }[]) => boolean) =>
    eventually(async () => {
      const records = await portalRecords(id);
      return ready(records) ? records : undefined;
    }, 20_000, 100);
  const notices = async (id: string, topic: string) =>
    (await mongo.db().collection<{ topic: string; payloadJson: string }>('notifications').find({ caseId: id, topic }).toArray()).map(
      (n): Notice => ({ topic: n.topic, payload: JSON.parse(n.payloadJson) as Notice['payload'] }),
    );

  beforeAll(async () => {
    svc = await startService('lifecycle_slips');
    await svc.container.publishDirectory('processes'); // units.json seed + the procedures
    mongo = new MongoClient(svc.env.MONGODB_URL as string);
    await mongo.connect();
  }, 60_000);
  afterAll(async () => {
    await mongo?.close();
    await svc?.destroy();
  });

  it('terminating a dossier case stops the dossier (8): finish time, tracking-sheet row, history, portal record, notice', async () => {
    const d = await receive(HOUSEHOLD);
    await complete(d.id, 'Activity_Receive');
    const before = await portalRecordsUntil(d.id, (r) => r.at(-1)?.payload.TrangThaiHoSo === '4');
    const reason = 'Cơ quan thuế đề nghị tạm dừng để xác minh';
    const res = await call({ method: 'POST', url: `/v1/cases/${d.id}/terminate`, payload: { reason } });
    expect(res.statusCode, res.body).toBe(200);

    const stopped = await get(d.id);
    expect(stopped.status).toEqual({ code: 8, name: 'stopped' });
    expect(stopped.case.status).toBe('terminated');
    expect(stopped.finishedAt).not.toBeNull();
    expect(stopped.closingReason).toBe(reason);
    expect(stopped.case.tasks).toEqual([]);

    const sheet = await sheetOf(d.id);
    expect(sheet.status.code).toBe(8);
    expect(sheet.finishedAt).toBe(stopped.finishedAt);
    expect(sheet.rows.at(-1)).toMatchObject({ result: 'Dừng xử lý', note: reason });
    expect(await historyOf(d.id)).toContain('case.terminated');

    const records = await portalRecordsUntil(d.id, (r) => r.length > before.length);
    expect(records).toHaveLength(before.length + 1);
    const last = records.at(-1)!.payload;
    expect(last.TrangThaiHoSo).toBe('8');
    expect(last.NgayKetThucXuLy).toMatch(/^\d{14}$/);

    const [closed] = await eventually(async () => {
      const found = await notices(d.id, 'applicant.closed');
      return found.length ? found : undefined;
    });
    expect(closed?.payload).toMatchObject({ status: 8, reason });
    expect(closed?.payload.text).toContain(reason);

    // Nothing more can happen to it: no lifecycle operation, no second termination.
    const refused = await op(d.id, 'supplement-request', { reason: 'x', items: ['y'] }, 409);
    expect(body<{ error: { code: string } }>(refused).error.code).toBe('INVALID_TRANSITION');
    const again = await call({ method: 'POST', url: `/v1/cases/${d.id}/terminate`, payload: { reason } });
    expect(body<{ error: { code: string } }>(again).error.code).toBe('CASE_ENDED');
    expect((await get(d.id)).status.code).toBe(8);
  }, 60_000);

  it('terminating while the diagram waits for a supplement leaves the supplement unanswered', async () => {
    const d = await receive(HOUSEHOLD);
    await complete(d.id, 'Activity_Receive');
    await complete(d.id, 'Activity_Review', { complete: false, missing: ['Bản sao hợp đồng thuê nhà'] });
    await statusOf(d.id, 5);
    const res = await call({ method: 'POST', url: `/v1/cases/${d.id}/terminate`, payload: { reason: 'Quá hạn bổ sung' } });
    expect(res.statusCode, res.body).toBe(200);
    const stopped = await get(d.id);
    expect(stopped.status.code).toBe(8);
    expect(stopped.supplements.map((s) => s.receivedAt)).toEqual([null]);
  }, 60_000);

  it('terminating a submission not yet received counts as refused (3), with its finish time', async () => {
    const d = await receive(HOUSEHOLD, { receive: false, channel: 'online' });
    expect(d.status.code).toBe(1);
    const res = await call({ method: 'POST', url: `/v1/cases/${d.id}/terminate`, payload: { reason: 'Nộp nhầm thủ tục' } });
    expect(res.statusCode, res.body).toBe(200);
    const refused = await get(d.id);
    expect(refused.status.code).toBe(3);
    expect(refused.finishedAt).not.toBeNull();
    await portalRecordsUntil(d.id, (r) => r.at(-1)?.payload.TrangThaiHoSo === '3');
  });

  it('the stop operation also records the finish time and a tracking-sheet row', async () => {
    const d = await receive(HOUSEHOLD);
    await op(d.id, 'stop', { reason: 'Có tranh chấp địa điểm kinh doanh' });
    const stopped = await get(d.id);
    expect(stopped.status.code).toBe(8);
    expect(stopped.finishedAt).not.toBeNull();
    expect((await sheetOf(d.id)).rows.at(-1)).toMatchObject({ result: 'Dừng xử lý', note: 'Có tranh chấp địa điểm kinh doanh' });
    const records = await portalRecordsUntil(d.id, (r) => r.at(-1)?.payload.TrangThaiHoSo === '8');
    expect(records.at(-1)!.payload.NgayKetThucXuLy).toMatch(/^\d{14}$/);
  });

  it("household business: the review's missing items and note reach the supplement, the portal and the applicant's notice", async () => {
    const d = await receive(HOUSEHOLD);
    // A note of an earlier step must not become the reason of a later request.
    await complete(d.id, 'Activity_Receive', { note: 'Đã nhận đủ bản gốc' });
    const missing = ['Bản sao CCCD của chủ hộ', 'Hợp đồng thuê địa điểm kinh doanh'];
    const note = 'Thiếu giấy tờ của chủ hộ kinh doanh';
    await complete(d.id, 'Activity_Review', { complete: false, missing, note });
    const waiting = await statusOf(d.id, 5); // after the service task that sends the written request
    expect(waiting.supplements).toHaveLength(1);
    expect(waiting.supplements[0]).toMatchObject({ reason: note, items: missing, receivedAt: null });
    expect(waiting.supplements[0]!.requestedBy).not.toBe('notify-applicant');

    const portal = (await portalRecordsUntil(d.id, (r) => r.at(-1)?.payload.TrangThaiHoSo === '5')).at(-1)!.payload;
    expect(portal.DanhSachHoSoBoSung.map((s) => s.NoiDungBoSung)).toEqual([note]);

    const [notice] = await eventually(async () => {
      const found = await notices(d.id, 'applicant.supplement-requested');
      return found.length ? found : undefined;
    });
    expect(notice?.payload).toMatchObject({ reason: note, items: missing });
    for (const item of [...missing, note]) expect(notice?.payload.text).toContain(item);

    // Second round without a note: the items make the reason, not the first round's note.
    await op(d.id, 'supplement-received', { note: 'đã bổ sung' });
    await complete(d.id, 'Activity_Review', { complete: false, missing: ['Ảnh chụp biển hiệu'] });
    const again = await eventually(async () => {
      const cur = await get(d.id);
      return cur.status.code === 5 && cur.supplements.length === 2 ? cur : undefined;
    }, 30_000, 100);
    expect(again.supplements[1]).toMatchObject({ items: ['Ảnh chụp biển hiệu'], reason: 'Cần bổ sung: Ảnh chụp biển hiệu' });
    expect(again.supplements[0]!.receivedAt).not.toBeNull();
  }, 60_000);

  it("building permit: the approval's feeAmount becomes the payment request's amount", async () => {
    const d = await receive('building-permit', { receivingUnitId: 'xa-dong-lua' });
    await complete(d.id, 'Activity_Receive');
    await complete(d.id, 'Activity_Review', { complete: true });
    await complete(d.id, 'Activity_Approve', { approved: true, feeAmount: 150000 });
    const fee = await statusOf(d.id, 6);
    expect(fee.payments.map((p) => p.amount)).toEqual([150000]);
  }, 60_000);

  it('a transfer and its return each send a portal record at once, with the unit now processing', async () => {
    const d = await receive(HOUSEHOLD);
    const before = await portalRecordsUntil(d.id, (r) => r.at(-1)?.payload.TrangThaiHoSo === '4');
    expect(before.at(-1)!.payload.DonViXuLy).toBe('UBND phường Trung Tâm');

    const there = body(await op(d.id, 'transfer', { toUnitId: 'so-tai-chinh', note: 'xin ý kiến về thuế khoán' }));
    expect(there.status.code).toBe(4);
    const afterTransfer = await portalRecordsUntil(d.id, (r) => r.length > before.length);
    expect(afterTransfer).toHaveLength(before.length + 1);
    expect(afterTransfer.at(-1)!.payload).toMatchObject({ TrangThaiHoSo: '4', DonViXuLy: 'Sở Tài chính tỉnh Mẫu', MaDinhDanhDV: '000.00.06.H99' });
    expect(afterTransfer.at(-1)!.payload.QuaTrinhXuLy.at(-1)?.NoiDungXuLy).toContain('xin ý kiến về thuế khoán');

    await op(d.id, 'transfer-return', { result: 'thống nhất', note: 'đồng ý mức thuế' });
    const afterReturn = await portalRecordsUntil(d.id, (r) => r.length > before.length + 1);
    expect(afterReturn).toHaveLength(before.length + 2);
    expect(afterReturn.at(-1)!.payload).toMatchObject({ DonViXuLy: 'UBND phường Trung Tâm', MaDinhDanhDV: '000.00.31.H99' });
  }, 60_000);
});
