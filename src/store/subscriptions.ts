/**
 * Subscriptions: one record per (waiting message catch, correlation value) and per waiting
 * signal catch, written with the commit that opens or closes the wait (src/messaging/
 * subscription-policy.ts), so a message or signal finds its cases by one indexed equality.
 * The case document stays the truth: a delivery checks the case still waits there.
 */
import type { Collection } from 'mongodb';

export interface SubscriptionDoc {
  /** `<case>|<execution>|<n>`: deterministic, so a replayed commit writes the same record. */
  _id: string;
  caseId: string;
  kind: 'message' | 'signal';
  /** messageKey(name, value) or signalKey(name): the one equality a lookup asks. */
  key: string;
  /** signalUnitKey(name, unit) per unit that sees the case: a scoped broadcast walks these. */
  unitKeys: string[];
  /** The units that see the case (src/domain/unit-scope.ts caseUnitIds), for the caller's scope. */
  unitIds: string[];
  activityId: string;
  executionId: string;
  createdAt: string;
}

export interface SubscriptionChanges {
  put: SubscriptionDoc[];
  drop: string[];
}

// A unit separator keeps "a"+"bc" apart from "ab"+"c".
const SEP = '\u001f';
export const messageKey = (name: string, value: string): string => `m${SEP}${name}${SEP}${value}`;
export const signalKey = (name: string): string => `s${SEP}${name}`;
export const signalUnitKey = (name: string, unitId: string): string => `s${SEP}${name}${SEP}${unitId}`;

/** Every change of a commit in one command; replayable (upserts by id, deletes by id). */
export async function applySubscriptions(col: Collection<SubscriptionDoc>, changes: SubscriptionChanges): Promise<void> {
  const ops = [
    ...changes.drop.map((id) => ({ deleteOne: { filter: { _id: id } } })),
    ...changes.put.map((doc) => ({ replaceOne: { filter: { _id: doc._id }, replacement: doc, upsert: true } })),
  ];
  if (ops.length === 0) return;
  try {
    await col.bulkWrite(ops as never, { ordered: true });
  } catch (err) {
    // Two racing upserts of one id (a roll-forward beside its writer): once more, each op is idempotent.
    if ((err as { code?: number }).code !== 11000) throw err;
    await col.bulkWrite(ops as never, { ordered: false });
  }
}

/** The indexes lookups use (called from store/mongo.ts ensureIndexes, the one place indexes are declared). */
export function subscriptionIndexes(col: Collection<SubscriptionDoc>): Promise<string>[] {
  return [col.createIndex({ key: 1, _id: 1 }), col.createIndex({ unitKeys: 1, _id: 1 }), col.createIndex({ caseId: 1 })];
}
