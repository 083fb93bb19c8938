/**
 * MongoDB adapter for units. Collection `units` (`_id` = slug, unique index on `code`) and
 * `unit_dissolutions` (`_id` = unit id): a dissolution is decided by inserting its record
 * there, so two concurrent dissolutions of one unit cannot both win (conditional updates are
 * not atomic on FerretDB 1.24); the unit document is updated after, and repaired from the
 * record if a process stopped in between.
 */
import type { Collection, Db } from 'mongodb';
import { isDuplicateKey } from '../store/mongo.js';
import type { NewUnit, Unit } from './types.js';

export const UNITS_COLLECTION = 'units';
export const UNIT_DISSOLUTIONS_COLLECTION = 'unit_dissolutions';

/** A unit as stored: its id is the document's `_id`. */
type UnitDoc = Omit<Unit, 'id'> & { _id: string };

export interface DissolutionDoc {
  _id: string;
  successorIds: string[];
  at: Date;
  by: string;
  recordedAt: Date;
}

export interface UnitStore {
  ensureIndexes(): Promise<void>;
  count(): Promise<number>;
  get(id: string): Promise<Unit | null>;
  getByCode(code: string): Promise<Unit | null>;
  getMany(ids: string[]): Promise<Unit[]>;
  all(): Promise<Unit[]>;
  childrenOf(id: string): Promise<Unit[]>;
  /** false when the id or the code is taken (unique indexes decide). */
  insert(unit: NewUnit, at: Date): Promise<boolean>;
  rename(id: string, name: string, at: Date): Promise<void>;
  /** false when a dissolution of this unit was recorded already. */
  recordDissolution(record: DissolutionDoc): Promise<boolean>;
  dissolution(id: string): Promise<DissolutionDoc | null>;
  applyDissolution(record: DissolutionDoc): Promise<void>;
}

const fromDoc = (d: UnitDoc): Unit => ({
  id: d._id,
  code: d.code,
  name: d.name,
  kind: d.kind,
  parentId: d.parentId ?? null,
  dissolvedAt: d.dissolvedAt ?? null,
  successorIds: d.successorIds ?? [],
  createdAt: d.createdAt,
  updatedAt: d.updatedAt,
});

export function createUnitStore(db: Db): UnitStore {
  const units: Collection<UnitDoc> = db.collection(UNITS_COLLECTION);
  const dissolutions: Collection<DissolutionDoc> = db.collection(UNIT_DISSOLUTIONS_COLLECTION);

  return {
    async ensureIndexes() {
      await Promise.all([units.createIndex({ code: 1 }, { unique: true }), units.createIndex({ parentId: 1 })]);
    },
    count: () => units.countDocuments({}),
    async get(id) {
      const doc = await units.findOne({ _id: id });
      return doc ? fromDoc(doc) : null;
    },
    async getByCode(code) {
      const doc = await units.findOne({ code });
      return doc ? fromDoc(doc) : null;
    },
    async getMany(ids) {
      if (ids.length === 0) return [];
      return (await units.find({ _id: { $in: ids } }).toArray()).map(fromDoc);
    },
    async all() {
      return (await units.find({}).sort({ _id: 1 }).toArray()).map(fromDoc);
    },
    async childrenOf(id) {
      return (await units.find({ parentId: id }).sort({ _id: 1 }).toArray()).map(fromDoc);
    },
    async insert(unit, at) {
      try {
        await units.insertOne({
          _id: unit.id,
          code: unit.code,
          name: unit.name,
          kind: unit.kind,
          parentId: unit.parentId,
          dissolvedAt: null,
          successorIds: [],
          createdAt: at,
          updatedAt: at,
        });
        return true;
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
    },
    async rename(id, name, at) {
      await units.updateOne({ _id: id }, { $set: { name, updatedAt: at } });
    },
    async recordDissolution(record) {
      try {
        await dissolutions.insertOne(record);
        return true;
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
    },
    dissolution: (id) => dissolutions.findOne({ _id: id }),
    async applyDissolution(record) {
      await units.updateOne(
        { _id: record._id },
        { $set: { dissolvedAt: record.at, successorIds: record.successorIds, updatedAt: record.recordedAt } },
      );
    },
  };
}
