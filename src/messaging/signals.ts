/**
 * Signal broadcasts. POST /v1/signals and a diagram's signal throw record a signal and queue
 * one durable BullMQ job for it; the job starts the procedures with that signal start, then
 * walks the signal's subscriptions (by signal name, or name + unit for a scoped sender) in
 * bounded batches, keeping its place in the signal record. Each case takes the signal under
 * its lock with the signal id as delivery id, so a batch redone after a crash, a second
 * replica or a case reached through two of its units changes nothing: every case once.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Collection } from 'mongodb';
import type { CaseService } from '../cases/case-service.js';
import { CommitConflict, DomainError, notFound } from '../domain/errors.js';
import type { UnitScope } from '../domain/unit-scope.js';
import type { ProcedureDoc } from '../store/documents.js';
import { isDuplicateKey } from '../store/mongo.js';
import { signalKey, signalUnitKey, type SubscriptionDoc } from '../store/subscriptions.js';
import type { Deliver } from './delivery.js';
import { startTargets, type ProcedureLookup } from './starts.js';

export interface SignalDoc {
  _id: string;
  name: string;
  dataJson: string;
  by: string;
  /** Units whose waiting cases it reaches; null: every unit. */
  unitIds: string[] | null;
  /** The unit the cases it starts belong to; null: it starts none. */
  startUnitId: string | null;
  /** A diagram's throw: that case took it inside its own engine already. */
  originCaseId: string | null;
  callerId: string | null;
  requestHash: string | null;
  createdAt: string;
  status: 'running' | 'done';
  progress: { phase: 'starts' | 'waits'; unit: number; after: string | null };
  delivered: number;
  started: number;
  finishedAt: string | null;
}

export interface SendInput {
  name: string;
  data: Record<string, unknown>;
  by: string;
  scope: UnitScope;
  startUnitId: string | null;
  idempotencyKey?: string;
  callerId: string;
}

/** What the job of a thrown signal carries (subscription-policy.ts thrownSignalJob). */
export interface SignalJobData {
  signalId: string;
  name?: string;
  originCaseId?: string;
  unitId?: string;
  by?: string;
}

export const signalView = (doc: SignalDoc) => ({
  id: doc._id,
  name: doc.name,
  status: doc.status,
  delivered: doc.delivered,
  started: doc.started,
  createdAt: doc.createdAt,
  finishedAt: doc.finishedAt,
});

/** Deterministic id (a uuid shape) of the case a signal starts for a procedure. */
const startedCaseId = (signalId: string, key: string): string => {
  const h = createHash('sha256').update(`${signalId}\n${key}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

export function createSignals(deps: {
  signals: Collection<SignalDoc>;
  subscriptions: Collection<SubscriptionDoc>;
  procedures: Collection<ProcedureDoc>;
  lookup: ProcedureLookup;
  cases: Pick<CaseService, 'start'>;
  deliver: Deliver;
  /** Queues the broadcast job `signal-<id>` (idempotent by job id). */
  enqueue: (signalId: string) => Promise<void>;
  /** A unit and every unit below it: a thrown signal's reach. */
  descendantsOf: (unitIds: string[]) => Promise<Set<string>>;
  now: () => Date;
  batchSize: number;
  batchesPerRun: number;
  lockWaitMs: number;
}) {
  const { signals, subscriptions } = deps;

  function newDoc(id: string, fields: Pick<SignalDoc, 'name' | 'dataJson' | 'by' | 'unitIds' | 'startUnitId' | 'originCaseId' | 'callerId' | 'requestHash'>): SignalDoc {
    return { _id: id, ...fields, createdAt: deps.now().toISOString(), status: 'running', progress: { phase: 'starts', unit: 0, after: null }, delivered: 0, started: 0, finishedAt: null };
  }

  /** Stores the signal (once) and queues its broadcast. */
  async function record(doc: SignalDoc): Promise<{ doc: SignalDoc; replayed: boolean }> {
    let replayed = false;
    let stored = doc;
    try {
      await signals.insertOne(doc);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const existing = await signals.findOne({ _id: doc._id });
      if (!existing) throw err;
      if (existing.requestHash !== doc.requestHash) {
        throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used with a different request body', 422, {});
      }
      replayed = existing.createdAt !== doc.createdAt;
      stored = existing;
    }
    // Again on a replay: the first attempt may have died before queueing.
    if (stored.status === 'running') await deps.enqueue(stored._id);
    return { doc: stored, replayed };
  }

  async function startCases(doc: SignalDoc, data: Record<string, unknown>): Promise<number> {
    if (!doc.startUnitId) return 0;
    let started = 0;
    for (const target of await startTargets(deps.procedures, deps.lookup, 'signal', doc.name)) {
      try {
        await deps.cases.start({
          caseId: startedCaseId(doc._id, target.procedureKey),
          procedureKey: target.procedureKey,
          procedureVersion: target.procedureVersion,
          data,
          by: doc.by,
          unitId: doc.startUnitId,
          trigger: { activityId: target.activityId, payload: data },
        });
        started++;
      } catch (err) {
        if (!(err instanceof CommitConflict)) throw err; // started by an earlier run of this job
      }
    }
    return started;
  }

  /** One batch of the walk; false when the broadcast is finished. */
  async function batch(doc: SignalDoc, data: Record<string, unknown>): Promise<boolean> {
    const keys = doc.unitIds === null ? [{ key: signalKey(doc.name) }] : doc.unitIds.map((u) => ({ unitKeys: signalUnitKey(doc.name, u) }));
    const where = keys[doc.progress.unit];
    if (!where) {
      await signals.updateOne({ _id: doc._id }, { $set: { status: 'done', finishedAt: deps.now().toISOString() } });
      doc.status = 'done';
      return false;
    }
    const { after } = doc.progress;
    const filter = { ...where, ...(after ? { _id: { $gt: after } } : {}) } as never;
    const page = await subscriptions.find(filter, { projection: { caseId: 1 } }).sort({ _id: 1 }).limit(deps.batchSize).toArray();
    let delivered = 0;
    for (const sub of page) {
      if (sub.caseId === doc.originCaseId) continue;
      const result = await deps.deliver({
        caseId: sub.caseId,
        deliveryId: doc._id,
        pick: (c) => c.waits.filter((w) => w.kind === 'signal' && w.signalName === doc.name),
        data,
        record: (w) => ({ type: 'signal.received', activityId: w.activityId, executionId: w.executionId, by: doc.by, data: { name: doc.name, signalId: doc._id, data } }),
        origin: { kind: 'system', by: doc.by },
        waitMs: deps.lockWaitMs,
      }).catch((err: unknown) => {
        if (err instanceof DomainError && err.statusCode === 404) return null; // the case is gone
        throw err;
      });
      if (result?.outcome === 'delivered') delivered++;
    }
    const last = page[page.length - 1];
    doc.progress = page.length < deps.batchSize || !last ? { phase: 'waits', unit: doc.progress.unit + 1, after: null } : { phase: 'waits', unit: doc.progress.unit, after: last._id };
    doc.delivered += delivered;
    await signals.updateOne({ _id: doc._id }, { $set: { progress: doc.progress, delivered: doc.delivered } });
    return true;
  }

  return {
    async send(input: SendInput): Promise<{ signal: ReturnType<typeof signalView>; replayed: boolean }> {
      const requestHash = input.idempotencyKey ? createHash('sha256').update(JSON.stringify({ n: input.name, d: input.data, u: input.startUnitId })).digest('hex') : null;
      const id = input.idempotencyKey
        ? createHash('sha256').update(`signal/${encodeURIComponent(input.callerId)}/${input.idempotencyKey}`).digest('hex').slice(0, 32)
        : randomUUID();
      const { doc, replayed } = await record(
        newDoc(id, {
          name: input.name,
          dataJson: JSON.stringify(input.data),
          by: input.by,
          unitIds: input.scope.all ? null : input.scope.unitIds,
          startUnitId: input.startUnitId,
          originCaseId: null,
          callerId: input.callerId,
          requestHash,
        }),
      );
      return { signal: signalView(doc), replayed };
    },

    /** Whether a signal of this name starts cases (a sender then needs a unit for them). */
    async startsCases(name: string): Promise<boolean> {
      return (await startTargets(deps.procedures, deps.lookup, 'signal', name)).length > 0;
    },

    async get(id: string, scope: UnitScope) {
      const doc = await signals.findOne({ _id: id });
      // Another unit's signal is not there for the caller (no hint that it exists).
      const visible = doc && (scope.all || (doc.unitIds ?? []).some((u) => scope.unitIds.includes(u)));
      if (!doc || !visible) throw notFound('signal', id);
      return signalView(doc);
    },

    /**
     * Runs up to `batchesPerRun` batches of a broadcast; 'more' when the job should come back.
     * A thrown signal's record is written here, from its job, the first time.
     */
    async run(job: SignalJobData): Promise<'done' | 'more'> {
      let doc = await signals.findOne({ _id: job.signalId });
      if (!doc && job.name) {
        const unitIds = job.unitId ? [...(await deps.descendantsOf([job.unitId]))].sort() : null;
        const fresh = newDoc(job.signalId, {
          name: job.name,
          dataJson: '{}',
          by: job.by ?? 'system',
          unitIds,
          startUnitId: job.unitId || null,
          originCaseId: job.originCaseId ?? null,
          callerId: null,
          requestHash: null,
        });
        await signals.insertOne(fresh).catch((err: unknown) => {
          if (!isDuplicateKey(err)) throw err;
        });
        doc = await signals.findOne({ _id: job.signalId });
      }
      if (!doc || doc.status === 'done') return 'done';
      const data = JSON.parse(doc.dataJson) as Record<string, unknown>;
      if (doc.progress.phase === 'starts') {
        const started = await startCases(doc, data);
        doc.progress = { phase: 'waits', unit: 0, after: null };
        doc.started = started;
        await signals.updateOne({ _id: doc._id }, { $set: { progress: doc.progress, started } });
      }
      for (let i = 0; i < deps.batchesPerRun; i++) {
        if (!(await batch(doc, data))) return 'done';
      }
      return 'more';
    },

    /** Broadcasts a crash left without a job (the record written, the job not yet queued). */
    async resumeRunning(): Promise<number> {
      const running = await signals.find({ status: 'running' }, { projection: { _id: 1 } }).limit(1000).toArray();
      for (const doc of running) await deps.enqueue(doc._id);
      return running.length;
    },
  };
}

export type Signals = ReturnType<typeof createSignals>;
