import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import type { FastifyBaseLogger } from 'fastify';
import { createReconcileOnce, type ReconcileOnceDeps } from './reconcile-once.js';
import { createRecoverOnce, type RecoveryDeps } from './recover-once.js';

export const MAINTENANCE_QUEUE = 'maintenance';

/** Periodic work that one replica at a time should do (BullMQ hands each run to one worker). */
export interface MaintenanceTask {
  name: string;
  everyMs: number;
  run(): Promise<void>;
}

/** A Redis that lost its data lost the schedulers too: each replica re-declares them this often. */
const REDECLARE_MS = 60_000;

export function createMaintenanceQueue(connection: ConnectionOptions, prefix: string): Queue {
  return new Queue(MAINTENANCE_QUEUE, {
    connection,
    prefix,
    // Runs are periodic and replaceable: keep a short trail for the queue board, not history.
    defaultJobOptions: { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 }, attempts: 1 },
  });
}

/**
 * Job schedulers (one per task) on the maintenance queue and a worker for them. Declaring a
 * scheduler is idempotent, so every replica declares all of them at start and again every
 * minute; whichever replica's worker takes a run does it, the others do not.
 */
export async function startMaintenance(deps: {
  queue: Queue;
  connection: ConnectionOptions;
  prefix: string;
  tasks: readonly MaintenanceTask[];
  log: FastifyBaseLogger;
  redeclareMs?: number;
}): Promise<{ close(): Promise<void> }> {
  const byName = new Map(deps.tasks.map((t) => [t.name, t]));
  const declare = async () => {
    for (const t of deps.tasks) await deps.queue.upsertJobScheduler(t.name, { every: t.everyMs }, { name: t.name });
  };
  await declare();
  const redeclare = setInterval(() => void declare().catch((err: unknown) => deps.log.warn({ err }, 'maintenance schedulers not re-declared')), deps.redeclareMs ?? REDECLARE_MS);
  redeclare.unref();
  const worker = new Worker(
    MAINTENANCE_QUEUE,
    async (job) => {
      await byName.get(job.name)?.run();
    },
    { connection: deps.connection, prefix: deps.prefix, concurrency: deps.tasks.length },
  );
  worker.on('error', (err) => deps.log.warn({ err }, 'maintenance worker'));
  return {
    async close() {
      clearInterval(redeclare);
      await worker.close();
    },
  };
}

/** How often the service's own maintenance runs (one replica at a time). */
export const RECOVERY_INTERVAL_MS = 10_000;
export const RECONCILE_INTERVAL_MS = 5 * 60_000;

/**
 * The service's maintenance: the recovery sweep and the job reconciler, each also run once
 * at a replica's start (its own leftovers) before the shared schedulers take over.
 */
export function serviceMaintenance(deps: { recovery: RecoveryDeps; reconcile: ReconcileOnceDeps }) {
  const recoverOnce = createRecoverOnce(deps.recovery);
  const reconcileOnce = createReconcileOnce(deps.reconcile);
  const tasks: MaintenanceTask[] = [
    { name: 'recovery', everyMs: RECOVERY_INTERVAL_MS, run: recoverOnce },
    { name: 'reconcile-jobs', everyMs: RECONCILE_INTERVAL_MS, run: reconcileOnce },
  ];
  return { recoverOnce, reconcileOnce, tasks };
}
