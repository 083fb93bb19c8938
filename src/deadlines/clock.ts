import {
  finishCalendarDue,
  localDateOf,
  parseDuration,
  resolveDue,
  type DeadlineEnd,
  type WorkingCalendar,
} from '../calendar/index.js';

/** `working`: minutes are working minutes; `calendar`: wall-clock minutes (a limit in calendar days). */
export type ClockUnit = 'working' | 'calendar';

/**
 * A statutory or step clock, counted in working time or in calendar time. It can stop (waiting for the
 * applicant) and go on again, either resuming what was left or restarting from zero.
 * Every change bumps `generation`, which retires the reminder/breach jobs of the old one.
 */
export interface Clock {
  /** The duration as written on the diagram, e.g. "3 working days". */
  spec: string;
  /** Receipt cut-off applied when the clock starts ("received after 15:00 → next day"). */
  cutoff: string | null;
  /** Minutes allowed in total, in `unit`. */
  budgetMinutes: number;
  /** Minutes used before `startedAt` (earlier segments, when resuming), in `unit`. */
  consumedMinutes: number;
  /** Absent on clocks written before units existed: `working`. */
  unit?: ClockUnit;
  /** How the due instant ends, fixed when the clock starts; absent: `clock-time`. */
  end?: DeadlineEnd;
  /** Start of the current counting segment. */
  startedAt: string;
  dueAt: string;
  remindAt: string | null;
  pausedAt: string | null;
  pauses: { from: string; to: string | null; reason: string }[];
  generation: number;
  reminded: boolean;
  breached: boolean;
  /** Once late, always counted late, even if a restart moves the due date. */
  everLate: boolean;
}

export type SlaClass = 'early' | 'on-time' | 'late';

export interface SlaResult {
  class: SlaClass;
  usedMinutes: number;
  budgetMinutes: number;
  dueAt: string;
  finishedAt: string;
}

export type ResumeMode = 'resume' | 'restart';

type ClockTime = Pick<Clock, 'unit' | 'end'>;

/** Minutes of `[from, to]` in the clock's unit. */
export function clockMinutesBetween(calendar: WorkingCalendar, clock: ClockTime, from: Date, to: Date): number {
  return clock.unit === 'calendar' ? (to.getTime() - from.getTime()) / 60_000 : calendar.workingMinutesBetween(from, to);
}

/** The instant `minutes` (in the clock's unit) after `from`, without the end rule. */
function plus(calendar: WorkingCalendar, clock: ClockTime, from: Date, minutes: number): Date {
  return clock.unit === 'calendar' ? new Date(from.getTime() + Math.round(minutes * 60_000)) : calendar.addWorkingMinutes(from, minutes);
}

/** The due instant when `left` minutes remain from `from`, with the clock's end rule. */
export function dueAfter(calendar: WorkingCalendar, clock: ClockTime, from: Date, left: number): Date {
  const nominal = plus(calendar, clock, from, left);
  if (clock.unit === 'calendar') return finishCalendarDue(calendar, nominal, clock.end ?? 'clock-time');
  return clock.end === 'end-of-day' ? calendar.closeOfDay(nominal) : nominal;
}

/** Start of counting, unit, end rule and due instant for a fresh clock at `at`. */
function firstSegment(calendar: WorkingCalendar, spec: string, cutoff: string | null, at: Date) {
  const parsed = parseDuration(spec);
  const due = resolveDue(calendar, at, parsed, { cutoff });
  const countFrom = parsed.kind === 'within-the-day' || cutoff === null ? at : calendar.applyCutoff(at, cutoff);
  if (parsed.kind === 'calendar-days') {
    return { due, countFrom, unit: 'calendar' as const, end: calendar.deadlineEnd, budgetMinutes: Math.max(0, parsed.days * 1440) };
  }
  // Only whole days end at the close; hours, minutes and fractions keep their instant.
  const byDay = (parsed.kind === 'working-days' && Number.isInteger(parsed.days)) || parsed.kind === 'within-the-day';
  const end: DeadlineEnd = byDay ? calendar.deadlineEnd : 'clock-time';
  const budgetMinutes =
    parsed.kind === 'wallclock' ? Math.max(0, calendar.workingMinutesBetween(at, due)) : Math.max(0, calendar.workingMinutesBetween(countFrom, due));
  return { due, budgetMinutes, countFrom, unit: 'working' as const, end };
}

function remindAt(
  calendar: WorkingCalendar,
  clock: Pick<Clock, 'budgetMinutes' | 'consumedMinutes' | 'startedAt' | 'reminded' | 'unit' | 'end'>,
  share: number,
): string | null {
  if (clock.reminded || share <= 0 || share >= 1) return null;
  const left = Math.max(0, clock.budgetMinutes * share - clock.consumedMinutes);
  return plus(calendar, clock, new Date(clock.startedAt), left).toISOString();
}

export function startClock(calendar: WorkingCalendar, spec: string, cutoff: string | null, at: Date, reminderShare: number): Clock {
  const { due, budgetMinutes, countFrom, unit, end } = firstSegment(calendar, spec, cutoff, at);
  const base = {
    spec,
    cutoff,
    unit,
    end,
    budgetMinutes,
    consumedMinutes: 0,
    startedAt: countFrom.toISOString(),
    dueAt: due.toISOString(),
    pausedAt: null,
    pauses: [],
    generation: 1,
    reminded: false,
    breached: false,
    everLate: false,
  };
  return { ...base, remindAt: remindAt(calendar, base, reminderShare) };
}

/** Due and reminder instants from the segment start and what is left (after a calendar change too). */
export function recompute(calendar: WorkingCalendar, clock: Clock, reminderShare: number): Clock {
  if (clock.pausedAt) return { ...clock, generation: clock.generation + 1 };
  const left = Math.max(0, clock.budgetMinutes - clock.consumedMinutes);
  const dueAt = dueAfter(calendar, clock, new Date(clock.startedAt), left).toISOString();
  return { ...clock, dueAt, remindAt: remindAt(calendar, clock, reminderShare), generation: clock.generation + 1 };
}

export function pauseClock(calendar: WorkingCalendar, clock: Clock, at: Date, reason: string): Clock {
  if (clock.pausedAt) return clock;
  const used = Math.max(0, clockMinutesBetween(calendar, clock, new Date(clock.startedAt), at));
  return {
    ...clock,
    consumedMinutes: clock.consumedMinutes + used,
    everLate: clock.everLate || at.getTime() > new Date(clock.dueAt).getTime(),
    pausedAt: at.toISOString(),
    pauses: [...clock.pauses, { from: at.toISOString(), to: null, reason }],
    remindAt: null,
    generation: clock.generation + 1,
  };
}

export function resumeClock(calendar: WorkingCalendar, clock: Clock, at: Date, mode: ResumeMode, reminderShare: number): Clock {
  if (!clock.pausedAt) return clock;
  const pauses = clock.pauses.map((p) => (p.to === null ? { ...p, to: at.toISOString() } : p));
  const resumed: Clock = {
    ...clock,
    pauses,
    pausedAt: null,
    startedAt: at.toISOString(),
    ...(mode === 'restart' ? { consumedMinutes: 0, reminded: false, breached: false } : {}),
  };
  return recompute(calendar, resumed, reminderShare);
}

/**
 * Early: done on a day before the due day; on time: by the due instant; else late. The due
 * instant is the one reminders and breaches use, so every view agrees (`end` included).
 */
export function classify(calendar: WorkingCalendar, clock: Clock, finishedAt: Date): SlaResult {
  const segment = clock.pausedAt ? 0 : Math.max(0, clockMinutesBetween(calendar, clock, new Date(clock.startedAt), finishedAt));
  const late = clock.everLate || clock.breached || finishedAt.getTime() > new Date(clock.dueAt).getTime();
  const early = !late && localDateOf(finishedAt) < localDateOf(new Date(clock.dueAt));
  return {
    class: late ? 'late' : early ? 'early' : 'on-time',
    usedMinutes: Math.round((clock.consumedMinutes + segment) * 100) / 100,
    budgetMinutes: clock.budgetMinutes,
    dueAt: clock.dueAt,
    finishedAt: finishedAt.toISOString(),
  };
}
