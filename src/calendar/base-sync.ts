/**
 * Notices when the national holiday data (data/holidays/, shipped with the code) changed
 * since the last start: a deploy that adds a holiday (24/11 from 2026) must move the
 * deadlines of running cases, exactly like an override change does.
 *
 * The database keeps a marker with the fingerprint and the entries of the base data last
 * seen. At start-up `syncBaseCalendar` compares; when they differ it first calls `onChange`
 * (which enqueues idempotent recompute jobs) and only then writes the new marker, so a crash
 * in between repeats the enqueue at the next start instead of losing it.
 */
import { createHash } from 'node:crypto';
import type { Db } from 'mongodb';
import type { HolidayEntry } from './types.js';

export interface BaseMarker {
  fingerprint: string;
  entries: HolidayEntry[];
}

export interface BaseMarkerStore {
  get(): Promise<BaseMarker | null>;
  put(marker: BaseMarker): Promise<void>;
}

export const BASE_MARKER_COLLECTION = 'calendar_base';

/** The marker as one document; an unconditional replace (both replicas of a deploy write the same). */
export function createBaseMarkerStore(db: Db): BaseMarkerStore {
  const col = db.collection<{ _id: string; fingerprint: string; entriesJson: string; at: Date }>(BASE_MARKER_COLLECTION);
  return {
    async get() {
      const doc = await col.findOne({ _id: 'current' });
      return doc ? { fingerprint: doc.fingerprint, entries: JSON.parse(doc.entriesJson) as HolidayEntry[] } : null;
    },
    async put(marker) {
      const doc = { fingerprint: marker.fingerprint, entriesJson: JSON.stringify(marker.entries), at: new Date() };
      await col.replaceOne({ _id: 'current' }, doc, { upsert: true });
    },
  };
}

/** Stable over key order and entry order. */
export function baseFingerprint(entries: readonly HolidayEntry[]): string {
  const canonical = [...entries]
    .map((e) => [e.date, e.kind, e.name, e.source])
    .sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1));
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex').slice(0, 16);
}

/** Earliest date whose working status may differ (only date and kind count), or null. */
export function firstDifference(before: readonly HolidayEntry[], after: readonly HolidayEntry[]): string | null {
  const kinds = (list: readonly HolidayEntry[]) => new Map(list.map((e) => [e.date, e.kind]));
  const a = kinds(before);
  const b = kinds(after);
  let first: string | null = null;
  for (const date of new Set([...a.keys(), ...b.keys()])) {
    if (a.get(date) !== b.get(date) && (first === null || date < first)) first = date;
  }
  return first;
}

export interface BaseChange {
  fingerprint: string;
  /** Earliest date whose status changed; with no marker yet, the earliest date of the data. */
  affectedFrom: string;
}

/** Compares the base data with the marker; on a change calls `onChange`, then records the new marker. */
export async function syncBaseCalendar(
  store: BaseMarkerStore,
  entries: readonly HolidayEntry[],
  onChange: (change: BaseChange) => Promise<void>,
): Promise<BaseChange | null> {
  const fingerprint = baseFingerprint(entries);
  const previous = await store.get();
  if (previous?.fingerprint === fingerprint) return null;
  const affectedFrom = previous ? firstDifference(previous.entries, entries) : ([...entries].map((e) => e.date).sort()[0] ?? null);
  const change = affectedFrom === null ? null : { fingerprint, affectedFrom };
  // Names or sources alone changed: nothing moves, only the marker is refreshed.
  if (change) await onChange(change);
  await store.put({ fingerprint, entries: [...entries] });
  return change;
}
