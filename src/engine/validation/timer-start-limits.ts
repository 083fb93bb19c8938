import type { ModdleElement } from 'bpmn-moddle';
import { parseSchedule, shortestGapMs } from '../timer-schedule.js';
import type { LimitOptions } from './limits-check.js';
import { formatMs } from './limits-check.js';
import { label } from './model.js';

/**
 * A schedule (timer start event cycle or cron) may not fire more often than the shortest
 * cycle interval of the limits (issue 7: no R/PT1S storms of new cases). Unbounded cycles
 * (`R/…`) are what schedules are for, so their count is not limited.
 */
export function scheduleLimits(
  owner: ModdleElement,
  cycle: string,
  options: LimitOptions,
  report: (code: string, message: string, element?: ModdleElement) => void,
): void {
  const schedule = parseSchedule('timeCycle', cycle);
  if ('error' in schedule) return; // malformed: reported by the rules
  const gap = shortestGapMs(schedule, options.now.getTime());
  if (gap !== undefined && gap < options.limits.minCycleIntervalMs) {
    report(
      'TIMER_CYCLE_LIMIT',
      `${label(owner)}: the schedule ${cycle} starts a case every ${formatMs(gap)}; the shortest interval accepted is ${formatMs(options.limits.minCycleIntervalMs)} / lịch chạy quá dày`,
      owner,
    );
  }
}
