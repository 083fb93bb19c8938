/**
 * POST /v1/messages: a message by name and correlation value reaches the one waiting case of
 * the caller's units that subscribed to that pair, or else starts a case of the procedure
 * whose message start event has that name. One indexed equality each (subscriptions.key,
 * procedures.startTriggers); never a scan of cases.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Collection } from 'mongodb';
import type { CaseService } from '../cases/case-service.js';
import { caseView, type CaseView } from '../cases/views.js';
import type { CaseDoc, Wait } from '../domain/case.js';
import { CommitConflict, conflict, DomainError } from '../domain/errors.js';
import type { UnitScope } from '../domain/unit-scope.js';
import type { ProcedureDoc } from '../store/documents.js';
import { isDuplicateKey } from '../store/mongo.js';
import { messageKey, type SubscriptionDoc } from '../store/subscriptions.js';
import type { Deliver } from './delivery.js';
import { startTargets, type ProcedureLookup, type StartTarget } from './starts.js';

export interface CorrelateInput {
  name: string;
  correlationKey?: string;
  data: Record<string, unknown>;
  by: string;
  scope: UnitScope;
  /** The unit a case the message starts belongs to (403 / 422 from the caller's rules); asked only then. */
  startUnit: () => Promise<string>;
  /** Whether the caller may start cases (a message start needs cases:start). */
  mayStart: boolean;
  idempotencyKey?: string;
  callerId: string;
}

export interface CorrelateResult {
  outcome: 'delivered' | 'started';
  case: CaseView;
  replayed: boolean;
}

/** What a key fixed the first time: the case, and the start or the delivery it was for. */
interface MessageKeyDoc {
  _id: string;
  caseId: string;
  requestHash: string;
  createdAt: string;
  deliveryId: string;
  start?: StartTarget & { unitId: string };
}

type Target = { kind: 'deliver'; caseId: string } | { kind: 'start'; start: StartTarget & { unitId: string } };

export const notCorrelated = (name: string, correlationKey: string | undefined): DomainError =>
  new DomainError(
    'MESSAGE_NOT_CORRELATED',
    `no case of your units waits for message '${name}'${correlationKey === undefined ? '' : ` with correlation key '${correlationKey}'`}, and no procedure starts with it / không có hồ sơ nào đang chờ thông điệp này`,
    404,
    { name, ...(correlationKey === undefined ? {} : { correlationKey }) },
  );

export function createCorrelation(deps: {
  subscriptions: Collection<SubscriptionDoc>;
  /** The case documents, read by id only to confirm an ambiguity. */
  caseDocs: Collection<CaseDoc>;
  procedures: Collection<ProcedureDoc>;
  idempotency: Collection<MessageKeyDoc>;
  lookup: ProcedureLookup;
  cases: Pick<CaseService, 'start' | 'getCommitted'>;
  deliver: Deliver;
  now: () => Date;
}) {
  const { subscriptions, idempotency } = deps;

  /** Cases of the caller's units subscribed to (name, value); a few at most, by one equality. */
  async function waitingCases(name: string, value: string, scope: UnitScope): Promise<string[]> {
    const docs = await subscriptions.find({ key: messageKey(name, value) }, { projection: { caseId: 1, unitIds: 1 } }).limit(100).toArray();
    const visible = docs.filter((d) => scope.all || d.unitIds.some((u) => scope.unitIds.includes(u)));
    const ids = [...new Set(visible.map((d) => d.caseId))];
    if (ids.length < 2) return ids; // one: the delivery itself checks the case still waits
    // Before refusing as ambiguous, the cases themselves say whether they still wait (by id, a few).
    const cases = await deps.caseDocs.find({ _id: { $in: ids } }, { projection: { status: 1, waits: 1 } }).toArray();
    return cases
      .filter((c) => c.status === 'active' && c.waits.some((w) => w.kind === 'message' && w.messageName === name && (w.correlationKeys ?? []).includes(value)))
      .map((c) => c._id)
      .sort();
  }

  async function resolve(input: CorrelateInput): Promise<Target> {
    if (input.correlationKey !== undefined) {
      const caseIds = await waitingCases(input.name, input.correlationKey, input.scope);
      if (caseIds.length > 1) {
        throw conflict(
          'MESSAGE_AMBIGUOUS',
          `${caseIds.length} cases wait for message '${input.name}' with this correlation key; send it to one case (POST /v1/cases/{id}/messages) / nhiều hồ sơ cùng chờ thông điệp này`,
          { name: input.name, correlationKey: input.correlationKey, caseIds },
        );
      }
      if (caseIds[0]) return { kind: 'deliver', caseId: caseIds[0] };
    }
    const starts = await startTargets(deps.procedures, deps.lookup, 'message', input.name);
    if (starts.length > 1) {
      throw conflict('MESSAGE_AMBIGUOUS', `${starts.length} procedures start with message '${input.name}' / nhiều thủ tục bắt đầu bằng thông điệp này`, {
        name: input.name,
        procedureKeys: starts.map((s) => s.procedureKey),
      });
    }
    const start = starts[0];
    if (!start) throw notCorrelated(input.name, input.correlationKey);
    if (!input.mayStart) {
      throw new DomainError('FORBIDDEN', `message '${input.name}' would start a case, which your role may not do`, 403, { permission: 'cases:start' });
    }
    return { kind: 'start', start: { ...start, unitId: await input.startUnit() } };
  }

  const matches = (name: string) => (w: Wait) => w.kind === 'message' && (w.messageName === name || w.messageId === name);

  async function perform(input: CorrelateInput, caseId: string, deliveryId: string, start: MessageKeyDoc['start'], replay: boolean): Promise<CorrelateResult> {
    if (start) {
      try {
        const started = await deps.cases.start({
          caseId,
          procedureKey: start.procedureKey,
          procedureVersion: start.procedureVersion,
          data: input.data,
          by: input.by,
          unitId: start.unitId,
          ...(input.correlationKey !== undefined ? { businessKey: input.correlationKey } : {}),
          trigger: { activityId: start.activityId, payload: input.data },
        });
        return { outcome: 'started', case: started, replayed: replay };
      } catch (err) {
        if (err instanceof CommitConflict) return { outcome: 'started', case: await deps.cases.getCommitted(caseId), replayed: true };
        throw err;
      }
    }
    const result = await deps.deliver({
      caseId,
      deliveryId,
      pick: (c) => c.waits.filter(matches(input.name)).slice(0, 1),
      data: input.data,
      record: (w) => ({ type: 'message.received', activityId: w.activityId, executionId: w.executionId, by: input.by, data: { name: input.name, data: input.data, correlationKey: input.correlationKey } }),
      origin: { kind: 'client', by: input.by },
    });
    if (result.outcome === 'not-waiting') {
      if (replay) throw conflict('NOT_WAITING', `case '${caseId}' no longer waits for message '${input.name}'`, { caseId });
      throw notCorrelated(input.name, input.correlationKey);
    }
    return { outcome: 'delivered', case: caseView(result.case), replayed: replay || result.outcome === 'duplicate' };
  }

  async function replayOf(input: CorrelateInput, record: MessageKeyDoc, requestHash: string): Promise<CorrelateResult> {
    if (record.requestHash !== requestHash) {
      throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used with a different request body', 422, { key: input.idempotencyKey });
    }
    if (record.start) {
      try {
        return { outcome: 'started', case: await deps.cases.getCommitted(record.caseId), replayed: true };
      } catch (err) {
        if (!(err instanceof DomainError) || err.statusCode !== 404) throw err;
      }
    }
    // The first attempt died before it finished: finish it (the delivery id keeps it once).
    return perform(input, record.caseId, record.deliveryId, record.start, true);
  }

  return {
    async correlate(input: CorrelateInput): Promise<CorrelateResult> {
      if (!input.idempotencyKey) {
        const target = await resolve(input);
        return target.kind === 'start' ? perform(input, randomUUID(), randomUUID(), target.start, false) : perform(input, target.caseId, randomUUID(), undefined, false);
      }
      const requestHash = createHash('sha256').update(JSON.stringify({ n: input.name, k: input.correlationKey ?? null, d: input.data })).digest('hex');
      const key = `message/${encodeURIComponent(input.callerId)}/${input.idempotencyKey}`;
      const existing = await idempotency.findOne({ _id: key });
      if (existing) return replayOf(input, existing, requestHash);
      const target = await resolve(input);
      const record: MessageKeyDoc = {
        _id: key,
        caseId: target.kind === 'deliver' ? target.caseId : randomUUID(),
        requestHash,
        createdAt: deps.now().toISOString(),
        deliveryId: randomUUID(),
        ...(target.kind === 'start' ? { start: target.start } : {}),
      };
      try {
        await idempotency.insertOne(record);
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        const first = await idempotency.findOne({ _id: key });
        // FerretDB may report a duplicate for the insert that wrote the row: the fresh delivery id tells.
        if (first && first.deliveryId !== record.deliveryId) return replayOf(input, first, requestHash);
      }
      return perform(input, record.caseId, record.deliveryId, record.start, false);
    },
  };
}

export type Correlation = ReturnType<typeof createCorrelation>;
export type { MessageKeyDoc };
