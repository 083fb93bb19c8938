import type { Collection, Db } from 'mongodb';

/** One version of a published decision (collection `decisions`); never changed once written. */
export interface DecisionDoc {
  /** `<key>@<version>`: a concurrent publish of the same number fails on it. */
  _id: string;
  /** The decision id in the .dmn file. */
  key: string;
  version: number;
  name: string;
  hitPolicy: string;
  /** sha256 of the tables below: an equal table published again is the same version. */
  hash: string;
  /** The decision's table and those it requires (JSON of DecisionTable[], itself first). */
  tablesJson: string;
  /** The .dmn file as published. */
  xml: string;
  createdAt: string;
  publishedBy: string | null;
}

export const DECISIONS_COLLECTION = 'decisions';

/** Reads are by key (equality, indexed on FerretDB's SQL too: scripts/lib/pg-indexes.sql) or by _id. */
export function decisionCollection(db: Db): { col: Collection<DecisionDoc>; ensureIndexes(): Promise<void> } {
  const col = db.collection<DecisionDoc>(DECISIONS_COLLECTION);
  return {
    col,
    async ensureIndexes() {
      await Promise.all([col.createIndex({ key: 1, version: 1 }, { unique: true }), col.createIndex({ key: 1, hash: 1 }, { unique: true })]);
    },
  };
}
