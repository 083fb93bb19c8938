import { randomUUID } from 'node:crypto';
import type { Collection } from 'mongodb';
import type { CaseDoc } from '../domain/case.js';
import { CommitConflict } from '../domain/errors.js';
import type { Effects } from './documents.js';
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
export function createCaseStore(c: Collections, jobs: JobEffects) {
  async function apply(next: CaseDoc, effects: Effects): Promise<void> {
    for (const task of effects.tasksOpened) await upsert(c.tasks, task);
    for (const closed of effects.tasksClosed) {
      await c.tasks.updateOne(
        { _id: closed.id },
        { $set: { status: closed.status, endedAt: closed.endedAt, completedBy: closed.completedBy, sla: closed.sla } },
      );
    }
    for (const update of effects.tasksUpdated) {
      await c.tasks.updateOne({ _id: update.id }, { $set: { dueAt: update.dueAt, escalation: update.escalation, unitId: update.unitId } });
    }
    await insertOnce(c.history, effects.history);
    await insertOnce(c.escalations, effects.escalations);
    await insertOnce(c.notifications, effects.notifications);
    await insertOnce(c.portalOutbox, effects.portalOutbox);
    await jobs.apply(effects);
    await upsert(c.cases, next);
    await c.commits.updateOne({ _id: commitId(next._id, next.revision) }, { $set: { applied: true } });
    // The newest commit keeps its payload so the case document can always be rebuilt.
    if (next.revision > 1) {
      await c.commits.updateOne({ _id: commitId(next._id, next.revision - 1) }, { $unset: { payload: '' } });
    }
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
      await apply(next, effects);
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
        await apply(pending.payload.case, pending.payload.effects);
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
