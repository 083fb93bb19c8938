import type { PortalOutboxDoc, ScheduledJob } from '../store/documents.js';
import { buildPortalPayload, type DossierSnapshot } from './portal-payload.js';

export type { PortalOutboxDoc };

/** BullMQ queue (and job name) that delivers portal records. */
export const PORTAL_SYNC_QUEUE = 'portal-sync';

const SEQ_DIGITS = 6;
const MAX_SEQ = 10 ** SEQ_DIGITS - 1;
const RECORD_ID_RE = new RegExp(`^(.+)-(\\d{${SEQ_DIGITS}})$`);

/** `<dossierId>-<seq, 6 digits>`: sorts like `seq` within a dossier and is the Idempotency-Key. */
export function portalRecordId(dossierId: string, seq: number): string {
  if (!dossierId) throw new RangeError('dossierId is empty');
  if (!Number.isInteger(seq) || seq < 1 || seq > MAX_SEQ) throw new RangeError(`portal seq must be 1..${MAX_SEQ}, got ${seq}`);
  return `${dossierId}-${String(seq).padStart(SEQ_DIGITS, '0')}`;
}

/** The dossier id and seq a record id was made of; null if it is not one. */
export function parsePortalRecordId(id: string): { dossierId: string; seq: number } | null {
  const m = RECORD_ID_RE.exec(id);
  return m ? { dossierId: m[1] as string, seq: Number(m[2]) } : null;
}

/**
 * Deterministic BullMQ job id of a record: re-adding it is a no-op while the job exists.
 * BullMQ job ids must not contain ':' (its key separator) nor be all digits.
 */
export function portalSyncJobId(recordId: string): string {
  return `sync-${recordId.replaceAll(':', '_')}`;
}

/**
 * The outbox document for a dossier's state number `seq`, built from its snapshot. Pure:
 * the case commit inserts it (insert-once by `_id`) together with the case revision.
 */
export function portalOutboxRecord(dossierId: string, seq: number, snapshot: DossierSnapshot, at: string): PortalOutboxDoc {
  return {
    _id: portalRecordId(dossierId, seq),
    dossierId,
    seq,
    payloadJson: JSON.stringify(buildPortalPayload(snapshot)),
    createdAt: at,
    deliveredAt: null,
    attempts: 0,
    lastError: null,
  };
}

/** The commit effect that asks BullMQ to deliver `record` (added after the commit point, idempotent). */
export function portalSyncJob(record: Pick<PortalOutboxDoc, '_id' | 'dossierId' | 'createdAt'>): ScheduledJob {
  return { queue: PORTAL_SYNC_QUEUE, jobId: portalSyncJobId(record._id), runAt: record.createdAt, data: { dossierId: record.dossierId } };
}
