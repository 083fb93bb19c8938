import { Duration } from 'luxon';

/**
 * Turns a diagram's timer text into the instant it is due. Wall-clock ISO 8601 here;
 * working-time notations are resolved by the calendar through `resolveDuration`.
 */
export type DurationResolver = (text: string, from: Date) => Date | null;

export interface TimerSpec {
  kind: 'timeDuration' | 'timeDate' | 'timeCycle';
  text: string;
}

const cyclePattern = /^R(\d*)\/(.+)$/;

export function isoDurationResolver(text: string, from: Date): Date | null {
  const duration = Duration.fromISO(text);
  if (!duration.isValid) return null;
  return new Date(from.getTime() + duration.toMillis());
}

/** Due instant of a timer armed at `from`; throws when the text cannot be resolved. */
export function timerDue(spec: TimerSpec, from: Date, resolveDuration: DurationResolver): Date {
  if (spec.kind === 'timeDate') {
    const at = new Date(spec.text);
    if (Number.isNaN(at.getTime())) throw new Error(`invalid timer date '${spec.text}'`);
    return at;
  }
  const durationText = spec.kind === 'timeCycle' ? cyclePattern.exec(spec.text)?.[2] : spec.text;
  const due = durationText ? resolveDuration(durationText, from) : null;
  if (!due) throw new Error(`invalid timer ${spec.kind} '${spec.text}'`);
  return due;
}

/**
 * What the engine itself is told: a timer that never expires on its own, so every timer
 * fires only when our BullMQ job says so (the engine keeps its repeat count for cycles).
 */
export function engineTimerText(spec: TimerSpec): string {
  if (spec.kind === 'timeDate') return '2999-01-01T00:00:00Z';
  if (spec.kind === 'timeCycle') return `R${cyclePattern.exec(spec.text)?.[1] ?? ''}/P100Y`;
  return 'P100Y';
}
