import type { FastifyBaseLogger } from 'fastify';

/** What the recovery sweep finishes; each is read by an index of pending work, in batches. */
export interface RecoveryDeps {
  /** Rolls forward commits a dead process left half-applied (older than the instant). */
  recoverUnapplied(olderThan: Date): Promise<number>;
  /** Re-sends portal records not yet delivered. */
  portalSweep(): Promise<unknown>;
  /** Notices written but not delivered since the instant, and their delivery. */
  pendingNotices(olderThan: Date): Promise<string[]>;
  deliverNotice(id: string): Promise<unknown>;
  /** Received dossiers whose processing never started, and the step that starts it. */
  stalledReceipts(olderThan: Date): Promise<string[]>;
  ensureProcessing(dossierId: string): Promise<unknown>;
  log: FastifyBaseLogger;
  /** Wall clock; the margins below keep a live writer's work out of the sweep. */
  now?: () => number;
}

/**
 * Finishes commits a dead process left half-applied, and re-sends what Redis may have lost.
 * Never throws: a failed run is logged and the next scheduled run tries again.
 */
export function createRecoverOnce(deps: RecoveryDeps): () => Promise<void> {
  const now = deps.now ?? Date.now;
  return async () => {
    try {
      const count = await deps.recoverUnapplied(new Date(now() - 5_000));
      if (count > 0) deps.log.warn({ count }, 'finished half-applied commits left by a stopped process');
      await deps.portalSweep();
      for (const id of await deps.pendingNotices(new Date(now() - 60_000))) await deps.deliverNotice(id);
      for (const id of await deps.stalledReceipts(new Date(now() - 30_000))) await deps.ensureProcessing(id);
    } catch (err) {
      deps.log.error({ err }, 'background recovery failed');
    }
  };
}
