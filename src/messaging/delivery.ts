/**
 * Delivering a message or signal to one case: under the case's lock, only while the case
 * still waits there, and at most once per delivery id (kept on the case document, so the
 * mark commits with the step it belongs to). Reusable by anything that feeds a wait of a
 * running case from outside (correlation, signal broadcasts, event sub-process starts).
 */
import type { Advance, CaseService } from '../cases/case-service.js';
import type { CaseTransactions } from '../cases/case-transactions.js';
import type { StepRecord } from '../cases/effects.js';
import type { CaseDoc, Wait } from '../domain/case.js';

/** Delivery ids a case remembers; a replay older than this many later deliveries is not recognised. */
export const REMEMBERED_DELIVERIES = 64;

export interface DeliveryInput {
  caseId: string;
  /** Marks the delivery on the case, so a retry (crash, replayed request) does nothing. */
  deliveryId?: string;
  /** The waits this delivery takes, in order; none: the case does not wait for it. */
  pick(current: CaseDoc): Wait[];
  data: Record<string, unknown>;
  record(wait: Wait): StepRecord;
  origin: Advance['origin'];
  /** How long to wait for the case's lock (workers wait longer than clients). */
  waitMs?: number;
}

export type DeliveryResult = { outcome: 'delivered' | 'duplicate' | 'not-waiting'; case: CaseDoc };

export type Deliver = (input: DeliveryInput) => Promise<DeliveryResult>;

export function createDelivery(tx: CaseTransactions, cases: Pick<CaseService, 'locked'>): Deliver {
  return (input) =>
    tx.onCase(
      input.caseId,
      async (current): Promise<DeliveryResult> => {
        if (input.deliveryId && current.deliveries?.includes(input.deliveryId)) return { outcome: 'duplicate', case: current };
        const waits = current.status === 'active' ? input.pick(current) : [];
        const first = waits[0];
        if (!first) return { outcome: 'not-waiting', case: current };
        const next = await cases.locked.step(current, {
          action: waits.length === 1 ? { type: 'signal', wait: first } : { type: 'deliver', waits },
          data: input.data,
          records: waits.map((w) => input.record(w)),
          origin: input.origin,
          mutate: (n) => {
            if (input.deliveryId) n.deliveries = [...(current.deliveries ?? []), input.deliveryId].slice(-REMEMBERED_DELIVERIES);
          },
        });
        return { outcome: 'delivered', case: next };
      },
      input.waitMs,
    );
}
