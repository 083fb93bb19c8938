import type { FastifyReply } from 'fastify';
import { csvStream, type CsvColumn, type CsvLang } from '../../monitoring/csv.js';
import { localDay } from '../../monitoring/rollup.js';

/** Query fields every monitoring route shares (docs/monitoring.md). */
export const LOCAL_DAY = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'a calendar day in Asia/Ho_Chi_Minh' } as const;
export const UNIT_FILTER = { type: 'string', minLength: 1, maxLength: 100 } as const;
export const PROCEDURE_FILTER = { type: 'string', minLength: 1, maxLength: 200 } as const;
/** The period and scope filters of a monitoring figure. */
export const PERIOD_FILTERS = { from: LOCAL_DAY, to: LOCAL_DAY, unitId: UNIT_FILTER, procedureKey: PROCEDURE_FILTER } as const;
/** `format=csv`: the same rows as a CSV file (docs/monitoring.md); `lang`: its column headers. */
export const EXPORT = {
  format: { enum: ['json', 'csv'], default: 'json', description: 'csv: a streamed CSV file of the same rows' },
  lang: { enum: ['vi', 'en'], default: 'vi', description: 'language of the CSV column headers' },
} as const;

/** Sends `rows` as a CSV attachment `<name>-<today>.csv`, streamed. */
export function sendCsv<T>(reply: FastifyReply, name: string, rows: Iterable<T>, columns: CsvColumn<T>[], lang: CsvLang) {
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}-${localDay(new Date().toISOString())}.csv"`)
    .send(csvStream(rows, columns, lang));
}
