/** Query fields every monitoring route shares (docs/monitoring.md). */
export const LOCAL_DAY = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'a calendar day in Asia/Ho_Chi_Minh' } as const;
export const UNIT_FILTER = { type: 'string', minLength: 1, maxLength: 100 } as const;
export const PROCEDURE_FILTER = { type: 'string', minLength: 1, maxLength: 200 } as const;
/** The period and scope filters of a monitoring figure. */
export const PERIOD_FILTERS = { from: LOCAL_DAY, to: LOCAL_DAY, unitId: UNIT_FILTER, procedureKey: PROCEDURE_FILTER } as const;
