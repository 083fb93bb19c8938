import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { CommandStartedEvent } from 'mongodb';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import { createApiKeyService, createPeopleDirectory, type ApiKeyService } from './auth/api-keys.js';
import { createServiceIndexReport } from './reports/service-index.js';
import { createAuthenticator } from './auth/authenticator.js';
import { createScopeOf, type ScopeOf } from './auth/scope.js';
import { createBaseMarkerStore, syncBaseCalendar } from './calendar/base-sync.js';
import { createCalendarProvider, type CalendarProvider } from './calendar/calendar-provider.js';
import { createCaseService, type CaseService } from './cases/case-service.js';
import { createCaseTransactions } from './cases/case-transactions.js';
import { callActivityPolicy, createCallActivities, type CallJobData } from './cases/call-activities.js';
import { createDeadlineService, type DeadlineService } from './cases/deadline-service.js';
import { createIdempotentStart, type StartRequest } from './cases/idempotency.js';
import { createProcedureService, type ProcedureService } from './cases/procedure-service.js';
import { createDecisionService, type DecisionService } from './decisions/decision-service.js';
import { createDecisionRunner } from './decisions/decision-runner.js';
import { DECISION_TOPIC } from './decisions/decision-task.js';
import { decisionCollection } from './store/decision-store.js';
import { createQueries } from './cases/queries.js';
import { isValidDuration } from './deadlines/timer-durations.js';
import { DomainError } from './domain/errors.js';
import { buildApp } from './http/app.js';
import { loadPlugins } from './plugins/plugin-host.js';
import { createJobEffects, createJobLookup, createQueues } from './scheduler/queues.js';
import { createTimerStarts } from './scheduler/timer-starts.js';
import { createMaintenanceQueue, serviceMaintenance, startMaintenance } from './scheduler/maintenance.js';
import { RECOMPUTE_JOB, startWorkers, type Workers } from './scheduler/workers.js';
import { createCalendarStore } from './store/calendar-store.js';
import { createCaseLock } from './store/case-lock.js';
import { createCaseStore } from './store/case-store.js';
import { rollupStore, type MonitoringDelta } from './monitoring/rollup-store.js';
import { monitoringRollupPolicy, monitoringStepPolicy } from './monitoring/rollup-policy.js';
import { monitoringWorkPolicy } from './monitoring/work-policy.js';
import { backfillWorkFields } from './monitoring/work-backfill.js';
import { stepStore } from './monitoring/step-store.js';
import { isFerretDb } from './store/server-kind.js';
import { leaseSerializer } from './store/redis-lease.js';
import { createWorklists } from './monitoring/worklists.js';
import { connectDatabase } from './store/mongo.js';
import { createUnitService, type UnitService } from './org/unit-service.js';
import { createUnitStore } from './org/unit-store.js';
import { createOutbox } from './store/outbox.js';
import { createMigrationService } from './cases/migration-service.js';
import { createSlaReport } from './cases/sla-report.js';
import { slaCounterStore } from './cases/sla-counter-store.js';
import { slaCountersPolicy } from './cases/sla-counters.js';
import { createDossierCodes } from './dossiers/dossier-codes.js';
import { createDossierQueries } from './dossiers/dossier-queries.js';
import { createDossierService, type ReceiptInput } from './dossiers/dossier-service.js';
import { portalSnapshot } from './dossiers/portal-snapshot.js';
import { portalOutboxRecord } from './integration/portal-outbox.js';
import { createPortalSync } from './integration/portal-sync.js';
import { defaultCommitPolicies } from './policies/commit-policies.js';
import { seedUnits } from './org/seed.js';
import { migrateCaseUnits } from './cases/unit-migration.js';
import { createUnitCache } from './org/unit-cache.js';
import { createOperations } from './observability/operations.js';
import { createMessaging, subscriptionPolicy } from './messaging/index.js';

export interface ContainerOptions {
  /** Injectable clock for tests; production uses the wall clock. */
  now?: () => Date;
  /** Sees every database command (tests/store/round-trips.test.ts counts them). */
  onDatabaseCommand?: (event: CommandStartedEvent) => void;
}

export interface Container {
  app: FastifyInstance;
  procedures: ProcedureService;
  decisions: DecisionService;
  cases: CaseService;
  deadlines: DeadlineService;
  calendars: CalendarProvider;
  units: UnitService;
  apiKeys: ApiKeyService;
  /** Which units a principal sees (src/auth/scope.ts). */
  scopeOf: ScopeOf;
  /** Starts BullMQ workers and background recovery (role all/worker). */
  startBackground(): Promise<void>;
  publishDirectory(dir: string): Promise<void>;
  close(): Promise<void>;
}


/** The composition root: the one place that sees every adapter and wires them together. */
export async function createContainer(config: Config, options: ContainerOptions = {}): Promise<Container> {
  const now = options.now ?? (() => new Date());
  const redisOptions = { maxRetriesPerRequest: null };
  const redis = new Redis(config.redisUrl, redisOptions);
  const database = await connectDatabase(config.mongodbUrl, { onCommand: options.onDatabaseCommand });
  const plugins = await loadPlugins(config.pluginsDirs);

  const queues = createQueues({ url: config.redisUrl, ...redisOptions }, config.redisPrefix, {
    attempts: config.pluginAttempts,
    backoffMs: config.pluginBackoffMs,
  });
  const maintenanceQueue = createMaintenanceQueue({ url: config.redisUrl, ...redisOptions }, config.redisPrefix);
  const calendarStore = createCalendarStore(database.db);
  await calendarStore.ensureIndexes();
  let log: FastifyBaseLogger | null = null;
  const calendars = createCalendarProvider(calendarStore, {
    officeHours: config.calendar.officeHours,
    weekend: config.calendar.weekend,
    deadlineEnd: config.calendar.deadlineEnd,
    refreshMs: config.calendar.refreshMs,
    ...(config.calendar.holidays === 'none' ? { baseEntries: [] } : {}),
    onError: (err, context) => log?.error({ err, context }, 'calendar provider'),
  });

  const jobEffects = createJobEffects(queues, now);
  // FerretDB loses concurrent $inc and can wedge on concurrent upsert batches: one writer there.
  const serializeCounters = (await isFerretDb(database.db)) ? leaseSerializer(redis, `${config.redisPrefix}:lock:monitoring-counters`) : undefined;
  const rollups = rollupStore(database.db, undefined, serializeCounters);
  await rollups.ensureIndexes();
  const steps = stepStore(database.db);
  const slaCounters = slaCounterStore(database.db);
  const store = createCaseStore(database.collections, jobEffects, (commitId, deltas, at, replay) => rollups.apply(commitId, deltas as MonitoringDelta[], at, replay));
  const lock = createCaseLock(redis, { prefix: config.redisPrefix, leaseMs: config.lockLeaseMs, waitMs: config.lockWaitMs });
  const decisionStore = decisionCollection(database.db);
  await decisionStore.ensureIndexes();
  const decisions = createDecisionService(decisionStore.col, now);
  const procedures = createProcedureService(
    database.collections,
    () => ({ plugins: new Set(plugins.keys()), isValidDuration }),
    now,
    (await calendars.current()).calendar.minutesPerWorkingDay,
    { ...config.limits, decisionExists: (key, version) => decisions.exists(key, version) },
  );
  const units = createUnitService(createUnitStore(database.db), { now, cacheMs: config.authCacheMs });
  await units.ensureIndexes();
  const unitCache = createUnitCache(() => units.list({ active: false }));
  await unitCache.start();
  // Names of the people behind keys, known to commits (portal progress) and papers.
  const people = createPeopleDirectory(config.adminPerson);
  const tx = createCaseTransactions({
    store,
    lock,
    procedures,
    now,
    calendar: async () => (await calendars.current()).calendar,
    reminderShare: config.reminderShare,
    workerLockWaitMs: Math.max(config.lockWaitMs, 15_000),
    policies: [
      ...defaultCommitPolicies({
        // Records are kept even when sync is off, so the portal later gets every state in order.
        portalRecord: (doc, at) => portalOutboxRecord(doc._id, doc.dossier?.portalSeq ?? 0, portalSnapshot(doc, unitCache, people), at),
      }),
      callActivityPolicy,
      monitoringRollupPolicy,
      monitoringStepPolicy,
      subscriptionPolicy,
      slaCountersPolicy,
      monitoringWorkPolicy,
    ],
  });
  const cases = createCaseService(tx, { maxPendingTimers: config.maxPendingTimersPerCase });
  const callActivities = createCallActivities({
    tx,
    cases,
    unitActive: (id) =>
      units.get(id).then(
        (unit) => unit.dissolvedAt === null,
        (err: unknown) => {
          if (err instanceof DomainError && err.statusCode === 404) return false;
          throw err;
        },
      ),
  });
  // Messages by correlation, message starts, signal broadcasts (src/messaging).
  const messaging = createMessaging({
    tx,
    cases,
    db: database.db,
    collections: database.collections,
    procedures,
    signalQueue: queues.signals,
    descendantsOf: (ids) => units.descendantsOf(ids),
    now,
    batchSize: config.signalBatchSize,
    batchesPerRun: config.signalBatchesPerRun,
    lockWaitMs: Math.max(config.lockWaitMs, 15_000),
  });
  // Timer start events: a new version declares, replaces or removes its key's schedule (re-declared every minute too).
  const timerStarts = createTimerStarts({ connection: { url: config.redisUrl, ...redisOptions }, prefix: config.redisPrefix, procedures, cases, log: () => appLog });
  procedures.onPublished((key) => timerStarts.sync(key).catch((err: unknown) => appLog.warn({ err, key }, 'timer start schedule not declared yet')));
  const deadlines = createDeadlineService(tx, database.collections);
  const queries = createQueries(database.collections);
  const outbox = createOutbox(database.collections, plugins, now);
  const apiKeys = createApiKeyService(database.db, { units, now, cacheMs: config.authCacheMs, people });
  await apiKeys.ensureIndexes();
  const scopeOf = createScopeOf(units);
  const authenticate = createAuthenticator({ adminApiKey: config.adminApiKey, apiKeys });
  const dossierQueries = createDossierQueries(database.collections);
  const migrations = createMigrationService(tx);
  const dossiers = createDossierService({
    tx,
    cases,
    procedures,
    codes: createDossierCodes(database.db, config.dossierCodeFormat),
    units: {
      async get(id) {
        const unit = await units.resolve(id).catch((err: unknown) => {
          if (err instanceof DomainError && err.statusCode === 404) return null;
          throw err;
        });
        return unit ? { id: unit.id, code: unit.code, name: unit.name, dissolvedAt: unit.dissolvedAt?.toISOString() ?? null } : null;
      },
    },
  });
  const startIdempotent = createIdempotentStart<StartRequest>(
    database.collections,
    (caseId, request) => cases.start({ caseId, ...request }),
    (caseId) => cases.getCommitted(caseId),
    now,
    'case',
  );
  const receiveIdempotent = createIdempotentStart<ReceiptInput>(
    database.collections,
    (caseId, input) => dossiers.receive({ ...input, caseId }),
    (caseId) => dossiers.ensureProcessing(caseId),
    now,
    'dossier',
  );

  const app = await buildApp(
    {
      procedures,
      decisions,
      cases,
      deadlines,
      queries,
      calendars,
      startIdempotent,
      units,
      apiKeys,
      authenticate,
      scopeOf,
      dossiers,
      slaReport: createSlaReport(database.collections, slaCounters, async () => (await units.list({ active: false })).map((u) => u.id)),
      rollups,
      steps,
      worklists: createWorklists({
        ...database.collections,
        calendar: async () => (await calendars.current()).calendar,
        stepName: async (key, version, activityId) => (await procedures.compiled(key, version)).catalog.get(activityId)?.name ?? null,
        unitName: async (id) => (id ? ((await units.get(id))?.name ?? id) : null),
        now,
        allUnitIds: async () => (await units.list({ active: false })).map((u) => u.id),
      }),
      serviceIndex: createServiceIndexReport({
        cases: database.collections.cases,
        descendantsOf: (ids) => units.descendantsOf(ids),
        allUnitIds: async () => (await units.list({ active: false })).map((u) => u.id),
      }),
      receiveIdempotent,
      dossierQueries,
      migrations,
      messaging,
      unitName: async (id) => (id ? ((await units.get(id))?.name ?? id) : null),
      readiness: {
        mongodb: async () => void (await database.db.command({ ping: 1 })),
        redis: async () => void (await redis.ping()),
      },
      operations: createOperations({
        queues: [queues.timers, queues.serviceTasks, queues.deadlines, queues.portalSync, queues.notifications, queues.calls, maintenanceQueue],
        collections: database.collections,
        ...config.metrics,
      }),
    },
    {
      logger: { level: config.logLevel },
      bodyLimitBytes: config.bodyLimitBytes,
      http: config.http,
      rateLimitStore: { redis, nameSpace: `${config.redisPrefix}:rate-limit:` },
    },
  );
  log = app.log;
  const appLog = app.log;
  if (!config.adminApiKey && config.role !== 'worker') appLog.warn('ADMIN_API_KEY is not set: only issued API keys authenticate (docs/access-control.md)');
  const unitMigration = await migrateCaseUnits(database.db, database.collections, config.caseUnitMigrationUnitId);
  if (unitMigration.migrated > 0) appLog.info(unitMigration, 'cases without a unit were given one');
  const slaBackfilled = await slaCounters.backfill(database.collections, (id, deltas, at) => rollups.apply(id, deltas as MonitoringDelta[], at));
  if (slaBackfilled > 0) appLog.info({ counted: slaBackfilled }, 'SLA report counters filled from cases and steps finished before they existed');
  const folded = await rollups.foldLegacyRows();
  if (folded > 0) appLog.info({ folded }, 'monitoring rollup rows of the first layout moved to monitoring_counts');
  const listed = await backfillWorkFields({
    db: database.db,
    ...database.collections,
    stepName: async (key, version, activityId) => (await procedures.compiled(key, version)).catalog.get(activityId)?.name ?? null,
  });
  if (listed > 0) appLog.info({ listed }, 'open dossier tasks given the monitoring lists\' fields');
  if (unitMigration.left > 0) {
    appLog.warn(unitMigration, 'cases without a unit remain, seen only by unscoped keys: set CASE_UNIT_MIGRATION_UNIT_ID (docs/access-control.md)');
  }

  // A calendar change moves running deadlines through one job per open case with a clock: the
  // request returns at once, and workers on every replica share the work durably.
  calendars.onChange(async ({ version, affectedFrom, base }) => {
    const ids = await deadlines.casesWithClocks();
    for (let i = 0; i < ids.length; i += 1000) {
      await queues.deadlines.addBulk(
        ids.slice(i, i + 1000).map((caseId) => ({
          name: RECOMPUTE_JOB,
          data: { caseId, affectedFrom },
          opts: { jobId: `recompute-${caseId}-${base ? `b${base}` : `v${version}`}` },
        })),
      );
    }
    appLog.info({ version, base, affectedFrom, cases: ids.length }, 'calendar changed: recomputing running deadlines');
  });
  // New holiday data shipped with this deploy moves running deadlines too (calendar/base-sync.ts).
  await syncBaseCalendar(createBaseMarkerStore(database.db), calendars.baseEntries, (change) => calendars.announceBaseChange(change)).catch(
    (err: unknown) => appLog.error({ err }, 'holiday data check failed; retried at the next start'),
  );

  const portalSync = createPortalSync({
    outbox: database.collections.portalOutbox,
    connection: { url: config.redisUrl, ...redisOptions },
    redis,
    prefix: config.redisPrefix,
    endpoint: config.portalSyncUrl,
    timeoutMs: config.portalSyncTimeoutMs,
    log: appLog,
  });

  let workers: Workers | null = null;
  let messagingWorker: { close(): Promise<void> } | null = null;
  let maintenance: { close(): Promise<void> } | null = null;

  /** Applicant notices go through notify-applicant; escalations through the supervisors' transport. */
  const deliverNotification = (id: string) =>
    outbox.deliver(id, id.startsWith('applicant.') ? config.applicantNotifier : config.escalationNotifier, appLog);

  // The recovery sweep and the job reconciler (src/scheduler/): wired here, run by the maintenance schedulers.
  const { recoverOnce, reconcileOnce, tasks: maintenanceTasks } = serviceMaintenance({
    recovery: {
      recoverUnapplied: (olderThan) => cases.recoverUnapplied(olderThan),
      portalSweep: () => portalSync.sweep(),
      pendingNotices: (olderThan) => outbox.pending(olderThan),
      deliverNotice: deliverNotification,
      stalledReceipts: (olderThan) => dossierQueries.stalledReceipts(olderThan),
      ensureProcessing: (id) => dossiers.ensureProcessing(id),
      log: appLog,
    },
    reconcile: { collections: database.collections, jobs: jobEffects, lookup: () => createJobLookup(queues), redis, prefix: config.redisPrefix, now, log: appLog },
  });

  return {
    app,
    procedures,
    decisions,
    cases,
    deadlines,
    calendars,
    units,
    apiKeys,
    scopeOf,
    async startBackground() {
      workers = startWorkers({ url: config.redisUrl, ...redisOptions }, config.redisPrefix, config.workerConcurrency, {
        cases,
        deadlines,
        deliverNotification,
        // Business rule tasks run as service tasks of DECISION_TOPIC (src/decisions/decision-runner.ts).
        plugins: new Map([
          ...plugins,
          [
            DECISION_TOPIC,
            createDecisionRunner({
              resolve: (key, version) => decisions.resolve(key, version),
              specOf: async (caseId, activityId) => {
                const doc = await database.collections.cases.findOne({ _id: caseId }, { projection: { procedureKey: 1, procedureVersion: 1 } });
                return doc ? (await procedures.compiled(doc.procedureKey, doc.procedureVersion)).catalog.get(activityId)?.decision : undefined;
              },
            }),
          ],
        ]),
        loadVariables: (caseId) => queries.variables(caseId),
        calls: (data) => callActivities.process(data as CallJobData),
        log: appLog,
        now,
      });
      portalSync.startWorker();
      messagingWorker = messaging.startWorker({ url: config.redisUrl, ...redisOptions }, config.redisPrefix, config.workerConcurrency, appLog);
      // Once here at start (this replica's own leftovers), then on the shared schedulers.
      await recoverOnce();
      await reconcileOnce();
      await timerStarts.start();
      maintenance = await startMaintenance({
        queue: maintenanceQueue,
        connection: { url: config.redisUrl, ...redisOptions },
        prefix: config.redisPrefix,
        log: appLog,
        tasks: maintenanceTasks,
      });
    },
    async publishDirectory(dir: string) {
      const seeded = await seedUnits(units, path.join(dir, 'units.json'));
      if (seeded.created > 0) await unitCache.refresh();
      // Decision tables first: the business rule tasks of the diagrams refer to them.
      for (const file of (await readdir(dir)).filter((f) => f.endsWith('.dmn')).sort()) {
        try {
          const published = await decisions.publish(await readFile(path.join(dir, file), 'utf8'), 'startup');
          appLog.info({ file, decisions: published.decisions.map((d) => `${d.key}@${d.version}`) }, 'decisions from processes/');
        } catch (err) {
          if (!(err instanceof DomainError)) throw err;
          throw new Error(`processes/${file} does not validate: ${JSON.stringify(err.details)}`, { cause: err });
        }
      }
      const files = (await readdir(dir)).filter((f) => f.endsWith('.bpmn')).sort();
      for (const file of files) {
        try {
          const schemaFile = path.join(dir, file.replace(/\.bpmn$/, '.schema.json'));
          const schema = await readFile(schemaFile, 'utf8').then((text) => JSON.parse(text) as object, () => null);
          const { procedure, created } = await procedures.publish(await readFile(path.join(dir, file), 'utf8'), 'startup', schema);
          appLog.info({ file, key: procedure.key, version: procedure.version, created }, 'procedure from processes/');
        } catch (err) {
          if (!(err instanceof DomainError)) throw err;
          appLog.error({ file, code: err.code, details: err.details }, 'procedure in processes/ was refused');
          throw new Error(`processes/${file} does not validate: ${JSON.stringify(err.details)}`, { cause: err });
        }
      }
    },
    async close() {
      await maintenance?.close();
      await timerStarts.close();
      unitCache.stop();
      await app.close();
      await workers?.close();
      await messagingWorker?.close();
      await portalSync.close();
      await queues.close();
      await maintenanceQueue.close();
      await redis.quit();
      await database.close();
    },
  };
}
