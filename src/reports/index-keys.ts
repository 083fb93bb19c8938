/**
 * Equality keys the service-index report reads by (docs/service-index.md). FerretDB 1.24
 * pushes only top-level equality filters down to PostgreSQL, so each dossier carries a
 * top-level `indexKeys` array: `<unitId>|<yyyy-MM>` for the months (Vietnam time) of its
 * submission, receipt and end of processing, and `<unitId>|open` while processing has not
 * ended, for every unit that held it. A report reads one key per unit and month.
 */
import { DateTime } from 'luxon';
import type { CaseDoc } from '../domain/case.js';

export const INDEX_ZONE = 'Asia/Ho_Chi_Minh';
export const OPEN_BUCKET = 'open';

export const monthOf = (iso: string): string => DateTime.fromISO(iso, { zone: 'utc' }).setZone(INDEX_ZONE).toFormat('yyyy-MM');

export const indexKey = (unitId: string, bucket: string): string => `${unitId}|${bucket}`;

export type IndexedCase = CaseDoc & { indexKeys?: string[] };

/** The keys of a dossier's current state (sorted, no duplicates). */
export function indexKeysOf(doc: CaseDoc): string[] {
  const d = doc.dossier;
  if (!d) return [];
  const buckets = new Set<string>([d.submittedAt, d.receivedAt, d.finishedAt].flatMap((at) => (at ? [monthOf(at)] : [])));
  if (!d.finishedAt) buckets.add(OPEN_BUCKET);
  return [...new Set(d.unitIds.flatMap((u) => [...buckets].map((b) => indexKey(u, b))))].sort();
}

/**
 * Keeps `indexKeys` in step with the dossier: a commit policy (src/cases/commit-policy.ts),
 * placed after the lifecycle policy, which sets finishedAt.
 */
export const serviceIndexKeysPolicy = {
  name: 'service-index-keys',
  when: (_previous: CaseDoc | null, next: CaseDoc): boolean => Boolean(next.dossier),
  apply(_previous: CaseDoc | null, next: CaseDoc): void {
    (next as IndexedCase).indexKeys = indexKeysOf(next);
  },
};
