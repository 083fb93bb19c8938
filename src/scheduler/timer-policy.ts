import type { TimerWait, Wait } from '../domain/case.js';

/**
 * Run-time rules for timers (docs/timers.md). A timer job fires every timer of its case that
 * is due, in one engine run under one lock hold, so a case with many timers due together
 * costs one step, not one step per timer, and its other jobs find nothing left to do.
 */

/** Default for MAX_PENDING_TIMERS_PER_CASE: timers one case may wait on at once. */
export const DEFAULT_MAX_PENDING_TIMERS_PER_CASE = 25;

/** Stable code of the refusal (422) or incident when a step would exceed the limit. */
export const TIMER_LIMIT_CODE = 'TIMER_LIMIT_EXCEEDED';

/** The case's timers due at `at`, oldest first (ties by execution id, so replays agree). */
export function dueTimers(waits: Wait[], at: Date): TimerWait[] {
  const now = at.getTime();
  return waits
    .filter((w): w is TimerWait => w.kind === 'timer' && new Date(w.expireAt).getTime() <= now)
    .sort((a, b) => a.expireAt.localeCompare(b.expireAt) || a.executionId.localeCompare(b.executionId));
}

export const pendingTimers = (waits: Wait[]): number => waits.reduce((n, w) => n + (w.kind === 'timer' ? 1 : 0), 0);

/**
 * The pending-timer count after a step when it breaks the limit, else null. A step that
 * does not add timers is never refused (a case already over a lowered limit can drain).
 */
export function timerLimitBreach(before: Wait[], after: Wait[], limit: number): { pending: number; limit: number } | null {
  const pending = pendingTimers(after);
  return pending > limit && pending > pendingTimers(before) ? { pending, limit } : null;
}

/**
 * When a timer job finds its case locked it does not wait for the lock (that would hold a
 * worker slot other cases' timers need): it goes back to the delayed set for a while, longer
 * each time (`tries` = times it was taken up), so a crowd of jobs of one busy case stays
 * cheap. Any one of them that gets the lock fires all of the case's due timers.
 */
export function busyRetryDelayMs(tries: number, random: () => number = Math.random): number {
  const base = Math.min(3_000, 200 * 2 ** Math.max(0, Math.min(tries, 10) - 1));
  return Math.round(base * (0.5 + 0.5 * random()));
}
