/**
 * Overdue / due-soon classification in working time on the national calendar (pure), and
 * the CSV writer: a BOM, headers in the asked language, rows in order.
 */
import { describe, expect, it } from 'vitest';
import { createVietnamCalendar } from '../../src/calendar/index.js';
import { csvStream, OVERDUE_COLUMNS, summaryColumns, summaryRows } from '../../src/monitoring/csv.js';
import { workFieldsOf } from '../../src/monitoring/work-fields.js';
import { dueSoonHorizon } from '../../src/monitoring/worklists.js';
import { widened } from '../../src/monitoring/row-units.js';
import type { CaseDoc, TaskWait } from '../../src/domain/case.js';

const calendar = createVietnamCalendar();
const at = (local: string) => new Date(`${local}:00+07:00`);

const read = async (s: NodeJS.ReadableStream) => {
  let text = '';
  for await (const chunk of s) text += String(chunk);
  return text;
};

describe('due-soon horizon', () => {
  // Office hours 07:30–11:30 and 13:30–17:00, Monday to Friday; 4–8/12/2026 has no holiday.
  it('is the instant the working hours run out, carried over non-working time', () => {
    // Fri 16:00 + 8 h: Fri 1 h, Mon 07:30–11:30 4 h, 13:30–16:30 3 h.
    expect(dueSoonHorizon(calendar, at('2026-12-04T16:00'), 8 * 60).toISOString()).toBe(at('2026-12-07T16:30').toISOString());
    // Fri 16:00 + 1 h ends at 17:00: anything due over the weekend up to Monday's opening has 1 h left too.
    expect(dueSoonHorizon(calendar, at('2026-12-04T16:00'), 60).toISOString()).toBe(at('2026-12-07T07:30').toISOString());
    expect(calendar.workingMinutesBetween(at('2026-12-04T16:00'), at('2026-12-05T10:00'))).toBe(60);
  });
});

describe('a scope holding every unit', () => {
  const register = async () => ['tinh', 'xa-a', 'xa-b'];
  it('reads as the province; a smaller scope stays as it is; a unit outside the scope is still refused', async () => {
    expect(await widened({ all: false, unitIds: ['tinh', 'xa-a', 'xa-b'] }, undefined, register)).toEqual({ all: true });
    expect(await widened({ all: false, unitIds: ['xa-a'] }, undefined, register)).toEqual({ all: false, unitIds: ['xa-a'] });
    expect(await widened({ all: false, unitIds: ['tinh', 'xa-a', 'xa-b'] }, 'xa-a', register)).toEqual({ all: true });
    await expect(widened({ all: false, unitIds: ['tinh', 'xa-a', 'xa-b'] }, 'elsewhere', register)).rejects.toMatchObject({ code: 'OUT_OF_SCOPE' });
    await expect(widened({ all: false, unitIds: ['xa-a'] }, 'xa-b', register)).rejects.toMatchObject({ code: 'OUT_OF_SCOPE' });
  });
});

describe('list fields of an open task', () => {
  const wait = { kind: 'task', taskId: 't1', activityId: 'review', name: 'Review', executionId: 'e', activityExecutionId: 'e', since: '', candidateGroups: [] } as TaskWait;
  const dossierCase = (over: Partial<CaseDoc> = {}, pausedAt: string | null = null) =>
    ({
      _id: 'c1', status: 'active', revision: 4, procedureKey: 'p', procedureVersion: 2, unitId: 'xa-a',
      dossier: { code: 'H-1', procedureName: 'Thủ tục P' }, clock: { dueAt: '2026-12-04T09:00:00.000Z', pausedAt }, ...over,
    }) as unknown as CaseDoc;

  it('keys a running dossier task by the province and its unit, ordered by due instant then code', () => {
    expect(workFieldsOf(dossierCase(), { ...wait, unitId: 'xa-b' }, 'Thẩm định')).toEqual({
      openWork: ['*', 'xa-b'], dossierCode: 'H-1', procedureName: 'Thủ tục P', procedureVersion: 2, caseDueAt: '2026-12-04T09:00:00.000Z',
      paused: false, workOrder: '2026-12-04T09:00:00.000Z|H-1', stepName: 'Thẩm định', workRevision: 4,
    });
    expect(workFieldsOf(dossierCase(), wait, null)?.openWork).toEqual(['*', 'xa-a']);
    expect(workFieldsOf(dossierCase(), wait, null)?.stepName).toBe('Review');
  });

  it('takes a paused dossier and a plain case out of the lists', () => {
    expect(workFieldsOf(dossierCase({}, '2026-12-03T02:00:00.000Z'), wait, null)).toMatchObject({ openWork: [], paused: true });
    expect(workFieldsOf(dossierCase({ status: 'completed' }), wait, null)?.openWork).toEqual([]);
    expect(workFieldsOf(dossierCase({ dossier: null }), wait, null)).toBeNull();
    expect(workFieldsOf(dossierCase({ clock: null }), wait, null)).toBeNull();
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
