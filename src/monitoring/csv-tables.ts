/** CSV columns of the trend series, the step statistics and the late attribution (src/monitoring/csv.ts writes them). */
import type { CsvColumn } from './csv.js';

export interface TrendCsvRow { period: string; received: number; early: number; onTime: number; late: number; finished: number; onTimeRate: number | null }

export const TREND_COLUMNS: CsvColumn<TrendCsvRow>[] = [
  { value: 'period', vi: 'Kỳ', en: 'Period' },
  { value: 'received', vi: 'Tiếp nhận', en: 'Received' },
  { value: 'early', vi: 'Trước hạn', en: 'Early' },
  { value: 'onTime', vi: 'Đúng hạn', en: 'On time' },
  { value: 'late', vi: 'Trễ hạn', en: 'Late' },
  { value: 'finished', vi: 'Đã giải quyết', en: 'Finished' },
  { value: 'onTimeRate', vi: 'Tỷ lệ đúng hạn', en: 'On-time rate' },
];

export interface StepCsvRow {
  activityId: string; name: string; count: number; meanWorkingMinutes: number | null; medianWorkingMinutes: number | null;
  p90WorkingMinutes: number | null; withQuota: number; late: number; lateShare: number | null; overMinutes: number;
}

export const STEP_COLUMNS: CsvColumn<StepCsvRow>[] = [
  { value: 'activityId', vi: 'Mã bước', en: 'Activity id' },
  { value: 'name', vi: 'Tên bước', en: 'Step' },
  { value: 'count', vi: 'Số lượt xử lý', en: 'Count' },
  { value: 'meanWorkingMinutes', vi: 'Trung bình (phút làm việc)', en: 'Mean (working minutes)' },
  { value: 'medianWorkingMinutes', vi: 'Trung vị (phút làm việc)', en: 'Median (working minutes)' },
  { value: 'p90WorkingMinutes', vi: 'P90 (phút làm việc)', en: 'P90 (working minutes)' },
  { value: 'withQuota', vi: 'Số lượt có thời hạn bước', en: 'With quota' },
  { value: 'late', vi: 'Số lượt trễ', en: 'Late' },
  { value: 'lateShare', vi: 'Tỷ lệ trễ', en: 'Late share' },
  { value: 'overMinutes', vi: 'Số phút làm việc vượt', en: 'Working minutes over quota' },
];

export interface AttributionCsvRow { unitId: string; procedureKey: string; activityId: string; name: string; steps: number; overMinutes: number }

export const ATTRIBUTION_COLUMNS: CsvColumn<AttributionCsvRow>[] = [
  { value: 'unitId', vi: 'Mã đơn vị', en: 'Unit id' },
  { value: 'procedureKey', vi: 'Mã thủ tục', en: 'Procedure key' },
  { value: 'activityId', vi: 'Mã bước', en: 'Activity id' },
  { value: 'name', vi: 'Tên bước', en: 'Step' },
  { value: 'steps', vi: 'Số lượt vượt thời hạn', en: 'Steps over quota' },
  { value: 'overMinutes', vi: 'Số phút làm việc vượt', en: 'Working minutes over quota' },
];
