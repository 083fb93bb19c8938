import { createHash, randomUUID } from 'node:crypto';
import { CommitConflict, DomainError, notFound } from '../domain/errors.js';
import { isDuplicateKey, type Collections } from '../store/mongo.js';
import type { CaseView } from './views.js';

export interface StartRequest {
  procedureKey: string;
  data: Record<string, unknown>;
  by: string;
  unitId: string;
  /** The caller's own key for the case (messages correlate on it). */
  businessKey?: string;
}

/**
 * Idempotent creation of a case (or a dossier). The key record is written first and fixes
 * the case id; a retry reuses that id, and the case's first commit (unique per id) lets only
 * one creation win. `scope` keeps the keys of different routes apart, and `callerId` (the API
 * key id) those of different callers: another caller's replay of the same key is an unrelated
 * request. The request body (without the actor) is what must match for a retry.
 */
export function createIdempotentStart<R extends { by: string }>(
  c: Collections,
  start: (caseId: string, request: R) => Promise<CaseView>,
  get: (caseId: string) => Promise<CaseView>,
  now: () => Date,
  scope: string,
) {
  async function startOrGet(caseId: string, request: R): Promise<CaseView> {
    try {
      return await start(caseId, request);
    } catch (err) {
      if (err instanceof CommitConflict) return get(caseId); // the concurrent twin won
      throw err;
    }
  }

  return async (idempotencyKey: string, request: R, callerId: string): Promise<{ case: CaseView; replayed: boolean }> => {
    const { by: _who, ...asked } = request;
    const requestHash = createHash('sha256').update(JSON.stringify(asked)).digest('hex');
    // encodeURIComponent: a caller id cannot forge another caller's namespace with a '/'.
    const key = `${scope}/${encodeURIComponent(callerId)}/${idempotencyKey}`;
    const caseId = randomUUID();
    let inserted = true;
    try {
      await c.idempotency.insertOne({ _id: key, caseId, requestHash, createdAt: now().toISOString() });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      inserted = false;
    }
    const first = inserted ? null : await c.idempotency.findOne({ _id: key });
    // A duplicate reported for our own write (FerretDB may retry an insert that succeeded):
    // the fresh case id shows the record is ours.
    if (inserted || first?.caseId === caseId) return { case: await startOrGet(caseId, request), replayed: false };
    if (!first) throw notFound('idempotency key', idempotencyKey);
    if (first.requestHash !== requestHash) {
      throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used with a different request body', 422, { key: idempotencyKey });
    }
    try {
      return { case: await get(first.caseId), replayed: true };
    } catch (err) {
      if (!(err instanceof DomainError) || err.statusCode !== 404) throw err;
    }
    // The first attempt died before its case was committed: finish it now.
    return { case: await startOrGet(first.caseId, request), replayed: true };
  };
}

export type IdempotentStart<R extends { by: string } = StartRequest> = (
  idempotencyKey: string,
  request: R,
  callerId: string,
) => Promise<{ case: CaseView; replayed: boolean }>;
