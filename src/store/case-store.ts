import { randomUUID } from 'node:crypto';
import type { Collection } from 'mongodb';
import type { CaseDoc } from '../domain/case.js';
import { CommitConflict } from '../domain/errors.js';
import type { CounterDelta, Effects } from './documents.js';
import { withListingKeys } from './listing-keys.js';
import { applySubscriptions } from './subscriptions.js';
import { isDuplicateKey, type Collections } from './mongo.js';

/** Applies a commit's side effects to BullMQ; must be idempotent (jobs keyed by jobId). */
export interface JobEffects {
  apply(effects: Effects): Promise<void>;
}

/** Inserts documents with deterministic ids; on replay the duplicates are already there. */
async function insertOnce<T extends { _id: string }>(collection: Collection<T>, docs: T[]): Promise<void> {
  if (docs.length === 0) return;
  try {
    await collection.insertMany(docs as never, { ordered: false });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
}

/** Replace-or-insert; two racing upserts of one id both try the insert, so retry as a replace. */
async function upsert<T extends { _id: string }>(collection: Collection<T>, doc: T): Promise<void> {
  const filter = { _id: doc._id } as never;
  try {
    await collection.replaceOne(filter, doc as never, { upsert: true });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    await collection.replaceOne(filter, doc as never);
  }
}

export const commitId = (caseId: string, revision: number): string => `${caseId}#${revision}`;

/**
 * The commit protocol, safe without transactions and on FerretDB (whose conditional
 * updates are not atomic): a unique-key insert decides who owns a revision; everything
 * after it is idempotent and replayable from the commit record if the process dies.
 */
/** Applies a commit's monitoring increments once per commit id (src/monitoring/rollup-store.ts). */
export type ApplyRollups = (commitId: string, deltas: readonly CounterDelta[], at: string, replay: boolean) => Promise<unknown>;

export function createCaseStore(c: Collections, jobs: JobEffects, applyRollups?: ApplyRollups) {
  /** Every task change of a commit in one command; replayable (upserts and $set only). */
  async function writeTasks(effects: Effects): Promise<void> {
    const ops = [
      ...effects.tasksOpened.map((task) => ({ replaceOne: { filter: { _id: task._id }, replacement: task, upsert: true } })),
      ...effects.tasksClosed.map((closed) => ({
        updateOne: {
          filter: { _id: closed.id },
          update: { $set: { status: closed.status, endedAt: closed.endedAt, completedBy: closed.completedBy, sla: closed.sla } },
        },
      })),
      ...effects.tasksUpdated.map((u) => ({
        updateOne: { filter: { _id: u.id }, update: { $set: { dueAt: u.dueAt, escalation: u.escalation, unitId: u.unitId } } },
      })),
      ...(effects.taskFields ?? []).map((f) => ({ updateOne: { filter: { _id: f.id }, update: { $set: f.set } } })),
    ];
    if (ops.length === 0) return;
    try {
      await c.tasks.bulkWrite(ops as never, { ordered: true });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      // Two racing upserts of one id: redo one by one (each op is idempotent).
      for (const task of effects.tasksOpened) await upsert(c.tasks, task);
      await c.tasks.bulkWrite(ops.filter((o) => !('replaceOne' in o)) as never, { ordered: true });
    }
  }

  /** `replay`: a roll-forward of a commit another attempt may have applied in part. */
  async function apply(next: CaseDoc, effects: Effects, replay: boolean): Promise<void> {
    await writeTasks(effects);
    await insertOnce(c.history, effects.history);
    await insertOnce(c.escalations, effects.escalations);
    await insertOnce(c.notifications, effects.notifications);
    await insertOnce(c.portalOutbox, effects.portalOutbox);
    // Before the case document: a wait a reader can see has its subscription.
    if (effects.subscriptions) await applySubscriptions(c.subscriptions, effects.subscriptions);
    await jobs.apply(effects);
    // Before the case and the applied mark: a crash here is rolled forward, and the commit id keeps it counted once.
    if (applyRollups && effects.rollups?.length) await applyRollups(commitId(next._id, next.revision), effects.rollups, next.updatedAt, replay);
    await upsert(c.cases, withListingKeys(next));
    // One command: mark this commit applied and (the newest keeps its payload so the case
    // document can always be rebuilt) drop the previous revision's payload.
    const marks: object[] = [{ updateOne: { filter: { _id: commitId(next._id, next.revision) }, update: { $set: { applied: true } } } }];
    if (next.revision > 1) {
      marks.push({ updateOne: { filter: { _id: commitId(next._id, next.revision - 1) }, update: { $unset: { payload: '' } } } });
    }
    await c.commits.bulkWrite(marks as never, { ordered: true });
  }

  return {
    get(caseId: string): Promise<CaseDoc | null> {
      return c.cases.findOne({ _id: caseId });
    },

    /** Claims revision `next.revision` for the case; throws CommitConflict if taken. */
    async commit(next: CaseDoc, effects: Effects): Promise<void> {
      const id = commitId(next._id, next.revision);
      const writer = randomUUID();
      try {
        await c.commits.insertOne({ _id: id, caseId: next._id, revision: next.revision, at: next.updatedAt, applied: false, writer, payload: { case: next, effects } });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        // FerretDB can report a duplicate to the insert that wrote the row (a retried SQLite
        // transaction): the writer token tells our own commit from a rival's.
        const existing = await c.commits.findOne({ _id: id }, { projection: { writer: 1 } });
        if (existing?.writer !== writer) throw new CommitConflict(next._id, next.revision);
      }
      await apply(next, effects, false);
    },

    /**
     * Finishes commits a dead process left half-applied, in revision order. Returns the
     * case as it stands afterwards. Call under the case lock.
     */
    async rollForward(caseId: string): Promise<CaseDoc | null> {
      let current = await c.cases.findOne({ _id: caseId });
      for (;;) {
        const revision = (current?.revision ?? 0) + 1;
        const pending = await c.commits.findOne({ _id: commitId(caseId, revision) });
        if (!pending?.payload) return current;
        await apply(pending.payload.case, pending.payload.effects, true);
        current = pending.payload.case;
      }
    },

    async unappliedCaseIds(olderThan: Date, limit = 100): Promise<string[]> {
      const docs = await c.commits
        .find({ applied: false, at: { $lt: olderThan.toISOString() } })
        .sort({ at: 1 })
        .limit(limit)
        .toArray();
      return [...new Set(docs.map((d) => d.caseId))];
    },
  };
}

export type CaseStore = ReturnType<typeof createCaseStore>;
