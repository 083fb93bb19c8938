/**
 * How each route is bound to units, for tests/auth/isolation-matrix.test.ts. Every route the
 * service registers must have a row here: a new route without one fails the suite.
 *   case / dossier / task: the path's {id} is an object of unit A (denied: 404, as if absent)
 *   unit: the path's {id} is unit A (denied: 403 OUT_OF_SCOPE)
 *   filter: the listing is asked for ?unitId=A (denied: 403 OUT_OF_SCOPE)
 *   body: the body names unit A (denied: 403 OUT_OF_SCOPE)
 *   none: not bound to a unit, with the reason
 */
export type Binding = 'case' | 'dossier' | 'task' | 'unit' | 'filter' | 'body';

export type RouteRule =
  | { binding: Binding; body?: (ctx: RuleContext) => Record<string, unknown>; params?: Record<string, string>; query?: Record<string, string> }
  | { binding: 'none'; why: string };

export interface RuleContext {
  /** Unit A, whose objects the matrix targets. */
  unit: string;
  /** A unit below A: inside the scope of A's leaders and of the parent's. */
  childUnit: string;
}

const reason = { reason: 'kiểm thử phạm vi đơn vị' };
const none = (why: string): RouteRule => ({ binding: 'none', why });

export const ROUTE_RULES: Record<string, RouteRule> = {
  'GET /health/live': none('public health check'),
  'GET /health/ready': none('public health check'),
  'GET /metrics': none('operators: metrics role or trusted address, no case data'),
  'GET /admin/queue-board': none('operators (queues:admin, admin only)'),
  'GET /engine-rest/deployment': none('analysts: procedures are province-wide'),
  'GET /engine-rest/version': none('analysts: procedures are province-wide'),
  'POST /engine-rest/deployment/create': none('analysts: procedures are province-wide'),
  'GET /camunda/v2/topology': none('analysts: procedures are province-wide'),
  'POST /camunda/v2/deployments': none('analysts: procedures are province-wide'),
  'GET /v1/procedures': none('procedures are province-wide'),
  'POST /v1/procedures': none('procedures are province-wide'),
  'GET /v1/procedures/{key}': none('procedures are province-wide'),
  'GET /v1/procedures/{key}/versions/{version}/xml': none('procedures are province-wide'),
  'POST /v1/decisions': none('decision tables are province-wide, like procedures'),
  'GET /v1/decisions': none('decision tables are province-wide, like procedures'),
  'GET /v1/decisions/{key}': none('decision tables are province-wide, like procedures'),
  'GET /v1/decisions/{key}/versions/{version}': none('decision tables are province-wide, like procedures'),
  'GET /v1/calendar/days': none('one working calendar for the province'),
  'GET /v1/calendar/due': none('one working calendar for the province'),
  'GET /v1/calendar/elapsed': none('one working calendar for the province'),
  'GET /v1/calendar/overrides': none('one working calendar for the province'),
  'PUT /v1/calendar/overrides/{date}': none('calendar:admin, admin only'),
  'DELETE /v1/calendar/overrides/{date}': none('calendar:admin, admin only'),
  'GET /v1/units': none('the organisation tree is public to every key'),
  'GET /v1/units/{id}': none('the organisation tree is public to every key'),
  'POST /v1/units': none('units:admin, admin only'),
  'PATCH /v1/units/{id}': none('units:admin, admin only'),
  'POST /v1/units/{id}/dissolve': none('units:admin, admin only (unscoped)'),
  'GET /v1/api-keys': none('keys:admin, admin only'),
  'POST /v1/api-keys': none('keys:admin, admin only'),
  'GET /v1/api-keys/{id}': none('keys:admin, admin only'),
  'DELETE /v1/api-keys/{id}': none('keys:admin, admin only'),
  'GET /v1/public/dossiers/{code}': none("citizens' lookup: code plus phone digits, no key"),
  'GET /v1/escalations': none("no unit filter: every row is filtered to the caller's units (tested in tests/deadlines)"),

  'POST /v1/cases': { binding: 'body', body: (c) => ({ procedureKey: 'matrix-case', unitId: c.unit, data: {} }) },
  'GET /v1/cases': { binding: 'filter' },
  'GET /v1/cases/{id}': { binding: 'case' },
  'GET /v1/cases/{id}/history': { binding: 'case' },
  'POST /v1/cases/{id}/messages': { binding: 'case', body: () => ({ name: 'no-such-message' }) },
  'POST /v1/messages': { binding: 'body', body: (c) => ({ name: 'no-such-message', correlationKey: 'no-such-key', unitId: c.unit }) },
  'POST /v1/signals': { binding: 'body', body: (c) => ({ name: 'no-such-signal', unitId: c.unit }) },
  'GET /v1/signals/{id}': none('a signal is read by the units it was sent to (404 to others); its id is not a unit object of the matrix'),
  'POST /v1/cases/{id}/incidents/retry': { binding: 'case', body: () => ({}) },
  'POST /v1/cases/{id}/apologies': { binding: 'case', body: () => ({ ...reason, newDueAt: '2031-01-02T10:00:00+07:00' }) },
  'POST /v1/cases/{id}/clock/pause': { binding: 'case', body: () => reason },
  'POST /v1/cases/{id}/clock/resume': { binding: 'case', body: () => ({}) },
  'POST /v1/cases/{id}/migrate': { binding: 'case', body: () => ({ toVersion: 1 }) },
  'POST /v1/cases/{id}/terminate': { binding: 'case', body: () => reason },
  'GET /v1/tasks': { binding: 'filter' },
  'GET /v1/tasks/{id}': { binding: 'task' },
  'POST /v1/tasks/{id}/complete': { binding: 'task', body: () => ({ data: {} }) },

  'POST /v1/dossiers': {
    binding: 'body',
    body: (c) => ({ procedureKey: 'simple-permit', applicant: { name: 'Ma Trận' }, data: { plot: '1', area: 10 }, channel: 'in-person', receivingUnitId: c.unit }),
  },
  'GET /v1/dossiers': { binding: 'filter' },
  'GET /v1/dossiers/{id}': { binding: 'dossier' },
  'GET /v1/dossiers/{id}/tracking-sheet': { binding: 'dossier' },
  'GET /v1/dossiers/{id}/forms': { binding: 'dossier' },
  'GET /v1/dossiers/{id}/forms/{form}': { binding: 'dossier', params: { form: '01' } },
  'POST /v1/dossiers/{id}/fees': { binding: 'dossier', body: () => ({ lines: [{ name: 'Lệ phí', amount: 1000, paid: false }] }) },
  'POST /v1/dossiers/{id}/result': { binding: 'dossier', body: () => ({ code: 'KQ-MATRIX' }) },
  'POST /v1/dossiers/{id}/receive': { binding: 'dossier', body: () => ({}) },
  'POST /v1/dossiers/{id}/refuse': { binding: 'dossier', body: () => reason },
  'POST /v1/dossiers/{id}/supplement-request': { binding: 'dossier', body: () => reason },
  'POST /v1/dossiers/{id}/supplement-received': { binding: 'dossier', body: () => ({}) },
  'POST /v1/dossiers/{id}/payment-request': { binding: 'dossier', body: () => reason },
  'POST /v1/dossiers/{id}/payment-received': { binding: 'dossier', body: () => ({}) },
  'POST /v1/dossiers/{id}/transfer': { binding: 'dossier', body: (c) => ({ toUnitId: c.childUnit }) },
  'POST /v1/dossiers/{id}/transfer-return': { binding: 'dossier', body: () => ({}) },
  'POST /v1/dossiers/{id}/return-result': { binding: 'dossier', body: () => ({}) },
  'POST /v1/dossiers/{id}/stop': { binding: 'dossier', body: () => reason },
  'POST /v1/dossiers/{id}/withdraw': { binding: 'dossier', body: () => reason },
  'POST /v1/dossiers/{id}/{operation}': { binding: 'dossier', params: { operation: 'receive' }, body: () => ({}) },

  'GET /v1/reports/sla': { binding: 'filter' },
  'GET /v1/monitoring/summary': { binding: 'filter' },
  'GET /v1/monitoring/trends': { binding: 'filter' },
  'GET /v1/monitoring/overdue': { binding: 'filter' },
  'GET /v1/monitoring/due-soon': { binding: 'filter' },
  'GET /v1/monitoring/escalations': { binding: 'filter' },
  'GET /v1/monitoring/procedures/{key}/versions/{version}/steps': { binding: 'filter', params: { key: 'any-procedure', version: '1' } },
  'GET /v1/monitoring/attribution': { binding: 'filter' },
  'GET /v1/reports/service-index': { binding: 'filter', query: { from: '2026-11-01', to: '2026-12-01' } },
  'GET /v1/units/{id}/dossier-register': { binding: 'unit', query: { from: '2026-11-01T00:00:00+07:00', to: '2026-12-01T00:00:00+07:00' } },
  'POST /v1/units/{id}/reassign': { binding: 'unit', body: (c) => ({ toUnitId: c.childUnit }) },
};
