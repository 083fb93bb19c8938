/**
 * The OpenAPI document as a contract (issue 11): 3.1, an operationId on every operation,
 * the error responses every route can give (with their stable codes), tags with
 * descriptions. Applied to the whole document once (`transformObject`) so no route file
 * has to repeat it; tests/openapi/contract.test.ts fails when a route lacks an entry here.
 */

/** `METHOD /path/{param}` → operationId. A route's own `schema.operationId` wins. */
export const operationIds: Record<string, string> = {
  'GET /health/live': 'getLiveness',
  'GET /health/ready': 'getReadiness',
  'POST /v1/procedures': 'publishProcedure',
  'GET /v1/procedures': 'listProcedures',
  'GET /v1/procedures/{key}': 'getProcedure',
  'GET /v1/procedures/{key}/versions/{version}/xml': 'getProcedureXml',
  'POST /v1/decisions': 'publishDecisions',
  'GET /v1/decisions': 'listDecisions',
  'GET /v1/decisions/{key}': 'getDecision',
  'GET /v1/decisions/{key}/versions/{version}': 'getDecisionVersion',
  'POST /v1/cases': 'startCase',
  'GET /v1/cases': 'listCases',
  'GET /v1/cases/{id}': 'getCase',
  'GET /v1/cases/{id}/history': 'getCaseHistory',
  'POST /v1/cases/{id}/messages': 'sendCaseMessage',
  'POST /v1/messages': 'correlateMessage',
  'POST /v1/signals': 'broadcastSignal',
  'GET /v1/signals/{id}': 'getSignal',
  'POST /v1/cases/{id}/incidents/retry': 'retryCaseIncidents',
  'POST /v1/cases/{id}/terminate': 'terminateCase',
  'POST /v1/cases/{id}/migrate': 'migrateCase',
  'POST /v1/cases/{id}/clock/pause': 'pauseCaseClock',
  'POST /v1/cases/{id}/clock/resume': 'resumeCaseClock',
  'POST /v1/cases/{id}/apologies': 'recordCaseApology',
  'GET /v1/tasks': 'listTasks',
  'GET /v1/tasks/{id}': 'getTask',
  'POST /v1/tasks/{id}/complete': 'completeTask',
  'POST /v1/dossiers': 'receiveDossier',
  'GET /v1/dossiers': 'listDossiers',
  'GET /v1/dossiers/{id}': 'getDossier',
  'POST /v1/dossiers/{id}/{operation}': 'runDossierOperation',
  'POST /v1/dossiers/{id}/fees': 'recordDossierFees',
  'POST /v1/dossiers/{id}/result': 'recordDossierResult',
  'GET /v1/dossiers/{id}/tracking-sheet': 'getDossierTrackingSheet',
  'POST /v1/units/{id}/reassign': 'reassignUnitDossiers',
  'GET /v1/escalations': 'listEscalations',
  'GET /v1/reports/sla': 'getSlaReport',
  'GET /v1/monitoring/summary': 'getMonitoringSummary',
  'GET /v1/monitoring/trends': 'getMonitoringTrends',
  'GET /v1/monitoring/overdue': 'listMonitoringOverdue',
  'GET /v1/monitoring/due-soon': 'listMonitoringDueSoon',
  'GET /v1/monitoring/escalations': 'listMonitoringEscalations',
  'GET /v1/monitoring/procedures/{key}/versions/{version}/steps': 'getMonitoringStepStatistics',
  'GET /v1/monitoring/attribution': 'getMonitoringLateAttribution',
  'GET /v1/reports/service-index': 'getServiceIndexReport',
  'GET /v1/calendar/due': 'getCalendarDue',
  'GET /v1/calendar/elapsed': 'getCalendarElapsed',
  'GET /v1/calendar/days': 'getCalendarDays',
  'GET /v1/calendar/overrides': 'listCalendarOverrides',
  'PUT /v1/calendar/overrides/{date}': 'setCalendarOverride',
  'DELETE /v1/calendar/overrides/{date}': 'deleteCalendarOverride',
  'GET /v1/units': 'listUnits',
  'POST /v1/units': 'createUnit',
  'GET /v1/units/{id}': 'getUnit',
  'PATCH /v1/units/{id}': 'renameUnit',
  'POST /v1/units/{id}/dissolve': 'dissolveUnit',
  'POST /v1/api-keys': 'issueApiKey',
  'GET /v1/api-keys': 'listApiKeys',
  'GET /v1/api-keys/{id}': 'getApiKey',
  'DELETE /v1/api-keys/{id}': 'revokeApiKey',
  'GET /v1/dossiers/{id}/forms': 'listDossierForms',
  'GET /v1/dossiers/{id}/forms/{form}': 'getDossierForm',
  'GET /v1/units/{id}/dossier-register': 'getUnitDossierRegister',
  'GET /v1/public/dossiers/{code}': 'lookupPublicDossier',
};

/** Kept one release for old clients; the document says what replaces them. */
export const deprecatedAliases: Record<string, string> = {
  'POST /v1/dossiers/{id}/{operation}': 'Deprecated: use the route of each command (`POST /v1/dossiers/{id}/transfer`, `…/supplement-request`, …), which declares the body it needs. Removed in the next release.',
};

export const tags = [
  { name: 'health', description: 'Liveness and readiness for orchestrators; public, never rate-limited.' },
  { name: 'procedures', description: 'Publish BPMN 2.0 diagrams as versioned procedures; read them back.' },
  { name: 'decisions', description: 'Publish DMN 1.3 decision tables (fees, eligibility) as versioned decisions for business rule tasks; read them back.' },
  { name: 'cases', description: 'Cases (running process instances): start, read, history, messages, incidents, migration.' },
  { name: 'tasks', description: 'User tasks: the work list of officials, and completing a task.' },
  { name: 'messages', description: 'Messages by correlation (business key, dossier code, diagram variable), message start events, signal broadcasts.' },
  { name: 'dossiers', description: 'Dossiers (hồ sơ TTHC): receipt, lifecycle commands, fees, results, the tracking sheet.' },
  { name: 'deadlines', description: 'Statutory clocks: pause, resume, apologies, escalations and the SLA report.' },
  { name: 'calendar', description: 'The working-day calendar: due instants, working time, overrides.' },
  { name: 'units', description: 'Organisation units (cơ quan, đơn vị): tree, rename, dissolve, reassignment.' },
  { name: 'api-keys', description: 'API keys and their roles (docs/access-control.md).' },
  { name: 'reports', description: 'National service-index indicators (Decision 766).' },
  { name: 'monitoring', description: "Supervisors' figures kept at commit: received, in progress, paused, early / on time / late (docs/monitoring.md)." },
  { name: 'forms', description: 'Printable forms and registers of dossiers (biểu mẫu, sổ theo dõi).' },
  { name: 'operations', description: 'Prometheus metrics and the queue board for operators (docs/operations.md).' },
  { name: 'public', description: 'Citizen lookup of a dossier by code and verification number; no API key, its own rate limit.' },
];

/** Each status the service can answer beyond a route's own, with the codes it carries (docs/api-errors.md). */
export const commonErrors: Record<string, { description: string; codes: string[] }> = {
  '400': { description: 'The request is malformed or fails its schema', codes: ['VALIDATION_FAILED', 'INVALID_JSON', 'BAD_REQUEST', 'INVALID_URL', 'INVALID_CONTENT_LENGTH', 'INVALID_CURSOR'] },
  '401': { description: 'No credentials, or an unknown / revoked API key', codes: ['UNAUTHENTICATED', 'INVALID_CREDENTIALS'] },
  '403': { description: "The key's roles do not grant the route's permission, or the object is outside the caller's units", codes: ['FORBIDDEN', 'OUT_OF_SCOPE', 'NO_PERMISSION_DECLARED'] },
  '404': { description: 'The object does not exist or is not visible to the caller', codes: ['NOT_FOUND', 'ROUTE_NOT_FOUND'] },
  '409': { description: 'The object is not in a state that allows this request', codes: ['CONFLICT'] },
  '413': { description: 'The body is larger than the configured limit', codes: ['BODY_TOO_LARGE'] },
  '415': { description: 'The body has a media type this route does not take', codes: ['UNSUPPORTED_MEDIA_TYPE'] },
  '422': { description: 'The request is well-formed but refused by a business rule', codes: ['UNPROCESSABLE'] },
  '429': { description: 'The per-key rate limit is spent; see Retry-After', codes: ['RATE_LIMITED'] },
  '500': { description: 'Internal error; the body says nothing of internals', codes: ['INTERNAL'] },
  '503': { description: 'The service sheds load; see Retry-After', codes: ['OVERLOADED'] },
};

type Json = Record<string, unknown>;
interface Operation extends Json {
  operationId?: string;
  responses?: Record<string, Json>;
  requestBody?: unknown;
  security?: unknown[];
  tags?: string[];
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
const errorContent = {
  'application/json': { schema: { $ref: '#/components/schemas/Error' } },
  'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
};

function errorResponse(status: string, existing?: Json): Json {
  const known = commonErrors[status];
  const description = known ? `${known.description}. Codes: ${known.codes.map((c) => `\`${c}\``).join(', ')}` : (existing?.description as string) || 'Error';
  return { ...existing, description, content: errorContent };
}

/** The statuses an operation can return besides those its route declares. */
function impliedStatuses(path: string, op: Operation): string[] {
  const statuses = ['400', '500', '503'];
  const isPublic = Array.isArray(op.security) && op.security.length === 0;
  if (!isPublic) statuses.push('401', '403', '429');
  if (op.requestBody) statuses.push('413', '415');
  if (path.includes('{')) statuses.push('404');
  return statuses;
}

/** `transformObject` of @fastify/swagger: the finished document → the contract. */
export function contractDocument(doc: Json): Json {
  doc.openapi = '3.1.0';
  doc.tags = tags;
  const paths = (doc.paths ?? {}) as Record<string, Record<string, Operation>>;
  for (const [path, item] of Object.entries(paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      op.operationId ??= operationIds[`${method.toUpperCase()} ${path}`];
      if (deprecatedAliases[`${method.toUpperCase()} ${path}`]) {
        op.deprecated = true;
        op.description = `${deprecatedAliases[`${method.toUpperCase()} ${path}`]}\n\n${String(op.description ?? '')}`;
      }
      const responses: Record<string, Json> = (op.responses ??= {});
      for (const status of impliedStatuses(path, op)) responses[status] ??= {};
      for (const status of Object.keys(responses)) {
        if (Number(status) >= 400) responses[status] = errorResponse(status, responses[status]);
      }
    }
  }
  const components = ((doc.components ??= {}) as Json);
  const schemas = ((components.schemas ??= {}) as Json);
  schemas.Problem = problemSchema;
  return doc;
}

/** RFC 9457 problem details with our stable code; `error` is the old envelope, kept one release. */
export const problemSchema = {
  type: 'object',
  description: 'RFC 9457 problem details (sent when the request accepts application/problem+json)',
  required: ['type', 'title', 'status', 'code'],
  properties: {
    type: { type: 'string', description: 'A URI naming the code: urn:tthc:error:<CODE>' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    code: { type: 'string', description: 'The stable error code (docs/api-errors.md)' },
    details: {},
    error: { type: 'object', description: 'The former envelope, kept for one release', properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} } },
  },
} as const;

export interface RegisteredRoute {
  method: string;
  /** OpenAPI form: `/v1/cases/{id}`. */
  path: string;
  permission: unknown;
  public: boolean;
}

const registered = new WeakMap<object, RegisteredRoute[]>();

/** Routes the document must show (hidden ones and HEAD excluded), for the contract test. */
export function registeredRoutes(app: object): RegisteredRoute[] {
  return registered.get(app) ?? [];
}

interface SeenRoute {
  method: string | string[];
  url: string;
  schema?: { hide?: boolean };
  config?: { public?: boolean; permission?: unknown };
}

/** An onRoute hook recording every documented route of `app`. */
export function recordRoutes(app: object): (route: SeenRoute) => void {
  const list: RegisteredRoute[] = [];
  registered.set(app, list);
  return (route) => {
    if (route.schema?.hide) return;
    const path = route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue;
      list.push({ method, path, permission: route.config?.permission, public: route.config?.public === true });
    }
  };
}
