/**
 * One-off start-up step: cases stored before every case had a unit get one (a dossier: its
 * processing unit; any other case: CASE_UNIT_MIGRATION_UNIT_ID), and so do their tasks and
 * escalations. Idempotent and safe on several replicas at once; a marker document makes later
 * start-ups skip the scan once nothing is left to migrate.
 */
import type { Db, Filter } from 'mongodb';
import type { CaseDoc } from '../domain/case.js';
import { backfillListingKeys } from '../store/listing-keys.js';
import type { Collections } from '../store/mongo.js';

const MARKER = 'case-units-v1';

export interface CaseUnitMigration {
  /** Cases given a unit by this run. */
  migrated: number;
  /** Cases still without one (no dossier and no CASE_UNIT_MIGRATION_UNIT_ID): only unscoped keys see them. */
  left: number;
  skipped: boolean;
}

export async function migrateCaseUnits(db: Db, c: Collections, defaultUnitId: string | null): Promise<CaseUnitMigration> {
  const result = await migrateUnits(db, c, defaultUnitId);
  // After the units, which the listing keys copy (src/store/listing-keys.ts).
  await backfillListingKeys(db, c);
  return result;
}

async function migrateUnits(db: Db, c: Collections, defaultUnitId: string | null): Promise<CaseUnitMigration> {
  const markers = db.collection<{ _id: string; at: string }>('migrations');
  if (await markers.findOne({ _id: MARKER })) return { migrated: 0, left: 0, skipped: true };
  let migrated = 0;
  let left = 0;
  const missing = { unitId: { $exists: false } } as Filter<CaseDoc>;
  for await (const doc of c.cases.find(missing, { projection: { _id: 1, dossier: 1 } }).batchSize(500)) {
    const unitId = doc.dossier?.processingUnitId ?? defaultUnitId;
    if (!unitId) {
      left += 1;
      continue;
    }
    // Only where still missing: a commit that set the unit meanwhile wins.
    const { modifiedCount } = await c.cases.updateOne({ _id: doc._id, unitId: { $exists: false } } as Filter<CaseDoc>, { $set: { unitId, ...(doc.dossier ? {} : { unitIds: [unitId] }) } as never });
    if (!doc.dossier) {
      await c.tasks.updateMany({ caseId: doc._id, unitId: null }, { $set: { unitId } });
      await c.escalations.updateMany({ caseId: doc._id, unitIds: null }, { $set: { unitIds: [unitId] } });
    }
    migrated += modifiedCount;
  }
  if (left === 0) await markers.updateOne({ _id: MARKER }, { $set: { at: new Date().toISOString() } }, { upsert: true });
  return { migrated, left, skipped: false };
}
