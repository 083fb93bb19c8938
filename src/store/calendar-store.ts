/**
 * Versioned province/agency corrections of the national working-time calendar.
 *
 * Collection `calendar_versions`: one document per change, holding the FULL override list
 * after that change, so any version can be rebuilt from one document and the collection is
 * its own audit log. Version numbers are allocated by inserting `{ _id: 'v000000042',
 * version: 42 }` under a unique index: when two writers race for the same number the
 * database rejects one insert (11000) and that writer re-reads and retries on top of the
 * winner. Conditional updates are never used (they are not atomic on FerretDB 1.24, see
 * shared/docs/infrastructure.md "What to avoid"), so no change is lost on either server.
 */
import type { Collection, Db } from 'mongodb';
import { dayNumberOf } from '../calendar/time.js';
import { HOLIDAY_KINDS, type HolidayKind } from '../calendar/types.js';
import { DomainError, badRequest, notFound } from '../domain/errors.js';
import { isDuplicateKey } from './mongo.js';

/** Kinds an override may set: the three calendar kinds, plus `working-day` (forces a working day). */
export type OverrideKind = HolidayKind | 'working-day';

export const OVERRIDE_KINDS: readonly OverrideKind[] = [...HOLIDAY_KINDS, 'working-day'];

/** A stored override: one dated correction; `name`/`source` say what and on whose authority. */
export interface StoredOverride {
  date: string;
  kind: OverrideKind;
  name: string;
  source: string;
}

/** What a caller asks for: set (create or replace) the override of a date, or remove it. */
export type CalendarChangeRequest =
  | { action: 'set'; date: string; kind: OverrideKind; name: string; source: string }
  | { action: 'remove'; date: string };

/** The change recorded with a version; for `remove`, `kind`/`name`/`source` are those of the removed override. */
export interface CalendarChangeRecord {
  action: 'set' | 'remove';
  date: string;
  kind: OverrideKind;
  name?: string;
  source?: string;
}

export interface CalendarVersionDoc {
  _id: string;
  version: number;
  overrides: StoredOverride[];
  change: CalendarChangeRecord;
  createdAt: Date;
  by: string;
}

export interface CalendarSnapshot {
  version: number;
  overrides: StoredOverride[];
}

export interface CalendarHistoryEntry {
  version: number;
  change: CalendarChangeRecord;
  createdAt: Date;
  by: string;
}

export interface CalendarStore {
  /** The newest version, or null when no change was ever made (version 0: national data only). */
  latest(): Promise<CalendarSnapshot | null>;
  /** The newest `limit` changes, newest first. */
  history(limit: number): Promise<CalendarHistoryEntry[]>;
  /**
   * Commits `change` on top of the newest version as version n+1 and returns that version.
   * Throws DomainError INVALID_DATE / INVALID_OVERRIDE (400), OVERRIDE_NOT_FOUND (404, remove
   * of a date without override), CALENDAR_BUSY (503, still losing races after many retries).
   */
  applyChange(change: CalendarChangeRequest, by: string): Promise<CalendarSnapshot & { change: CalendarChangeRecord }>;
  /** Creates the unique index on `version` (idempotent; `applyChange` awaits it before its first write). */
  ensureIndexes(): Promise<void>;
}

export const CALENDAR_COLLECTION = 'calendar_versions';

const MAX_ATTEMPTS = 50;
const TEXT_MAX = 500;

/** `_id` of a version: sortable, `v` + 9 digits. */
export const versionId = (version: number): string => `v${String(version).padStart(9, '0')}`;

/** Throws a 400 DomainError unless `date` is a real `YYYY-MM-DD` calendar date. */
export function assertCalendarDate(date: string, field = 'date'): void {
  try {
    dayNumberOf(date);
  } catch {
    throw badRequest('INVALID_DATE', `${field} '${date}' is not a valid date (YYYY-MM-DD)`, { field, value: date });
  }
}

function validate(change: CalendarChangeRequest): void {
  assertCalendarDate(change.date);
  if (change.action === 'remove') return;
  if (change.action !== 'set') {
    throw badRequest('INVALID_OVERRIDE', `unknown action '${String((change as { action: unknown }).action)}'`);
  }
  if (!OVERRIDE_KINDS.includes(change.kind)) {
    throw badRequest('INVALID_OVERRIDE', `kind must be one of ${OVERRIDE_KINDS.join(', ')}`, { kind: change.kind });
  }
  for (const field of ['name', 'source'] as const) {
    const v = change[field];
    if (typeof v !== 'string' || v.trim() === '' || v.length > TEXT_MAX) {
      throw badRequest('INVALID_OVERRIDE', `${field} must be a non-empty string of at most ${TEXT_MAX} characters`, { field });
    }
  }
}

export function createCalendarStore(db: Db): CalendarStore {
  const col: Collection<CalendarVersionDoc> = db.collection<CalendarVersionDoc>(CALENDAR_COLLECTION);
  let indexes: Promise<void> | null = null;

  const ensureIndexes = (): Promise<void> => {
    indexes ??= col
      .createIndex({ version: 1 }, { unique: true, name: 'version_unique' })
      .then(() => undefined)
      .catch((err: unknown) => {
        indexes = null;
        throw err;
      });
    return indexes;
  };

  async function latestDoc(): Promise<CalendarVersionDoc | null> {
    const [doc] = await col.find({}).sort({ version: -1 }).limit(1).toArray();
    return doc ?? null;
  }

  return {
    ensureIndexes,

    async latest() {
      const doc = await latestDoc();
      return doc ? { version: doc.version, overrides: doc.overrides } : null;
    },

    async history(limit) {
      const n = Math.max(1, Math.min(1000, Math.floor(limit)));
      const docs = await col.find({}).sort({ version: -1 }).limit(n).toArray();
      return docs.map((d) => ({ version: d.version, change: d.change, createdAt: d.createdAt, by: d.by }));
    },

    async applyChange(change, by) {
      validate(change);
      // The unique index is what makes the retry loop correct: create it before the first write.
      await ensureIndexes();
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const prev = await latestDoc();
        const base = prev?.overrides ?? [];
        const rest = base.filter((o) => o.date !== change.date);
        let record: CalendarChangeRecord;
        let overrides: StoredOverride[];
        if (change.action === 'set') {
          const entry: StoredOverride = { date: change.date, kind: change.kind, name: change.name, source: change.source };
          overrides = [...rest, entry].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
          record = { action: 'set', ...entry };
        } else {
          const removed = base.find((o) => o.date === change.date);
          if (!removed) throw notFound('override', change.date);
          overrides = rest;
          record = { action: 'remove', date: removed.date, kind: removed.kind, name: removed.name, source: removed.source };
        }
        const version = (prev?.version ?? 0) + 1;
        const doc: CalendarVersionDoc = { _id: versionId(version), version, overrides, change: record, createdAt: new Date(), by };
        try {
          await col.insertOne(doc);
          return { version, overrides, change: record };
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
          // Someone else took this version: re-read and re-apply on top of theirs, with jitter.
          await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * Math.min(50, 2 + attempt * 5))));
        }
      }
      throw new DomainError('CALENDAR_BUSY', `calendar change not committed after ${MAX_ATTEMPTS} attempts; retry`, 503);
    },
  };
}
