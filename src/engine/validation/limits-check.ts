import type { ModdleElement } from 'bpmn-moddle';
import type { Problem } from './index.js';
import type { DiagramLimits } from './limits.js';
import { bodyOf, idOf, instanceOf, label, list, prop, ref } from './model.js';
import { scheduleLimits } from './timer-start-limits.js';
import { cycleParts, isIsoDateTime, isIsoDuration, isoDurationMaxMs, isoDurationMinMs } from './timers.js';

/*
 * The per-process limits of docs/diagrams.md ("Limits"): how many elements, timers and
 * boundary events the executable process has, and how long, how often and how far ahead
 * its timers go. Checked on the parsed model after the rules, so a timer that the rules
 * already refused as malformed is not reported twice.
 */

export interface LimitOptions {
  limits: DiagramLimits;
  /** Upper bound in ms of a non-ISO duration (working time), undefined when unknown. */
  durationMaxMs?: (text: string) => number | undefined;
  now: Date;
}

export function checkLimits(process: ModdleElement, options: LimitOptions): Problem[] {
  const { limits } = options;
  const problems: Problem[] = [];
  const report = (code: string, message: string, element?: ModdleElement): void => {
    const elementId = element ? idOf(element) : undefined;
    problems.push(elementId === undefined ? { code, message } : { code, message, elementId });
  };

  let flowElements = 0;
  let timers = 0;
  let boundaries = 0;
  const perActivity = new Map<ModdleElement, { timers: number; boundaries: number }>();
  const visit = (container: ModdleElement, depth: number): void => {
    if (depth > 64) return;
    for (const element of list(container, 'flowElements')) {
      if (element.$type === 'bpmn:SequenceFlow' || instanceOf(element, 'bpmn:FlowNode')) flowElements += 1;
      const timer = list(element, 'eventDefinitions').find((d) => d.$type === 'bpmn:TimerEventDefinition');
      if (timer) {
        timers += 1;
        checkTimer(element, timer, options, report);
      }
      if (element.$type === 'bpmn:BoundaryEvent') {
        boundaries += 1;
        const host = ref(element, 'attachedToRef');
        if (host) {
          const counts = perActivity.get(host) ?? { timers: 0, boundaries: 0 };
          counts.boundaries += 1;
          if (timer) counts.timers += 1;
          perActivity.set(host, counts);
        }
      }
      if (instanceOf(element, 'bpmn:SubProcess')) visit(element, depth + 1);
    }
  };
  visit(process, 0);

  if (flowElements > limits.maxFlowElements) {
    report('TOO_MANY_ELEMENTS', `the process has ${flowElements} flow elements; at most ${limits.maxFlowElements} are accepted`, process);
  }
  if (timers > limits.maxTimersPerProcess) {
    report('TOO_MANY_TIMERS', `the process has ${timers} timer events; at most ${limits.maxTimersPerProcess} are accepted`, process);
  }
  if (boundaries > limits.maxBoundaryEventsPerProcess) {
    report('TOO_MANY_BOUNDARY_EVENTS', `the process has ${boundaries} boundary events; at most ${limits.maxBoundaryEventsPerProcess} are accepted`, process);
  }
  for (const [host, counts] of perActivity) {
    if (counts.timers > limits.maxTimersPerActivity) {
      report('TOO_MANY_TIMERS', `${label(host)} has ${counts.timers} timer boundary events; at most ${limits.maxTimersPerActivity} are accepted`, host);
    }
    if (counts.boundaries > limits.maxBoundaryEventsPerActivity) {
      report(
        'TOO_MANY_BOUNDARY_EVENTS',
        `${label(host)} has ${counts.boundaries} boundary events; at most ${limits.maxBoundaryEventsPerActivity} are accepted`,
        host,
      );
    }
  }
  return problems;
}

function checkTimer(
  owner: ModdleElement,
  definition: ModdleElement,
  options: LimitOptions,
  report: (code: string, message: string, element?: ModdleElement) => void,
): void {
  const { limits } = options;
  const longest = formatMs(limits.maxTimerMs);
  const duration = bodyOf(ref(definition, 'timeDuration'));
  const date = bodyOf(ref(definition, 'timeDate'));
  const cycle = bodyOf(ref(definition, 'timeCycle'));
  if (duration) {
    const ms = isIsoDuration(duration) ? isoDurationMaxMs(duration) : safe(() => options.durationMaxMs?.(duration));
    if (ms !== undefined && ms > limits.maxTimerMs) {
      report('TIMER_TOO_LONG', `${label(owner)}: the duration ${duration} is longer than ${longest}, the longest timer accepted`, owner);
    }
  } else if (date && isIsoDateTime(date)) {
    const ms = Date.parse(date) - options.now.getTime();
    if (Number.isFinite(ms) && ms > limits.maxTimerMs) {
      report('TIMER_TOO_LONG', `${label(owner)}: the date ${date} is more than ${longest} ahead, the longest timer accepted`, owner);
    }
  } else if (cycle && owner.$type === 'bpmn:StartEvent' && (owner.$parent as ModdleElement | undefined)?.$type === 'bpmn:Process') {
    scheduleLimits(owner, cycle, options, report); // timer-start-limits.ts
  } else if (cycle && (prop(owner, 'cancelActivity') === false || prop(owner, 'isInterrupting') === false)) {
    const parts = cycleParts(cycle);
    if (!parts || !isIsoDuration(parts.interval)) return; // malformed: reported by the rules
    if (parts.repetitions > limits.maxCycleRepetitions) {
      report('TIMER_CYCLE_LIMIT', `${label(owner)}: the cycle ${cycle} repeats ${parts.repetitions} times; at most ${limits.maxCycleRepetitions} are accepted`, owner);
    }
    const shortest = isoDurationMinMs(parts.interval) ?? 0;
    if (shortest < limits.minCycleIntervalMs) {
      report(
        'TIMER_CYCLE_LIMIT',
        `${label(owner)}: the cycle ${cycle} repeats every ${parts.interval}; the shortest interval accepted is ${formatMs(limits.minCycleIntervalMs)}`,
        owner,
      );
    }
    if ((isoDurationMaxMs(parts.interval) ?? 0) > limits.maxTimerMs) {
      report('TIMER_TOO_LONG', `${label(owner)}: the cycle interval ${parts.interval} is longer than ${longest}, the longest timer accepted`, owner);
    }
  }
}

function safe(read: () => number | undefined): number | undefined {
  try {
    const value = read();
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** 90000 → "1 min 30 s", 5 years → "1830 days". */
export function formatMs(ms: number): string {
  if (ms >= 86_400_000 && ms % 86_400_000 === 0) return `${ms / 86_400_000} days`;
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${ms / 1000} s`;
}
