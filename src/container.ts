import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import { createCaseService, type CaseService } from './cases/case-service.js';
import { createIdempotentStart } from './cases/idempotency.js';
import { createProcedureService, type ProcedureService } from './cases/procedure-service.js';
import { createQueries } from './cases/queries.js';
import { DomainError } from './domain/errors.js';
import { isoDurationResolver, type DurationResolver } from './engine/timer-due.js';
import { buildApp } from './http/app.js';
import { loadPlugins } from './plugins/plugin-host.js';
import { createJobEffects, createQueues } from './scheduler/queues.js';
import { startWorkers, type Workers } from './scheduler/workers.js';
import { createCaseLock } from './store/case-lock.js';
import { createCaseStore } from './store/case-store.js';
import { connectDatabase } from './store/mongo.js';

export interface ContainerOptions {
  /** Injectable clock for tests; production uses the wall clock. */
  now?: () => Date;
  resolveDuration?: DurationResolver;
}

export interface Container {
  app: FastifyInstance;
  procedures: ProcedureService;
  cases: CaseService;
  /** Starts BullMQ workers and background recovery (role all/worker). */
  startBackground(): Promise<void>;
  publishDirectory(dir: string): Promise<void>;
  close(): Promise<void>;
}

const RECOVERY_INTERVAL_MS = 10_000;

/** The composition root: the one place that sees every adapter and wires them together. */
export async function createContainer(config: Config, options: ContainerOptions = {}): Promise<Container> {
  const now = options.now ?? (() => new Date());
  const redisOptions = { maxRetriesPerRequest: null };
  const redis = new Redis(config.redisUrl, redisOptions);
  const database = await connectDatabase(config.mongodbUrl);
  const plugins = await loadPlugins(config.pluginsDirs);

  const queues = createQueues({ url: config.redisUrl, ...redisOptions }, config.redisPrefix, {
    attempts: config.pluginAttempts,
    backoffMs: config.pluginBackoffMs,
  });
  const store = createCaseStore(database.collections, createJobEffects(queues, now));
  const lock = createCaseLock(redis, { prefix: config.redisPrefix, leaseMs: config.lockLeaseMs, waitMs: config.lockWaitMs });
  const procedures = createProcedureService(database.collections, () => ({ plugins: new Set(plugins.keys()) }), now);
  const cases = createCaseService({
    store,
    lock,
    procedures,
    now,
    resolveDuration: options.resolveDuration ?? isoDurationResolver,
    workerLockWaitMs: Math.max(config.lockWaitMs, 15_000),
  });
  const queries = createQueries(database.collections);
  const startIdempotent = createIdempotentStart(
    database.collections,
    (caseId, request) => cases.start({ caseId, ...request }),
    (caseId) => cases.getCommitted(caseId),
    now,
  );

  const app = await buildApp(
    {
      procedures,
      cases,
      queries,
      startIdempotent,
      readiness: {
        mongodb: async () => void (await database.db.command({ ping: 1 })),
        redis: async () => void (await redis.ping()),
      },
    },
    { logger: { level: config.logLevel }, bodyLimitBytes: config.bodyLimitBytes },
  );
  const log: FastifyBaseLogger = app.log;

  let workers: Workers | null = null;
  let recovery: NodeJS.Timeout | null = null;

  async function recoverOnce(): Promise<void> {
    try {
      const count = await cases.recoverUnapplied(new Date(Date.now() - 5_000));
      if (count > 0) log.warn({ count }, 'finished half-applied commits left by a stopped process');
    } catch (err) {
      log.error({ err }, 'commit recovery failed');
    }
  }

  return {
    app,
    procedures,
    cases,
    async startBackground() {
      workers = startWorkers({ url: config.redisUrl, ...redisOptions }, config.redisPrefix, config.workerConcurrency, {
        cases,
        plugins,
        loadVariables: (caseId) => queries.variables(caseId),
        log,
        now,
      });
      await recoverOnce();
      recovery = setInterval(() => void recoverOnce(), RECOVERY_INTERVAL_MS);
      recovery.unref();
    },
    async publishDirectory(dir: string) {
      const files = (await readdir(dir)).filter((f) => f.endsWith('.bpmn')).sort();
      for (const file of files) {
        try {
          const { procedure, created } = await procedures.publish(await readFile(path.join(dir, file), 'utf8'), 'startup');
          log.info({ file, key: procedure.key, version: procedure.version, created }, 'procedure from processes/');
        } catch (err) {
          if (!(err instanceof DomainError)) throw err;
          log.error({ file, code: err.code, details: err.details }, 'procedure in processes/ was refused');
          throw new Error(`processes/${file} does not validate: ${JSON.stringify(err.details)}`, { cause: err });
        }
      }
    },
    async close() {
      if (recovery) clearInterval(recovery);
      await app.close();
      await workers?.close();
      await queues.close();
      await redis.quit();
      await database.close();
    },
  };
}
