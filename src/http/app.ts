import Fastify, { type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { CalendarProvider } from '../calendar/calendar-provider.js';
import type { CaseService } from '../cases/case-service.js';
import type { DeadlineService } from '../cases/deadline-service.js';
import type { ProcedureService } from '../cases/procedure-service.js';
import type { Queries } from '../cases/queries.js';
import type { IdempotentStart } from '../cases/idempotency.js';
import type { ApiKeyService } from '../auth/api-keys.js';
import type { Authenticate } from '../auth/authenticator.js';
import { documentAccess, security, securitySchemes } from '../auth/openapi.js';
import { contractDocument, recordRoutes } from './openapi-contract.js';
import { authPlugin } from '../auth/plugin.js';
import type { ScopeOf } from '../auth/scope.js';
import type { UnitService } from '../org/unit-service.js';
import type { MigrationService } from '../cases/migration-service.js';
import type { SlaReport } from '../cases/sla-report.js';
import type { DossierQueries } from '../dossiers/dossier-queries.js';
import type { DossierService, ReceiptInput } from '../dossiers/dossier-service.js';
import { dossierRoutes } from './routes/dossiers.js';
import { frameworkErrors, registerErrorHandling } from './errors.js';
import { clientErrorHandler } from './client-errors.js';
import { registerInputGuard } from './input-guard.js';
import { registerProtection, type ProtectionOptions } from './protection.js';
import { timeoutCheckIntervalMs, type HttpProtection } from './server-config.js';
import { sharedSchemas } from './schemas.js';
import { calendarRoutes } from './routes/calendar.js';
import { caseRoutes } from './routes/cases.js';
import { deadlineRoutes } from './routes/deadlines.js';
import { healthRoutes, type ReadinessCheck } from './routes/health.js';
import { procedureRoutes } from './routes/procedures.js';
import { decisionRoutes } from './routes/decisions.js';
import type { DecisionService } from '../decisions/decision-service.js';
import { modelerDeployRoutes } from './routes/modeler-deploy.js';
import { taskRoutes } from './routes/tasks.js';
import { apiKeyRoutes } from './routes/api-keys.js';
import { unitRoutes } from './routes/units.js';
import { reportRoutes } from './routes/reports.js';
import { monitoringRoutes } from './routes/monitoring.js';
import { monitoringTrendRoutes } from './routes/monitoring-trends.js';
import { monitoringStepRoutes } from './routes/monitoring-steps.js';
import type { StepStore } from '../monitoring/step-store.js';
import type { RollupStore } from '../monitoring/rollup-store.js';
import type { Worklists } from '../monitoring/worklists.js';
import { formRoutes } from './routes/forms.js';
import { publicRoutes } from '../public/routes.js';
import type { ServiceIndexReport } from '../reports/service-index.js';
import { metricsRoutes, registerRequestMetrics } from './routes/metrics.js';
import { queueBoardRoutes } from './routes/queue-board.js';
import { consoleRoutes } from '../console/routes.js';
import type { Messaging } from '../messaging/index.js';
import { messageRoutes } from './routes/messages.js';
import { createSessionStore, sessionIdOf } from '../console/sessions.js';
import type { Operations } from '../observability/operations.js';

export interface AppServices {
  procedures: ProcedureService;
  /** DMN decisions for business rule tasks (src/decisions). */
  decisions?: DecisionService;
  cases: CaseService;
  deadlines: DeadlineService;
  calendars: CalendarProvider;
  queries: Queries;
  startIdempotent: IdempotentStart;
  units: UnitService;
  apiKeys: ApiKeyService;
  /** Bearer token → principal (ADMIN_API_KEY or an issued API key). */
  authenticate: Authenticate;
  /** Which units a principal sees, for filtering cases and tasks. */
  scopeOf: ScopeOf;
  dossiers: DossierService;
  slaReport: SlaReport;
  serviceIndex: ServiceIndexReport;
  /** Monitoring counters kept at commit (src/monitoring). */
  rollups: RollupStore;
  steps: StepStore;
  /** Overdue, due-soon and escalation lists of the open work (src/monitoring/worklists.ts). */
  worklists?: Worklists;
  receiveIdempotent: IdempotentStart<ReceiptInput>;
  dossierQueries: DossierQueries;
  migrations: MigrationService;
  unitName: (id: string | null) => Promise<string | null>;
  readiness: Record<string, ReadinessCheck>;
  /** /metrics and the queue board (docs/operations.md); absent: neither is served. */
  operations?: Operations;
  /** POST /v1/messages and /v1/signals (src/messaging); absent: not served. */
  messaging?: Messaging;
}

export interface AppOptions {
  logger: FastifyServerOptions['logger'];
  bodyLimitBytes: number;
  /** Timeouts, rate limits, shedding, headers; absent: Fastify's defaults and no protection. */
  http?: HttpProtection;
  /** Where rate-limit counters live, so replicas share them; absent: per process. */
  rateLimitStore?: { redis: NonNullable<ProtectionOptions['rateLimit']>['redis']; nameSpace: string };
}

/** The HTTP surface: thin routes over the use cases, one error shape, OpenAPI from the schemas. */
export async function buildApp(services: AppServices, options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimitBytes,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: true } },
    requestIdHeader: 'x-request-id',
    ...serverTimeouts(options.http),
    // Failures before routing (Node's parser, the router) answer in the one error shape too.
    clientErrorHandler,
    frameworkErrors,
  });

  // BPMN XML arrives under many labels: `curl --data-binary @x.bpmn` sends a form type,
  // some tools text/plain or octet-stream. Any of them is taken as text; routes with JSON
  // bodies refuse a string through their schemas.
  app.addContentTypeParser(
    ['application/xml', 'text/xml', 'application/bpmn+xml', 'text/plain', 'application/octet-stream', 'application/x-www-form-urlencoded'],
    { parseAs: 'string' },
    (_req, body, done) => done(null, body),
  );

  for (const schema of sharedSchemas) app.addSchema(schema);
  registerErrorHandling(app);
  if (options.http) await registerProtection(app, protectionOf(options.http, options.rateLimitStore));
  registerInputGuard(app);
  if (services.operations) registerRequestMetrics(app);
  // Before any route: every route is authenticated and declares a permission, or is public.
  const consoleSessions = createSessionStore();
  await app.register(authPlugin, {
    authenticate: services.authenticate,
    isTrusted: services.operations?.isTrusted,
    sessionToken: (cookie) => {
      const id = sessionIdOf(cookie);
      return id ? consoleSessions.tokenOf(id) : null;
    },
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'BPMN orchestration service',
        version: '0.1.0',
        description: 'Publish administrative procedures as BPMN 2.0 and drive their cases.',
      },
      components: { securitySchemes },
      security,
    },
    transform: documentAccess,
    transformObject: (documentObject) => contractDocument((documentObject as { openapiObject: Record<string, unknown> }).openapiObject) as never,
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(async (docs) => {
    // The documentation UI and its assets need no credentials.
    docs.addHook('onRoute', (route) => {
      route.config = { ...route.config, public: true };
    });
    await docs.register(swaggerUi, { routePrefix: '/docs' });
  });
  app.get('/openapi.json', { schema: { hide: true }, config: { public: true } }, async () => app.swagger());

  app.addHook('onRoute', recordRoutes(app));
  await app.register(healthRoutes, { checks: services.readiness });
  await app.register(procedureRoutes, { procedures: services.procedures });
  if (services.decisions) await app.register(decisionRoutes, { decisions: services.decisions });
  await app.register(modelerDeployRoutes, { procedures: services.procedures, ...(services.decisions ? { decisions: services.decisions } : {}) });
  const scopeOfRequest = (request: FastifyRequest) => services.scopeOf(request.principal);
  await app.register(caseRoutes, { ...services, scopeOf: scopeOfRequest, requireActiveUnit: services.dossiers.requireActiveUnit });
  await app.register(taskRoutes, { ...services, scopeOf: scopeOfRequest });
  if (services.messaging) {
    await app.register(messageRoutes, { messaging: services.messaging, scopeOf: scopeOfRequest, requireActiveUnit: services.dossiers.requireActiveUnit });
  }
  await app.register(dossierRoutes, {
    dossiers: services.dossiers,
    receiveIdempotent: services.receiveIdempotent,
    dossierQueries: services.dossierQueries,
    migrations: services.migrations,
    scopeOf: scopeOfRequest,
    assertVisible: async (request: FastifyRequest, caseId: string) => services.queries.assertVisible(caseId, await scopeOfRequest(request)),
    unitName: services.unitName,
    peopleOf: (actors) => services.apiKeys.peopleOf(actors),
    history: async (caseId) => (await services.queries.history(caseId)).items.map((h) => ({ at: h.at, type: h.type, by: h.by })),
    heldBy: (unitId, procedureKey) => services.dossierQueries.heldBy(unitId, procedureKey),
  });
  await app.register(deadlineRoutes, { ...services, scopeOf: scopeOfRequest });
  await app.register(calendarRoutes, { provider: services.calendars });
  await app.register(unitRoutes, { units: services.units });
  await app.register(apiKeyRoutes, { apiKeys: services.apiKeys });
  await app.register(reportRoutes, { serviceIndex: services.serviceIndex, scopeOf: scopeOfRequest });
  await app.register(monitoringRoutes, {
    rollups: services.rollups,
    ...(services.worklists ? { worklists: services.worklists } : {}),
    scopeOf: scopeOfRequest,
    allUnitIds: async () => (await services.units.list({ active: false })).map((u) => u.id),
  });
  const allUnitIds = async () => (await services.units.list({ active: false })).map((u) => u.id);
  await app.register(monitoringTrendRoutes, { rollups: services.rollups, scopeOf: scopeOfRequest, allUnitIds });
  await app.register(monitoringStepRoutes, { steps: services.steps, scopeOf: scopeOfRequest, allUnitIds });
  await app.register(formRoutes, { dossierQueries: services.dossierQueries, scopeOf: scopeOfRequest, unitName: services.unitName });
  await app.register(publicRoutes, { dossierQueries: services.dossierQueries, unitName: services.unitName });
  if (services.operations) await app.register(metricsRoutes, services.operations);
  if (services.operations) await app.register(queueBoardRoutes, services.operations);
  await app.register(consoleRoutes, { sessions: consoleSessions, authenticate: services.authenticate });
  return app;
}

function serverTimeouts(http: HttpProtection | undefined): FastifyServerOptions {
  if (!http) return {};
  return {
    connectionTimeout: http.connectionTimeoutMs,
    keepAliveTimeout: http.keepAliveTimeoutMs,
    requestTimeout: http.requestTimeoutMs,
    // Node checks for late requests every 30 s by default: a stalled body would wait that long.
    http: { headersTimeout: http.headersTimeoutMs, connectionsCheckingInterval: timeoutCheckIntervalMs(http.requestTimeoutMs) },
  } as FastifyServerOptions;
}

function protectionOf(http: HttpProtection, store: AppOptions['rateLimitStore']): ProtectionOptions {
  const pressure = http.pressure;
  const shedding = pressure.maxEventLoopDelayMs > 0 || pressure.maxEventLoopUtilization > 0 || pressure.maxHeapUsedBytes > 0;
  return {
    helmet: http.securityHeaders,
    pressure: shedding ? pressure : null,
    rateLimit:
      http.rateLimitMax > 0
        ? { max: http.rateLimitMax, windowMs: http.rateLimitWindowMs, redis: store?.redis ?? null, nameSpace: store?.nameSpace ?? 'rate-limit:' }
        : null,
  };
}
