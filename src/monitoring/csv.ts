/**
 * CSV exports of the monitoring lists and tables (csv-stringify, streamed row by row), with
 * Vietnamese column headers by default and English with `lang=en`. A UTF-8 byte order mark
 * leads the file so spreadsheet programs read the Vietnamese letters right.
 */
import { stringify, type Stringifier } from 'csv-stringify';

export type CsvLang = 'vi' | 'en';

/** One column: the row field (or a function of the row), and its header in each language. */
export interface CsvColumn<T> {
  value: keyof T | ((row: T) => unknown);
  vi: string;
  en: string;
}

const cell = (v: unknown): string | number => {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.join('; ');
  return typeof v === 'number' ? v : String(v);
};

/** A readable CSV stream of `rows` under `columns`' headers in `lang`. */
export function csvStream<T>(rows: Iterable<T>, columns: CsvColumn<T>[], lang: CsvLang): Stringifier {
  const out = stringify({ bom: true, header: true, columns: columns.map((c) => (lang === 'en' ? c.en : c.vi)) });
  // Written lazily as the consumer reads: a large page never sits in memory twice.
  const it = rows[Symbol.iterator]();
  const pump = () => {
    for (;;) {
      const next = it.next();
      if (next.done) return void out.end();
      const row = next.value;
      const ok = out.write(columns.map((c) => cell(typeof c.value === 'function' ? c.value(row) : row[c.value])));
      if (!ok) return void out.once('drain', pump);
    }
  };
  pump();
  return out;
}

export interface WorkRowLike {
  dossierCode: string;
  procedureName: string;
  stepName: string;
  unitId: string | null;
  unitName: string | null;
  assignee: string | null;
  candidateGroups: string[];
  dueAt: string;
  consolePath: string;
  apiPath: string;
}

const common = <T extends WorkRowLike>(): CsvColumn<T>[] => [
  { value: 'dossierCode', vi: 'Mã hồ sơ', en: 'Dossier code' },
  { value: 'procedureName', vi: 'Thủ tục', en: 'Procedure' },
  { value: 'stepName', vi: 'Bước xử lý', en: 'Step' },
  { value: 'unitId', vi: 'Mã đơn vị', en: 'Unit id' },
  { value: 'unitName', vi: 'Đơn vị xử lý', en: 'Unit' },
  { value: (r) => r.assignee ?? '', vi: 'Cán bộ xử lý', en: 'Assignee' },
  { value: 'candidateGroups', vi: 'Nhóm xử lý', en: 'Candidate groups' },
  { value: 'dueAt', vi: 'Hạn xử lý', en: 'Due at' },
];
const links = <T extends WorkRowLike>(): CsvColumn<T>[] => [
  { value: 'consolePath', vi: 'Liên kết bảng điều khiển', en: 'Console link' },
  { value: 'apiPath', vi: 'Đường dẫn API', en: 'API path' },
];

type Late = WorkRowLike & { workingHoursLate: number | null };
type Left = WorkRowLike & { workingHoursLeft: number | null };
type Escalated = Late & { kind: string; at: string };

export const OVERDUE_COLUMNS: CsvColumn<Late>[] = [...common<Late>(), { value: 'workingHoursLate', vi: 'Số giờ làm việc quá hạn', en: 'Working hours late' }, ...links<Late>()];
export const DUE_SOON_COLUMNS: CsvColumn<Left>[] = [...common<Left>(), { value: 'workingHoursLeft', vi: 'Số giờ làm việc còn lại', en: 'Working hours left' }, ...links<Left>()];
export const ESCALATION_COLUMNS: CsvColumn<Escalated>[] = [
  { value: (r) => (r.kind === 'breach' ? 'Quá hạn' : 'Nhắc hạn'), vi: 'Loại', en: 'Kind' },
  { value: 'at', vi: 'Thời điểm cảnh báo', en: 'Raised at' },
  ...common<Escalated>(),
  { value: 'workingHoursLate', vi: 'Số giờ làm việc quá hạn', en: 'Working hours late' },
  ...links<Escalated>(),
];
// English files carry the stable kind codes, Vietnamese ones the words officials use.
export const escalationColumns = (lang: CsvLang): CsvColumn<Escalated>[] =>
  lang === 'en' ? [{ value: 'kind', vi: 'Loại', en: 'Kind' }, ...ESCALATION_COLUMNS.slice(1)] : ESCALATION_COLUMNS;

/** The summary as one table: the totals, then per unit, per procedure, per unit × procedure. */
export interface SummaryCsvRow {
  level: 'total' | 'unit' | 'procedure' | 'unit-procedure';
  unitId: string;
  procedureKey: string;
  figures: Record<string, number | null>;
}

const LEVELS = { total: 'Tổng', unit: 'Đơn vị', procedure: 'Thủ tục', 'unit-procedure': 'Đơn vị × thủ tục' } as const;
const figure = (name: string, vi: string, en: string): CsvColumn<SummaryCsvRow> => ({ value: (r) => r.figures[name] ?? '', vi, en });

export const summaryColumns = (lang: CsvLang): CsvColumn<SummaryCsvRow>[] => [
  { value: (r) => (lang === 'en' ? r.level : LEVELS[r.level]), vi: 'Cấp', en: 'Level' },
  { value: 'unitId', vi: 'Mã đơn vị', en: 'Unit id' },
  { value: 'procedureKey', vi: 'Mã thủ tục', en: 'Procedure key' },
  figure('received', 'Tiếp nhận', 'Received'),
  figure('inProgress', 'Đang giải quyết', 'In progress'),
  figure('paused', 'Tạm dừng', 'Paused'),
  figure('early', 'Trước hạn', 'Early'),
  figure('onTime', 'Đúng hạn', 'On time'),
  figure('late', 'Trễ hạn', 'Late'),
  figure('finished', 'Đã giải quyết', 'Finished'),
  figure('onTimeRate', 'Tỷ lệ đúng hạn', 'On-time rate'),
];

interface SummaryLike {
  totals: object;
  byUnit: { unitId: string; figures: object }[];
  byProcedure: { procedureKey: string; figures: object }[];
  byUnitProcedure: { unitId: string; procedureKey: string; figures: object }[];
}

export function* summaryRows(s: SummaryLike): Generator<SummaryCsvRow> {
  const f = (x: object) => x as Record<string, number | null>;
  yield { level: 'total', unitId: '', procedureKey: '', figures: f(s.totals) };
  for (const u of s.byUnit) yield { level: 'unit', unitId: u.unitId, procedureKey: '', figures: f(u.figures) };
  for (const p of s.byProcedure) yield { level: 'procedure', unitId: '', procedureKey: p.procedureKey, figures: f(p.figures) };
  for (const x of s.byUnitProcedure) yield { level: 'unit-procedure', unitId: x.unitId, procedureKey: x.procedureKey, figures: f(x.figures) };
}
