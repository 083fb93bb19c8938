import { describe, expect, it } from 'vitest';
import type { Wait } from '../../src/domain/case.js';
import { busyRetryDelayMs, dueTimers, timerLimitBreach } from '../../src/scheduler/timer-policy.js';

const timer = (executionId: string, expireAt: string): Wait => ({
  kind: 'timer',
  executionId,
  activityId: `a-${executionId}`,
  activityExecutionId: 'task-1',
  since: '2026-01-01T00:00:00.000Z',
  expireAt,
  jobId: `timer-c-${executionId}`,
  timerType: 'timeDuration',
});
const task: Wait = {
  kind: 'task',
  executionId: 'task-1',
  activityId: 'hold',
  activityExecutionId: 'task-1',
  since: '2026-01-01T00:00:00.000Z',
  taskId: 't1',
  name: 'Hold',
  candidateGroups: [],
};

describe('timer policy', () => {
  it('picks every due timer, oldest first, ties by execution id, and nothing else', () => {
    const waits = [task, timer('b', '2026-01-01T00:00:10.000Z'), timer('c', '2026-01-01T00:00:20.000Z'), timer('a', '2026-01-01T00:00:10.000Z'), timer('z', '2026-01-01T00:00:05.000Z')];
    const due = dueTimers(waits, new Date('2026-01-01T00:00:10.000Z'));
    expect(due.map((w) => w.executionId)).toEqual(['z', 'a', 'b']);
    expect(dueTimers(waits, new Date('2026-01-01T00:00:04.999Z'))).toEqual([]);
  });

  it('refuses a step only when it adds timers beyond the limit', () => {
    const three = [timer('a', 'x'), timer('b', 'x'), timer('c', 'x')];
    expect(timerLimitBreach([], three, 3)).toBeNull();
    expect(timerLimitBreach([], [...three, timer('d', 'x')], 3)).toEqual({ pending: 4, limit: 3 });
    // Already over a lowered limit: draining or staying level is allowed, growing is not.
    expect(timerLimitBreach([...three, timer('d', 'x')], three, 2)).toBeNull();
    expect(timerLimitBreach(three, three, 2)).toBeNull();
    expect(timerLimitBreach(three, [...three, task, timer('d', 'x')], 2)).toEqual({ pending: 4, limit: 2 });
  });

  it('backs busy retries off, spread and capped', () => {
    expect(busyRetryDelayMs(1, () => 1)).toBe(200);
    expect(busyRetryDelayMs(1, () => 0)).toBe(100);
    expect(busyRetryDelayMs(3, () => 1)).toBe(800);
    expect(busyRetryDelayMs(50, () => 1)).toBe(3_000);
    expect(busyRetryDelayMs(0, () => 1)).toBe(200);
  });
});
