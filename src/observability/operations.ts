import type { Queue } from 'bullmq';
import type { Registry } from 'prom-client';
import type { Collections } from '../store/mongo.js';
import { parseAllowList } from './access.js';
import { createMetricsRegistry } from './collectors.js';

/** What the HTTP layer needs for /metrics and the queue board. */
export interface Operations {
  registry: Registry;
  queues: Queue[];
  /** True for addresses that may scrape /metrics without a key. */
  isTrusted: (ip: string) => boolean;
}

export function createOperations(deps: { queues: Queue[]; collections: Collections; allowFrom: string; cacheMs: number }): Operations {
  return {
    registry: createMetricsRegistry({ queues: deps.queues, collections: deps.collections, cacheMs: deps.cacheMs }),
    queues: deps.queues,
    isTrusted: parseAllowList(deps.allowFrom),
  };
}
