/**
 * Gauges read at scrape time (docs/operations.md): BullMQ job counts per queue (a few O(1)
 * Redis commands each) and the open sets of the database, counted by equality on `status`
 * and cached for `cacheMs`, so that scrapes from several Prometheus servers cost one count per
 * period. Finished cases are never counted here: their totals are the counters of metrics.ts.
 * A `find` by equality, not `countDocuments`: on FerretDB 1.24 `count` pushes no filter down
 * (a scan of the whole collection), while `find {status}` uses the GIN index of
 * scripts/lib/pg-indexes.sql and reads only the matching (open) documents.
 */
import { Gauge, Registry } from 'prom-client';
import type { Queue } from 'bullmq';
import type { Collection, Document, Filter } from 'mongodb';
import type { Collections } from '../store/mongo.js';
import { processMetrics } from './metrics.js';

export interface CollectorDeps {
  queues: Queue[];
  /** The database gauges; absent: only the queue gauges and process counters. */
  collections?: Pick<Collections, 'cases' | 'tasks'>;
  cacheMs: number;
}

const JOB_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized', 'waiting-children'] as const;

interface OpenSets {
  cases: Record<'active' | 'incident', number>;
  openTasks: number;
  overdueTasks: number;
}

async function countMatching<T extends Document>(collection: Collection<T>, filter: Filter<T>): Promise<number> {
  let n = 0;
  for await (const _ of collection.find(filter, { projection: { _id: 1 }, batchSize: 1000 })) n++;
  return n;
}

/** Counts the open sets at most once per `cacheMs`; concurrent scrapes share one reading. */
function cachedOpenSets(collections: NonNullable<CollectorDeps['collections']>, cacheMs: number): () => Promise<OpenSets> {
  let value: { at: number; sets: Promise<OpenSets> } | null = null;
  const read = async (): Promise<OpenSets> => {
    const [active, incident, openTasks, overdueTasks] = await Promise.all([
      countMatching(collections.cases, { status: 'active' }),
      countMatching(collections.cases, { status: 'incident' }),
      countMatching(collections.tasks, { status: 'open' }),
      countMatching(collections.tasks, { status: 'open', escalation: 'breached' }),
    ]);
    return { cases: { active, incident }, openTasks, overdueTasks };
  };
  return () => {
    if (!value || Date.now() - value.at >= cacheMs) {
      const sets = read();
      value = { at: Date.now(), sets };
      sets.catch(() => (value = null));
    }
    return value.sets;
  };
}

/** This container's gauges merged with the process counters: what `/metrics` renders. */
export function createMetricsRegistry(deps: CollectorDeps): Registry {
  const own = new Registry();
  new Gauge({
    name: 'bpmn_queue_jobs',
    help: 'BullMQ jobs per queue and state (delayed on the timers queue: pending timers).',
    labelNames: ['queue', 'state'],
    registers: [own],
    async collect() {
      const counts = await Promise.all(deps.queues.map((q) => q.getJobCounts(...JOB_STATES)));
      deps.queues.forEach((q, i) => {
        for (const state of JOB_STATES) this.set({ queue: q.name, state }, counts[i]?.[state] ?? 0);
      });
    },
  });
  const timersQueue = deps.queues.find((q) => q.name === 'timers');
  new Gauge({
    name: 'bpmn_pending_timers',
    help: 'Timer jobs waiting for their time (delayed jobs of the timers queue).',
    registers: [own],
    async collect() {
      this.set(timersQueue ? await timersQueue.getDelayedCount() : 0);
    },
  });

  if (deps.collections) {
    const openSets = cachedOpenSets(deps.collections, deps.cacheMs);
    new Gauge({
      name: 'bpmn_cases',
      help: `Open cases by status (active, incident); counted at most every ${deps.cacheMs} ms.`,
      labelNames: ['status'],
      registers: [own],
      async collect() {
        const sets = await openSets();
        for (const [status, count] of Object.entries(sets.cases)) this.set({ status }, count);
      },
    });
    new Gauge({
      name: 'bpmn_incidents',
      help: 'Cases stopped on an incident, waiting for an operator.',
      registers: [own],
      async collect() {
        this.set((await openSets()).cases.incident);
      },
    });
    new Gauge({
      name: 'bpmn_open_tasks',
      help: 'Open user tasks.',
      registers: [own],
      async collect() {
        this.set((await openSets()).openTasks);
      },
    });
    new Gauge({
      name: 'bpmn_overdue_tasks',
      help: 'Open user tasks whose breach escalation fired (past their due time).',
      registers: [own],
      async collect() {
        this.set((await openSets()).overdueTasks);
      },
    });
  }
  return Registry.merge([processMetrics.registry, own]);
}
