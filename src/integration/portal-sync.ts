import { cappedExponentialBackoff } from '../scheduler/backoff.js';
import { DelayedError, Queue, Worker, type ConnectionOptions, type Job, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Collection } from 'mongodb';
import type { PortalOutboxDoc } from '../store/documents.js';
import { redisLeases } from '../store/redis-lease.js';
import { parsePortalRecordId, PORTAL_SYNC_QUEUE, portalSyncJobId } from './portal-outbox.js';

/**
 * Delivery of the portal outbox: one BullMQ job per record, each of which delivers every
 * undelivered record of its dossier in `seq` order, at least once, with an Idempotency-Key.
 * MongoDB's `portal_outbox` is the truth; Redis only schedules work and can lose it
 * (`sweep()` puts it back). Nothing is kept in process memory.
 */

export interface PortalSyncJobData {
  dossierId: string;
}

/** The pino-style calls we make; a Fastify logger fits. */
export interface PortalSyncLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface PortalRetryPolicy {
  /** Attempts per job before BullMQ marks it failed; `sweep()` revives failed jobs. */
  attempts: number;
  /** First retry delay; doubles per attempt up to `maxMs`. */
  baseMs: number;
  maxMs: number;
}

/** ≈ 3.5 days of retries at the 60 s cap, then the sweep takes over. */
export const DEFAULT_PORTAL_RETRY: PortalRetryPolicy = { attempts: 5_000, baseMs: 1_000, maxMs: 60_000 };
export const DEFAULT_PORTAL_TIMEOUT_MS = 10_000;
export const DEFAULT_SWEEP_AFTER_MS = 30_000;

export interface PortalSyncOptions {
  outbox: Collection<PortalOutboxDoc>;
  /** BullMQ connection (needs `maxRetriesPerRequest: null` for the worker). */
  connection: ConnectionOptions;
  /** Plain client for the per-dossier delivery lease. */
  redis: Redis;
  /** Redis key prefix of this deployment (REDIS_PREFIX). */
  prefix: string;
  /** PORTAL_SYNC_URL; null turns delivery off (records wait in the outbox). */
  endpoint: string | null;
  /** Whole-request timeout (PORTAL_SYNC_TIMEOUT_MS). */
  timeoutMs: number;
  log: PortalSyncLogger;
  concurrency?: number;
  retry?: PortalRetryPolicy;
  /** Records undelivered for longer than this are re-enqueued by `sweep()`. */
  sweepAfterMs?: number;
  now?: () => Date;
}

export interface SweepResult {
  /** Undelivered records older than the threshold (at most one page). */
  pending: number;
  /** Dossiers whose delivery job was missing and was added again. */
  enqueued: number;
  /** Dossiers whose delivery job had finished (failed after all attempts) and was restarted. */
  revived: number;
}

export interface PortalSync {
  readonly enabled: boolean;
  /** Schedules delivery of outbox records by id (idempotent: one job id per record). */
  enqueue(recordIds: string | readonly string[]): Promise<number>;
  /** Schedules delivery of a dossier's undelivered records; false if it has none. */
  enqueueDossier(dossierId: string): Promise<boolean>;
  /** Starts the BullMQ worker of this process (no-op when sync is off or already started). */
  startWorker(): void;
  /** Re-enqueues records left undelivered for longer than `olderThanMs`. Run it periodically. */
  sweep(olderThanMs?: number): Promise<SweepResult>;
  close(): Promise<void>;
}

/** A delivery attempt that did not reach a 2xx; BullMQ retries the job. */
export class PortalDeliveryError extends Error {
  override name = 'PortalDeliveryError';
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}

export const PORTAL_BACKOFF_TYPE = 'portal-capped-exponential';


/** POSTs one record; resolves on 2xx, throws PortalDeliveryError otherwise. */
export async function postPortalRecord(endpoint: string, record: Pick<PortalOutboxDoc, '_id' | 'payloadJson'>, timeoutMs: number): Promise<number> {
  let response: Response;
  let body: string;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': record._id },
      body: record.payloadJson,
      signal: AbortSignal.timeout(timeoutMs),
    });
    body = await response.text();
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const detail = cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    throw new PortalDeliveryError(timedOut ? `no answer within ${timeoutMs} ms` : `request failed: ${detail}`, null);
  }
  if (response.status < 200 || response.status > 299) {
    throw new PortalDeliveryError(`HTTP ${response.status}${body ? `: ${body.slice(0, 200)}` : ''}`, response.status);
  }
  return response.status;
}

/** Pending records read per round trip while delivering one dossier. */
const BATCH = 50;
/** How soon a job retries when another worker is delivering its dossier. */
const BUSY_DELAY_MS = 300;

export function createPortalSync(options: PortalSyncOptions): PortalSync {
  const { outbox, connection, redis, prefix, endpoint, timeoutMs, log } = options;
  const retry = options.retry ?? DEFAULT_PORTAL_RETRY;
  const now = options.now ?? (() => new Date());
  const sweepAfterMs = options.sweepAfterMs ?? DEFAULT_SWEEP_AFTER_MS;
  // The lease covers one HTTP exchange plus the bookkeeping around it; renewed per record.
  const leaseMs = timeoutMs + 15_000;
  const enabled = endpoint !== null;

  const queue = new Queue<PortalSyncJobData, string>(PORTAL_SYNC_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: portalSyncJobOptions(retry),
  });
  queue.on('error', (err) => log.error({ err, queue: PORTAL_SYNC_QUEUE }, 'portal sync queue error'));
  let worker: Worker<PortalSyncJobData, string> | null = null;
  /** Set by close(): active jobs hand their dossier back after the request in flight. */
  let closing = false;

  const leaseKey = (dossierId: string) => `${prefix}:portal-sync-lease:${dossierId}`;

  const leases = redisLeases(redis);
  const acquireLease = (dossierId: string) => leases.acquire(leaseKey(dossierId), leaseMs);

  async function deliverOne(url: string, record: PortalOutboxDoc, job: Job<PortalSyncJobData>): Promise<void> {
    try {
      await postPortalRecord(url, record, timeoutMs);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      await outbox.updateOne({ _id: record._id }, { $set: { lastError: message }, $inc: { attempts: 1 } });
      const attempt = job.attemptsMade + 1;
      // A long outage retries for days: log the first failures, then every 50th.
      const level = attempt <= 3 || attempt % 50 === 0 ? 'warn' : 'debug';
      log[level]({ record: record._id, dossierId: record.dossierId, seq: record.seq, attempt, err: message }, 'portal sync delivery failed; will retry');
      throw err;
    }
    await outbox.updateOne({ _id: record._id }, { $set: { deliveredAt: now().toISOString(), lastError: null }, $inc: { attempts: 1 } });
    log.debug({ record: record._id, dossierId: record.dossierId, seq: record.seq }, 'portal sync record delivered');
  }

  /**
   * Delivers the dossier's undelivered records in `seq` order, stopping at the first
   * failure (never skipping ahead), under a per-dossier lease so two workers do not race.
   */
  async function processJob(job: Job<PortalSyncJobData>, token?: string): Promise<string> {
    const url = endpoint;
    if (url === null) throw new PortalDeliveryError('portal sync is off (PORTAL_SYNC_URL is not set)', null);
    const { dossierId } = job.data;
    const lease = await acquireLease(dossierId);
    if (!lease) {
      // Another job is delivering this dossier; look again soon (does not use an attempt).
      await job.moveToDelayed(Date.now() + BUSY_DELAY_MS + Math.floor(Math.random() * BUSY_DELAY_MS), token);
      throw new DelayedError();
    }
    let delivered = 0;
    try {
      for (;;) {
        const pending = await outbox.find({ dossierId, deliveredAt: null }).sort({ seq: 1 }).limit(BATCH).toArray();
        if (pending.length === 0) return delivered > 0 ? `delivered ${delivered}` : 'nothing pending';
        for (const record of pending) {
          if (closing) {
            // Shutting down: leave the rest to the next worker (this job waits in Redis).
            await job.moveToDelayed(Date.now(), token);
            throw new DelayedError();
          }
          if (!(await lease.extend())) throw new PortalDeliveryError(`lost the delivery lease of dossier '${dossierId}'`, null);
          await deliverOne(url, record, job);
          delivered += 1;
        }
      }
    } finally {
      await lease.release().catch((err: unknown) => log.warn({ err, dossierId }, 'portal sync lease release failed'));
    }
  }

  async function addJob(recordId: string, dossierId: string): Promise<void> {
    await queue.add(PORTAL_SYNC_QUEUE, { dossierId }, { jobId: portalSyncJobId(recordId) });
  }

  /** Makes sure a live job exists for the record; returns what it had to do. */
  async function ensureJob(recordId: string, dossierId: string): Promise<'alive' | 'added' | 'revived'> {
    const job = await queue.getJob(portalSyncJobId(recordId));
    if (job) {
      const state = await job.getState();
      if (state === 'failed' || state === 'completed') {
        try {
          await job.retry(state, { resetAttemptsMade: true, resetAttemptsStarted: true });
          return 'revived';
        } catch (err) {
          // Another sweeper got there first, or the job just moved: the next sweep looks again.
          log.debug({ err, record: recordId }, 'portal sync job could not be restarted');
          return 'alive';
        }
      }
      if (state !== 'unknown') return 'alive';
    }
    await addJob(recordId, dossierId);
    return 'added';
  }

  return {
    enabled,

    async enqueue(recordIds) {
      const ids = typeof recordIds === 'string' ? [recordIds] : [...recordIds];
      if (!enabled) {
        log.debug({ records: ids }, 'portal sync is off: records stay in the outbox');
        return 0;
      }
      let added = 0;
      for (const id of ids) {
        const parsed = parsePortalRecordId(id);
        if (!parsed) throw new RangeError(`'${id}' is not a portal outbox record id`);
        await addJob(id, parsed.dossierId);
        added += 1;
      }
      return added;
    },

    async enqueueDossier(dossierId) {
      const first = await outbox.find({ dossierId, deliveredAt: null }).sort({ seq: 1 }).limit(1).toArray();
      const record = first[0];
      if (!record) return false;
      if (!enabled) return true;
      await ensureJob(record._id, dossierId);
      return true;
    },

    startWorker() {
      if (!enabled) {
        log.info({ queue: PORTAL_SYNC_QUEUE }, 'portal sync is off (PORTAL_SYNC_URL is not set): records stay in portal_outbox');
        return;
      }
      if (worker) return;
      worker = new Worker<PortalSyncJobData, string>(PORTAL_SYNC_QUEUE, processJob, {
        connection,
        prefix,
        concurrency: options.concurrency ?? 4,
        // A worker killed mid-request leaves its job stalled; let it come back more than once.
        maxStalledCount: 10,
        settings: { backoffStrategy: cappedExponentialBackoff(retry.baseMs, retry.maxMs) },
      });
      worker.on('error', (err) => log.error({ err, queue: PORTAL_SYNC_QUEUE }, 'portal sync worker error'));
      worker.on('failed', (job, err) => {
        if (err instanceof DelayedError || err.name === 'DelayedError') return;
        if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) {
          log.error({ jobId: job.id, dossierId: job.data.dossierId, attempts: job.attemptsMade, err: err.message }, 'portal sync job gave up; the sweep will restart it');
        }
      });
      log.info({ queue: PORTAL_SYNC_QUEUE, endpoint: redactUrl(endpoint) }, 'portal sync worker started');
    },

    async sweep(olderThanMs = sweepAfterMs) {
      const cutoff = new Date(now().getTime() - olderThanMs).toISOString();
      const stale = await outbox
        .find({ deliveredAt: null, createdAt: { $lt: cutoff } }, { projection: { _id: 1, dossierId: 1, seq: 1 } })
        .sort({ createdAt: 1 })
        .limit(1_000)
        .toArray();
      const result: SweepResult = { pending: stale.length, enqueued: 0, revived: 0 };
      if (stale.length === 0) return result;
      if (!enabled) {
        log.debug({ pending: stale.length }, 'portal sync is off: undelivered records wait in portal_outbox');
        return result;
      }
      // One live job per dossier is enough: it delivers all of the dossier's records in order.
      const firstByDossier = new Map<string, { _id: string; seq: number }>();
      for (const r of stale) {
        const known = firstByDossier.get(r.dossierId);
        if (!known || r.seq < known.seq) firstByDossier.set(r.dossierId, { _id: r._id, seq: r.seq });
      }
      for (const [dossierId, first] of firstByDossier) {
        const outcome = await ensureJob(first._id, dossierId);
        if (outcome === 'added') result.enqueued += 1;
        if (outcome === 'revived') result.revived += 1;
      }
      if (result.enqueued + result.revived > 0) log.warn({ ...result }, 'portal sync sweep re-enqueued undelivered records');
      return result;
    },

    async close() {
      closing = true;
      const w = worker;
      worker = null;
      await w?.close();
      await queue.close();
    },
  };
}

/** The endpoint without credentials or query, for logs. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

export { cappedExponentialBackoff };

const DAY_SECONDS = 24 * 3600;

/** Default options of portal-sync jobs; completed ids are kept a day so re-adding them is a no-op. */
export function portalSyncJobOptions(retry: PortalRetryPolicy = DEFAULT_PORTAL_RETRY): JobsOptions {
  return {
    attempts: retry.attempts,
    backoff: { type: PORTAL_BACKOFF_TYPE },
    removeOnComplete: { age: DAY_SECONDS },
    removeOnFail: { age: 30 * DAY_SECONDS },
    stackTraceLimit: 1,
  };
}
