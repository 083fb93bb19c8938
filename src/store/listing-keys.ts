/**
 * Top-level copies of what listings filter on, written with every case document. FerretDB 1.24
 * pushes only top-level equality down to SQL (a dotted field such as `dossier.unitIds` is
 * filtered in Go after reading the whole table), so a scoped listing asks `{unitIds: <unit>}`.
 */
import type { Db } from 'mongodb';
import type { CaseDoc } from '../domain/case.js';
import { caseUnitIds } from '../domain/unit-scope.js';
import type { Collections } from './mongo.js';

export interface ListingKeys {
  /** Every unit that sees the case (src/domain/unit-scope.ts caseUnitIds). */
  unitIds: string[];
  /** The dossier code, for the register's code search; null for a case without a dossier. */
  dossierCode: string | null;
}

export type ListedCase = CaseDoc & ListingKeys;

export function withListingKeys(doc: CaseDoc): ListedCase {
  return { ...doc, unitIds: caseUnitIds(doc), dossierCode: doc.dossier?.code ?? null };
}

const MARKER = 'case-listing-keys-v1';

/**
 * One-off start-up step for cases stored before the keys existed; a marker makes later starts
 * skip the scan. A commit racing it writes the keys itself, and the update is tied to the revision read.
 */
export async function backfillListingKeys(db: Db, c: Collections): Promise<number> {
  const markers = db.collection<{ _id: string; at: string }>('migrations');
  if (await markers.findOne({ _id: MARKER })) return 0;
  let updated = 0;
  const missing = { unitIds: { $exists: false } } as never;
  for await (const doc of c.cases.find(missing, { projection: { _id: 1, revision: 1, unitId: 1, dossier: 1 } }).batchSize(500)) {
    const keys = withListingKeys(doc as CaseDoc);
    const res = await c.cases.updateOne({ _id: doc._id, revision: doc.revision }, { $set: { unitIds: keys.unitIds, dossierCode: keys.dossierCode } as never });
    updated += res.modifiedCount;
  }
  await markers.updateOne({ _id: MARKER }, { $set: { at: new Date().toISOString() } }, { upsert: true });
  return updated;
}
