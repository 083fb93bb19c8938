/**
 * Overdue / due-soon classification in working time on the national calendar (pure), and
 * the CSV writer: a BOM, headers in the asked language, rows in order.
 */
import { describe, expect, it } from 'vitest';
import { createVietnamCalendar } from '../../src/calendar/index.js';
import { csvStream, OVERDUE_COLUMNS, summaryColumns, summaryRows } from '../../src/monitoring/csv.js';
import type { OpenItem } from '../../src/monitoring/open-work.js';
import { classify } from '../../src/monitoring/worklists.js';

const calendar = createVietnamCalendar();
const at = (local: string) => new Date(`${local}:00+07:00`);
const item = (code: string, dueLocal: string): OpenItem => ({
  taskId: `t-${code}`, caseId: `c-${code}`, activityId: 'review', taskName: 'Review', unitId: 'xa', assignee: null, candidateGroups: [],
  stepDueAt: null, dossierCode: code, procedureKey: 'p', procedureVersion: 1, procedureName: 'P',
  clock: { dueAt: at(dueLocal).toISOString() } as OpenItem['clock'],
});

const read = async (s: NodeJS.ReadableStream) => {
  let text = '';
  for await (const chunk of s) text += String(chunk);
  return text;
};

describe('classify', () => {
  // Office hours 07:30–11:30 and 13:30–17:00, Monday to Friday; 4–8/12/2026 has no holiday.
  it('counts lateness in working hours across a weekend, most overdue first', () => {
    const now = at('2026-12-07T09:30'); // Monday
    const { overdue, dueSoon } = classify([item('B', '2026-12-07T08:30'), item('A', '2026-12-04T16:00'), item('C', '2026-12-07T11:00')], calendar, now, 8 * 60);
    // A: Fri 16:00–17:00 + Mon 07:30–09:30 = 3 h (65.5 wall-clock hours); B: 1 h.
    expect(overdue.map((x) => [x.item.dossierCode, x.minutes])).toEqual([['A', 180], ['B', 60]]);
    expect(dueSoon.map((x) => [x.item.dossierCode, x.minutes])).toEqual([['C', 90]]);
  });

  it('takes due-soon as working hours ahead, soonest first', () => {
    const now = at('2026-12-04T16:00'); // Friday
    const items = [item('LATER', '2026-12-08T10:30'), item('MONDAY', '2026-12-07T08:30')];
    // MONDAY: Fri 1 h + Mon 1 h = 2 h; LATER: 1 + 7.5 + 3 = 11.5 h.
    expect(classify(items, calendar, now, 8 * 60).dueSoon.map((x) => [x.item.dossierCode, x.minutes])).toEqual([['MONDAY', 120]]);
    expect(classify(items, calendar, now, 12 * 60).dueSoon.map((x) => [x.item.dossierCode, x.minutes])).toEqual([['MONDAY', 120], ['LATER', 690]]);
    expect(classify(items, calendar, now, 12 * 60).overdue).toEqual([]);
  });
});

describe('CSV export', () => {
  const row = { dossierCode: 'H-1', procedureName: 'Cấp phép, "đơn giản"', stepName: 'Thẩm định', unitId: 'xa', unitName: 'Xã A', assignee: null,
    candidateGroups: ['chuyen-vien', 'lanh-dao'], dueAt: '2026-12-04T09:00:00.000Z', workingHoursLate: 3.5, consolePath: '/console/#/dossier/c1', apiPath: '/v1/dossiers/c1' };

  it('writes a BOM, Vietnamese headers and quoted cells', async () => {
    const text = await read(csvStream([row], OVERDUE_COLUMNS, 'vi'));
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const [head, first] = text.slice(1).trim().split('\n');
    expect(head).toBe('Mã hồ sơ,Thủ tục,Bước xử lý,Mã đơn vị,Đơn vị xử lý,Cán bộ xử lý,Nhóm xử lý,Hạn xử lý,Số giờ làm việc quá hạn,Liên kết bảng điều khiển,Đường dẫn API');
    expect(first).toBe('H-1,"Cấp phép, ""đơn giản""",Thẩm định,xa,Xã A,,chuyen-vien; lanh-dao,2026-12-04T09:00:00.000Z,3.5,/console/#/dossier/c1,/v1/dossiers/c1');
  });

  it('writes English headers on request and many rows in order', async () => {
    const rows = Array.from({ length: 3_000 }, (_, i) => ({ ...row, dossierCode: `H-${i}` }));
    const lines = (await read(csvStream(rows, OVERDUE_COLUMNS, 'en'))).slice(1).trim().split('\n');
    expect(lines[0]?.startsWith('Dossier code,Procedure,Step,')).toBe(true);
    expect(lines).toHaveLength(3_001);
    expect(lines[3_000]?.startsWith('H-2999,')).toBe(true);
  });

  it('lays the summary out as totals, units, procedures, unit × procedure', async () => {
    const f = (n: number) => ({ received: n, inProgress: 0, paused: 0, early: 0, onTime: n, late: 0, finished: n, onTimeRate: 1 });
    const summary = { totals: f(3), byUnit: [{ unitId: 'xa', figures: f(3) }], byProcedure: [{ procedureKey: 'p', figures: f(3) }], byUnitProcedure: [{ unitId: 'xa', procedureKey: 'p', figures: f(3) }] };
    const lines = (await read(csvStream(summaryRows(summary), summaryColumns('vi'), 'vi'))).slice(1).trim().split('\n');
    expect(lines).toEqual([
      'Cấp,Mã đơn vị,Mã thủ tục,Tiếp nhận,Đang giải quyết,Tạm dừng,Trước hạn,Đúng hạn,Trễ hạn,Đã giải quyết,Tỷ lệ đúng hạn',
      'Tổng,,,3,0,0,0,3,0,3,1',
      'Đơn vị,xa,,3,0,0,0,3,0,3,1',
      'Thủ tục,,p,3,0,0,0,3,0,3,1',
      'Đơn vị × thủ tục,xa,p,3,0,0,0,3,0,3,1',
    ]);
  });
});
