import { Ajv } from 'ajv';
import type { FeelBudget } from './engine/feel-sandbox.js';
import { limitEnvSchema, limitsFromEnv, type DiagramLimits } from './engine/validation/limits.js';
import { httpEnv, httpProtection, type HttpEnvValues, type HttpProtection } from './http/server-config.js';

export interface Config {
  port: number;
  host: string;
  mongodbUrl: string;
  redisUrl: string;
  /** Key prefix for everything this deployment keeps in Redis (queues, locks). */
  redisPrefix: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** api: HTTP only; worker: BullMQ processors only; all: both in one process. */
  role: 'all' | 'api' | 'worker';
  processesDir: string;
  /** Comma-separated folders; later ones may add plugins (tests add fixtures). */
  pluginsDirs: string[];
  bodyLimitBytes: number;
  /** Limits of diagrams, case data and FEEL evaluation (docs/diagrams.md, "Limits"). */
  limits: {
    diagram: Partial<DiagramLimits>;
    caseDataMaxBytes: number;
    feel: FeelBudget;
    /** Instances one multi-instance activity may start (LIMIT_MULTI_INSTANCES). */
    multiInstanceMax: number;
  };
  /** Timeouts, rate limits, load shedding and security headers of the HTTP server (docs/api-errors.md). */
  http: HttpProtection;
  pluginAttempts: number;
  pluginBackoffMs: number;
  workerConcurrency: number;
  lockLeaseMs: number;
  lockWaitMs: number;
  /** Timers one case may wait on at once; a step that would exceed it is refused (docs/timers.md). */
  maxPendingTimersPerCase: number;
  /** Signal broadcasts (src/messaging/signals.ts): waiting cases per batch, batches per job run. */
  signalBatchSize: number;
  signalBatchesPerRun: number;
  calendar: {
    officeHours: { start: string; end: string }[];
    /** ISO weekdays off (6 = Saturday, 7 = Sunday). */
    weekend: (1 | 2 | 3 | 4 | 5 | 6 | 7)[];
    /** 'vn': the national holiday data; 'none': office hours and weekends only (tests). */
    holidays: 'vn' | 'none';
    refreshMs: number;
    /** Province setting: how day-based time limits end (DEADLINE_END, docs/calendar.md). */
    deadlineEnd: 'clock-time' | 'end-of-day';
  };
  /** Share of a budget at which a reminder fires, unless a procedure sets its own. */
  reminderShare: number;
  /** Plugin that delivers escalation notifications. */
  escalationNotifier: string;
  /** Plugin that tells applicants of receipt, supplement requests, apologies and results. */
  applicantNotifier: string;
  /** National-portal endpoint; null keeps status changes in the outbox. */
  portalSyncUrl: string | null;
  portalSyncTimeoutMs: number;
  /** e.g. '{agency}-{yymmdd}-{seq4}'. */
  dossierCodeFormat: string;
  /** The unit given to cases stored before every case had one (and no dossier says which); null: leave them to unscoped keys. */
  caseUnitMigrationUnitId: string | null;
  /** Bootstrap admin key (ADMIN_API_KEY); null: only issued API keys authenticate. */
  adminApiKey: string | null;
  /** Who holds the bootstrap admin key, as papers show them (ADMIN_DISPLAY_NAME, ADMIN_TITLE). */
  adminPerson: { name: string; title: string };
  /** How long a verified API key (and the unit tree for scopes) is reused per process, ≤ 5000 ms. */
  authCacheMs: number;
  /** Who may scrape /metrics without a key (METRICS_ALLOW_FROM) and how long database gauges are reused (docs/operations.md). */
  metrics: { allowFrom: string; cacheMs: number };
}

const env = {
  type: 'object',
  properties: {
    PORT: { type: 'integer', minimum: 0, maximum: 65535, default: 3000 },
    HOST: { type: 'string', minLength: 1, default: '127.0.0.1' },
    MONGODB_URL: { type: 'string', pattern: '^mongodb(\\+srv)?://', default: 'mongodb://127.0.0.1:27117/bpmn?directConnection=true&retryWrites=false' },
    REDIS_URL: { type: 'string', pattern: '^rediss?://', default: 'redis://127.0.0.1:6390' },
    REDIS_PREFIX: { type: 'string', pattern: '^[A-Za-z0-9_-]+$', default: 'bpmn' },
    LOG_LEVEL: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info' },
    ROLE: { enum: ['all', 'api', 'worker'], default: 'all' },
    PROCESSES_DIR: { type: 'string', default: 'processes' },
    PLUGINS_DIR: { type: 'string', default: 'plugins' },
    BODY_LIMIT_BYTES: { type: 'integer', minimum: 1024, default: 2 * 1024 * 1024 },
    ...limitEnvSchema,
    ...httpEnv,
    PLUGIN_ATTEMPTS: { type: 'integer', minimum: 1, maximum: 100, default: 5 },
    PLUGIN_BACKOFF_MS: { type: 'integer', minimum: 1, default: 2000 },
    WORKER_CONCURRENCY: { type: 'integer', minimum: 1, maximum: 256, default: 8 },
    LOCK_LEASE_MS: { type: 'integer', minimum: 1000, default: 10_000 },
    LOCK_WAIT_MS: { type: 'integer', minimum: 0, default: 5_000 },
    MAX_PENDING_TIMERS_PER_CASE: { type: 'integer', minimum: 1, maximum: 10_000, default: 25 },
    SIGNAL_BATCH_SIZE: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    SIGNAL_BATCHES_PER_RUN: { type: 'integer', minimum: 1, maximum: 1000, default: 10 },
    OFFICE_HOURS: {
      type: 'string',
      pattern: '^\\d{2}:\\d{2}-\\d{2}:\\d{2}(,\\d{2}:\\d{2}-\\d{2}:\\d{2})*$',
      default: '07:30-11:30,13:30-17:00',
    },
    WEEKEND_DAYS: { type: 'string', pattern: '^(none|[1-7](,[1-7])*)$', default: '6,7' },
    CALENDAR_HOLIDAYS: { enum: ['vn', 'none'], default: 'vn' },
    CALENDAR_REFRESH_MS: { type: 'integer', minimum: 0, default: 2000 },
    DEADLINE_END: { enum: ['clock-time', 'end-of-day'], default: 'clock-time' },
    REMINDER_SHARE: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.75 },
    ESCALATION_NOTIFIER: { type: 'string', minLength: 1, default: 'notify-supervisor' },
    APPLICANT_NOTIFIER: { type: 'string', minLength: 1, default: 'notify-applicant' },
    PORTAL_SYNC_URL: { type: 'string', pattern: '^https?://' },
    PORTAL_SYNC_TIMEOUT_MS: { type: 'integer', minimum: 100, default: 10_000 },
    DOSSIER_CODE_FORMAT: { type: 'string', pattern: '\\{seq4?\\}', default: '{agency}-{yymmdd}-{seq4}' },
    ADMIN_API_KEY: { type: 'string', minLength: 24, maxLength: 512, pattern: '^[A-Za-z0-9._~+/=-]+$' },
    ADMIN_DISPLAY_NAME: { type: 'string', minLength: 1, maxLength: 200, default: 'Quản trị hệ thống' },
    ADMIN_TITLE: { type: 'string', maxLength: 200, default: '' },
    CASE_UNIT_MIGRATION_UNIT_ID: { type: 'string', minLength: 1, maxLength: 100 },
    AUTH_CACHE_MS: { type: 'integer', minimum: 0, maximum: 5000, default: 5000 },
    METRICS_ALLOW_FROM: { type: 'string', default: '' },
    METRICS_CACHE_MS: { type: 'integer', minimum: 0, default: 15_000 },
  },
  additionalProperties: true,
} as const;

interface EnvValues extends HttpEnvValues {
  PORT: number;
  HOST: string;
  MONGODB_URL: string;
  REDIS_URL: string;
  REDIS_PREFIX: string;
  LOG_LEVEL: Config['logLevel'];
  ROLE: Config['role'];
  PROCESSES_DIR: string;
  PLUGINS_DIR: string;
  BODY_LIMIT_BYTES: number;
  PLUGIN_ATTEMPTS: number;
  PLUGIN_BACKOFF_MS: number;
  WORKER_CONCURRENCY: number;
  LOCK_LEASE_MS: number;
  LOCK_WAIT_MS: number;
  MAX_PENDING_TIMERS_PER_CASE: number;
  SIGNAL_BATCH_SIZE: number;
  SIGNAL_BATCHES_PER_RUN: number;
  OFFICE_HOURS: string;
  WEEKEND_DAYS: string;
  CALENDAR_HOLIDAYS: 'vn' | 'none';
  CALENDAR_REFRESH_MS: number;
  DEADLINE_END: 'clock-time' | 'end-of-day';
  REMINDER_SHARE: number;
  ESCALATION_NOTIFIER: string;
  APPLICANT_NOTIFIER: string;
  ADMIN_API_KEY?: string;
  ADMIN_DISPLAY_NAME: string;
  ADMIN_TITLE: string;
  CASE_UNIT_MIGRATION_UNIT_ID?: string;
  PORTAL_SYNC_URL?: string;
  PORTAL_SYNC_TIMEOUT_MS: number;
  DOSSIER_CODE_FORMAT: string;
  AUTH_CACHE_MS: number;
  METRICS_ALLOW_FROM: string;
  METRICS_CACHE_MS: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Environment → typed configuration; any invalid variable stops start-up with its name. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const values: Record<string, unknown> = {};
  for (const key of Object.keys(env.properties)) {
    if (source[key] !== undefined && source[key] !== '') values[key] = source[key];
  }
  const ajv = new Ajv({ coerceTypes: true, useDefaults: true, allErrors: true });
  const validate = ajv.compile(env);
  if (!validate(values)) {
    const problems = (validate.errors ?? []).map((e) => `${e.instancePath.slice(1) || 'environment'} ${e.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  const v = values as unknown as EnvValues;
  return {
    port: v.PORT,
    host: v.HOST,
    mongodbUrl: v.MONGODB_URL,
    redisUrl: v.REDIS_URL,
    redisPrefix: v.REDIS_PREFIX,
    logLevel: v.LOG_LEVEL,
    role: v.ROLE,
    processesDir: v.PROCESSES_DIR,
    pluginsDirs: v.PLUGINS_DIR.split(',').map((d) => d.trim()).filter(Boolean),
    bodyLimitBytes: v.BODY_LIMIT_BYTES,
    limits: limitsFromEnv(values),
    http: httpProtection(v),
    pluginAttempts: v.PLUGIN_ATTEMPTS,
    pluginBackoffMs: v.PLUGIN_BACKOFF_MS,
    workerConcurrency: v.WORKER_CONCURRENCY,
    lockLeaseMs: v.LOCK_LEASE_MS,
    lockWaitMs: v.LOCK_WAIT_MS,
    maxPendingTimersPerCase: v.MAX_PENDING_TIMERS_PER_CASE,
    signalBatchSize: v.SIGNAL_BATCH_SIZE,
    signalBatchesPerRun: v.SIGNAL_BATCHES_PER_RUN,
    calendar: {
      officeHours: v.OFFICE_HOURS.split(',').map((range) => {
        const [start = '', end = ''] = range.split('-');
        return { start, end };
      }),
      weekend: v.WEEKEND_DAYS === 'none' ? [] : (v.WEEKEND_DAYS.split(',').map(Number) as Config['calendar']['weekend']),
      holidays: v.CALENDAR_HOLIDAYS,
      refreshMs: v.CALENDAR_REFRESH_MS,
      deadlineEnd: v.DEADLINE_END,
    },
    reminderShare: v.REMINDER_SHARE,
    escalationNotifier: v.ESCALATION_NOTIFIER,
    applicantNotifier: v.APPLICANT_NOTIFIER,
    portalSyncUrl: v.PORTAL_SYNC_URL ?? null,
    portalSyncTimeoutMs: v.PORTAL_SYNC_TIMEOUT_MS,
    dossierCodeFormat: v.DOSSIER_CODE_FORMAT,
    caseUnitMigrationUnitId: v.CASE_UNIT_MIGRATION_UNIT_ID ?? null,
    adminApiKey: v.ADMIN_API_KEY ?? null,
    adminPerson: { name: v.ADMIN_DISPLAY_NAME, title: v.ADMIN_TITLE },
    authCacheMs: v.AUTH_CACHE_MS,
    metrics: { allowFrom: v.METRICS_ALLOW_FROM, cacheMs: v.METRICS_CACHE_MS },
  };
}
