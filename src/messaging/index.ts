/** Messages and signals wired together: delivery, correlation, broadcasts and their worker. */
import { DelayedError, Worker, type ConnectionOptions, type Queue } from 'bullmq';
import type { Db } from 'mongodb';
import type { FastifyBaseLogger } from 'fastify';
import type { CaseService } from '../cases/case-service.js';
import type { CaseTransactions } from '../cases/case-transactions.js';
import type { Collections } from '../store/mongo.js';
import { createCorrelation, type MessageKeyDoc } from './correlation.js';
import { createDelivery } from './delivery.js';
import { createSignals, type SignalDoc, type SignalJobData } from './signals.js';
import type { ProcedureLookup } from './starts.js';

export { subscriptionPolicy } from './subscription-policy.js';

export function createMessaging(deps: {
  tx: CaseTransactions;
  cases: CaseService;
  db: Db;
  collections: Collections;
  procedures: ProcedureLookup;
  signalQueue: Queue;
  descendantsOf: (unitIds: string[]) => Promise<Set<string>>;
  now: () => Date;
  batchSize: number;
  batchesPerRun: number;
  lockWaitMs: number;
}) {
  const deliver = createDelivery(deps.tx, deps.cases);
  const correlation = createCorrelation({
    subscriptions: deps.collections.subscriptions,
    caseDocs: deps.collections.cases,
    procedures: deps.collections.procedures,
    idempotency: deps.collections.idempotency as never as import('mongodb').Collection<MessageKeyDoc>,
    lookup: deps.procedures,
    cases: deps.cases,
    deliver,
    now: deps.now,
  });
  const signals = createSignals({
    signals: deps.db.collection<SignalDoc>('signals'),
    subscriptions: deps.collections.subscriptions,
    procedures: deps.collections.procedures,
    lookup: deps.procedures,
    cases: deps.cases,
    deliver,
    enqueue: async (signalId) => void (await deps.signalQueue.add('broadcast', { signalId }, { jobId: `signal-${signalId}` })),
    descendantsOf: deps.descendantsOf,
    now: deps.now,
    batchSize: deps.batchSize,
    batchesPerRun: deps.batchesPerRun,
    lockWaitMs: deps.lockWaitMs,
  });

  return {
    deliver,
    correlation,
    signals,
    /** The broadcast worker: a run does a few batches, then the job goes back in line (other signals, other replicas). */
    startWorker(connection: ConnectionOptions, prefix: string, concurrency: number, log: FastifyBaseLogger): { close(): Promise<void> } {
      const worker = new Worker<SignalJobData>(
        'signals',
        async (job, token) => {
          if ((await signals.run(job.data)) === 'done') return 'done';
          await job.moveToDelayed(Date.now(), token);
          throw new DelayedError();
        },
        // A broadcast outlives any number of crashed workers: its place is kept in the signal record.
        { connection, prefix, concurrency, maxStalledCount: 1000 },
      );
      worker.on('error', (err) => log.error({ err, queue: 'signals' }, 'worker error'));
      worker.on('failed', (job, err) => {
        if (!(err instanceof DelayedError)) log.warn({ queue: 'signals', jobId: job?.id, err: err.message }, 'signal broadcast failed');
      });
      void signals.resumeRunning().catch((err: unknown) => log.error({ err }, 'resuming signal broadcasts failed'));
      return { close: () => worker.close() };
    },
  };
}

export type Messaging = ReturnType<typeof createMessaging>;
