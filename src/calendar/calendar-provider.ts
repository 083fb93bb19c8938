/**
 * The working-time calendar in force: national data (`data/holidays/`, read once) plus the
 * newest version of the province/agency overrides kept in the database.
 *
 * Several replicas share the database, so `current()` re-reads the newest version number at
 * most every `refreshMs` (default 2 s) and rebuilds the calendar only when it changed: a
 * change written by another replica is in force here within `refreshMs`. `change()` writes
 * through the store, rebuilds at once (this replica sees its own change immediately) and
 * then calls the `onChange` listeners — the place to recompute the deadlines of running
 * cases from `affectedFrom` on.
 *
 * Listeners are called only on the replica that made the change, and only after the change
 * is committed; a listener failure does not undo it (it goes to `onError`).
 */
import type { CalendarChangeRequest, CalendarHistoryEntry, CalendarStore, StoredOverride } from '../store/calendar-store.js';
import { loadHolidayEntries } from './load-holidays.js';
import { withOverrides, type CalendarOverride } from './overrides.js';
import type { DeadlineEnd, HolidayEntry, IsoWeekday, OfficeHours } from './types.js';
import { createWorkingCalendar, type WorkingCalendar } from './working-calendar.js';

export interface CalendarProviderOptions {
  /** Office hours; default 07:30–11:30 + 13:30–17:00. */
  officeHours?: OfficeHours;
  /** Default: the sum of the office hours (450). */
  minutesPerWorkingDay?: number;
  /** ISO weekdays off; default Saturday and Sunday. */
  weekend?: readonly IsoWeekday[];
  /** How day-based limits end; default `clock-time`. */
  deadlineEnd?: DeadlineEnd;
  /** How stale the calendar of this replica may be, in ms; default 2000. 0 = read every time. */
  refreshMs?: number;
  /** National entries; default `loadHolidayEntries()` (data/holidays/, read once here). */
  baseEntries?: readonly HolidayEntry[];
  /** Clock in ms for the refresh interval (tests); default `Date.now`. */
  now?: () => number;
  /** Failed refresh (the last calendar keeps being served) or failed listener. Default: ignore. */
  onError?: (err: unknown, context: 'refresh' | 'listener') => void;
}

export interface CurrentCalendar {
  calendar: WorkingCalendar;
  version: number;
  /** The overrides of `version` (already applied in `calendar`). */
  overrides: readonly StoredOverride[];
}

export interface CalendarChangeInfo {
  version: number;
  /** Earliest `YYYY-MM-DD` whose status may have changed: deadlines after it may move. */
  affectedFrom: string;
  /** Set when the national base data changed (a deploy), not an override: its fingerprint. */
  base?: string;
}

export type CalendarChangeListener = (info: CalendarChangeInfo) => Promise<void> | void;

export interface CalendarProvider {
  /** The calendar in force (cached; at most `refreshMs` old). */
  current(): Promise<CurrentCalendar>;
  /** Commits a change, rebuilds the calendar at once, then awaits the listeners. */
  change(change: CalendarChangeRequest, by: string): Promise<{ version: number }>;
  /** Registers a listener; returns a function that removes it. */
  onChange(listener: CalendarChangeListener): () => void;
  /** Newest version read from the database now (not cached), for the admin view. */
  snapshot(): Promise<{ version: number; overrides: StoredOverride[] }>;
  /** Newest `limit` changes, newest first. */
  history(limit: number): Promise<CalendarHistoryEntry[]>;
  /** The national entries this provider builds on (data/holidays/ unless given). */
  readonly baseEntries: readonly HolidayEntry[];
  /** Tells the listeners that the base data changed since the last start (base-sync.ts). */
  announceBaseChange(change: { fingerprint: string; affectedFrom: string }): Promise<void>;
}

/** Stored overrides are already `CalendarOverride`s (`working-day` or a full entry). */
const toCalendarOverrides = (overrides: readonly StoredOverride[]): CalendarOverride[] =>
  overrides.map((o) => (o.kind === 'working-day' ? { date: o.date, kind: o.kind, name: o.name, source: o.source } : { ...o, kind: o.kind }));

export function createCalendarProvider(store: CalendarStore, options: CalendarProviderOptions = {}): CalendarProvider {
  const refreshMs = options.refreshMs ?? 2000;
  if (!Number.isFinite(refreshMs) || refreshMs < 0) throw new RangeError(`refreshMs must be ≥ 0, got ${String(refreshMs)}`);
  const now = options.now ?? Date.now;
  const base = options.baseEntries ?? loadHolidayEntries();
  const listeners = new Set<CalendarChangeListener>();
  const onError = options.onError ?? (() => undefined);

  let cached: CurrentCalendar | null = null;
  let checkedAt = Number.NEGATIVE_INFINITY;
  let inflight: Promise<CurrentCalendar> | null = null;

  async function notify(info: CalendarChangeInfo): Promise<void> {
    for (const listener of [...listeners]) {
      try {
        await listener(info);
      } catch (err) {
        onError(err, 'listener');
      }
    }
  }

  function build(version: number, overrides: readonly StoredOverride[]): CurrentCalendar {
    const calendar = createWorkingCalendar({
      entries: withOverrides(base, toCalendarOverrides(overrides)),
      officeHours: options.officeHours,
      minutesPerWorkingDay: options.minutesPerWorkingDay,
      weekend: options.weekend,
      deadlineEnd: options.deadlineEnd,
    });
    return { calendar, version, overrides: [...overrides] };
  }

  /** Keeps the newest version seen (a slow refresh must not roll back a newer local change). */
  function adopt(version: number, overrides: readonly StoredOverride[]): CurrentCalendar {
    if (!cached || version > cached.version) cached = build(version, overrides);
    return cached;
  }

  function refresh(): Promise<CurrentCalendar> {
    if (inflight) return inflight;
    const startedAt = now();
    const p = (async () => {
      try {
        const snap = await store.latest();
        const result = adopt(snap?.version ?? 0, snap?.overrides ?? []);
        checkedAt = startedAt;
        return result;
      } catch (err) {
        if (!cached) throw err;
        onError(err, 'refresh');
        checkedAt = startedAt; // retry after refreshMs, serve the last good calendar meanwhile
        return cached;
      }
    })();
    inflight = p;
    void p.then(
      () => (inflight = null),
      () => (inflight = null),
    );
    return p;
  }

  return {
    async current() {
      if (cached && now() - checkedAt < refreshMs) return cached;
      return refresh();
    },

    async change(change, by) {
      const result = await store.applyChange(change, by);
      adopt(result.version, result.overrides);
      checkedAt = now();
      await notify({ version: result.version, affectedFrom: change.date });
      return { version: result.version };
    },

    baseEntries: base,

    async announceBaseChange({ fingerprint, affectedFrom }) {
      const { version } = await refresh();
      // A failure propagates: the caller then keeps the old marker and retries at the next start.
      for (const listener of [...listeners]) await listener({ version, affectedFrom, base: fingerprint });
    },

    onChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },

    async snapshot() {
      const snap = await store.latest();
      const version = snap?.version ?? 0;
      const overrides = snap?.overrides ?? [];
      adopt(version, overrides);
      return { version, overrides };
    },

    history: (limit) => store.history(limit),
  };
}
