/**
 * What each seeded dossier is: unit, procedure, outcome and instants, drawn from a seeded
 * generator and timed with the service's own clock functions (startClock, pauseClock,
 * classify), so a dossier planned "late" is late by the same rule the service applies.
 * Same seed, same as-of instant, same options: the same plan.
 */
import type { WorkingCalendar } from '../../../src/calendar/index.js';
import { classify, pauseClock, startClock, type Clock, type SlaResult } from '../../../src/deadlines/clock.js';
import { localDay } from '../../../src/monitoring/rollup.js';
import { createRandom, type Random } from './random.js';
import type { SeedUnit } from './units.js';

export const OUTCOMES = ['early', 'onTime', 'late', 'inProgress', 'overdue', 'supplement', 'payment'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** A province's year: most dossiers finished, a few percent open (issue 9's "tens of thousands of 1,000,000"). */
export const OUTCOME_WEIGHTS: Readonly<Record<Outcome, number>> = {
  early: 52, onTime: 28, late: 9, inProgress: 6, overdue: 2.5, supplement: 1.5, payment: 1,
};

export interface PlanProcedure {
  key: string;
  weight: number;
  /** The statutory clock as the diagram gives it (from the template case). */
  spec: string;
  cutoff: string | null;
}

export interface PlanOptions {
  seed: number;
  /** The instant the data is "now" for: open dossiers are open at it, finished ones before it. */
  asOf: Date;
  /** Receipts spread over this many days before asOf. */
  days: number;
  units: readonly SeedUnit[];
  procedures: readonly PlanProcedure[];
  calendar: WorkingCalendar;
  reminderShare: number;
}

export interface PlannedDossier {
  index: number;
  id: string;
  unitId: string;
  procedureKey: string;
  /** Final: an outcome that the instants could not give is replaced (e.g. early on a same-day procedure). */
  outcome: Outcome;
  channel: 'in-person' | 'online';
  applicant: string;
  submittedAt: Date;
  receivedAt: Date;
  /** The case clock as stored: paused for supplement / payment, breach flags set when late. */
  clock: Clock;
  pausedAt: Date | null;
  finishedAt: Date | null;
  returnedAt: Date | null;
  sla: SlaResult | null;
  /** Random numbers for the shapes (task timing, officer), drawn here so shapes stay pure. */
  stepShare: number;
  officer: number;
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương'];
const MIDDLE = ['Văn', 'Thị', 'Minh', 'Ngọc', 'Hữu', 'Thanh', 'Đức', 'Thu', 'Quốc', 'Gia'];
const GIVEN = ['An', 'Bình', 'Cường', 'Dũng', 'Hà', 'Hân', 'Hùng', 'Lan', 'Linh', 'Mai', 'Nam', 'Phúc', 'Quân', 'Sơn', 'Thảo', 'Trang', 'Tú', 'Vy'];

/** Midnight (Asia/Ho_Chi_Minh) starting the local day of `t`. */
const startOfLocalDay = (t: Date): Date => new Date(Date.parse(`${localDay(t.toISOString())}T00:00:00+07:00`));

export function createPlanner(o: PlanOptions) {
  const rnd: Random = createRandom(o.seed);
  const asOf = o.asOf.getTime();
  const unitWeights = Object.fromEntries(o.units.map((u, i) => [u.id, 1 + ((i * 7) % 5)]));
  const procWeights = Object.fromEntries(o.procedures.map((p) => [p.key, p.weight]));
  const procs = new Map(o.procedures.map((p) => [p.key, p]));

  /** A working instant in [from, to] when one is near, else the raw instant (online receipts come at any hour). */
  const instant = (from: number, to: number): Date => {
    const raw = new Date(from + rnd.next() * Math.max(0, to - from));
    const working = o.calendar.nextWorkingInstant(raw);
    return working.getTime() <= to ? working : raw;
  };
  const clockAt = (p: PlanProcedure, at: Date): Clock => startClock(o.calendar, p.spec, p.cutoff, at, o.reminderShare);
  const flagged = (clock: Clock, until: number): Clock => {
    const late = Date.parse(clock.dueAt) < until;
    return { ...clock, reminded: clock.remindAt !== null && Date.parse(clock.remindAt) < until, breached: late, everLate: late };
  };

  /** Finishing instant for a wanted class, or null when the clock leaves no room for it. */
  function finishFor(outcome: 'early' | 'onTime' | 'late', received: Date, clock: Clock): Date | null {
    const due = Date.parse(clock.dueAt);
    const dueDay = startOfLocalDay(new Date(due)).getTime();
    const first = received.getTime() + 10 * MIN;
    if (outcome === 'early') return first < dueDay - MIN ? instant(first, dueDay - MIN) : null;
    if (outcome === 'onTime') return Math.max(first, dueDay) < due ? instant(Math.max(first, dueDay), due) : null;
    return instant(due + HOUR, due + 10 * DAY);
  }

  function finished(p: PlanProcedure, wanted: 'early' | 'onTime' | 'late') {
    for (let attempt = 0; ; attempt++) {
      // Later attempts move receipt back so the finish falls before asOf.
      const upper = attempt < 3 ? asOf - attempt * 12 * DAY : asOf - Math.min(40, o.days) * DAY;
      const lower = Math.min(asOf - o.days * DAY, upper - DAY);
      const received = attempt < 3 ? instant(lower, upper) : new Date(upper);
      const clock = clockAt(p, received);
      let outcome: 'early' | 'onTime' | 'late' = wanted;
      let at = finishFor(outcome, received, clock);
      if (!at && outcome === 'early') at = finishFor((outcome = 'onTime'), received, clock);
      if (!at) at = finishFor((outcome = 'late'), received, clock)!;
      if (at.getTime() > asOf && attempt < 3) continue;
      const end = Math.min(at.getTime(), asOf);
      const finishedAt = new Date(end);
      const stored = flagged(clock, end);
      const sla = classify(o.calendar, stored, finishedAt);
      const cls = sla.class === 'on-time' ? 'onTime' : sla.class;
      const returnedAt = new Date(Math.min(asOf, end + rnd.int(10, 3 * 24 * 60) * MIN));
      return { received, clock: stored, finishedAt, returnedAt, sla, outcome: cls as Outcome };
    }
  }

  /** An open dossier received within the clock (in progress) or past it (overdue). */
  function open(p: PlanProcedure, overdue: boolean) {
    const windows = overdue ? [60 * DAY, 120 * DAY, 365 * DAY].map((w) => Math.min(w, o.days * DAY)) : [10 * DAY, 3 * DAY, DAY, 3 * HOUR, 30 * MIN].map((w) => Math.min(w, o.days * DAY));
    for (const w of windows) {
      const received = overdue ? instant(asOf - w, asOf - DAY) : instant(asOf - w, asOf - MIN);
      const clock = clockAt(p, received);
      if ((Date.parse(clock.dueAt) < asOf) === overdue) return { received, clock: flagged(clock, asOf), outcome: (overdue ? 'overdue' : 'inProgress') as Outcome };
    }
    // The clock leaves no room for this (e.g. a same-day procedure late in the day): the other open kind.
    const received = instant(asOf - 30 * MIN, asOf - MIN);
    const clock = clockAt(p, received);
    return { received, clock: flagged(clock, asOf), outcome: (Date.parse(clock.dueAt) < asOf ? 'overdue' : 'inProgress') as Outcome };
  }

  function paused(p: PlanProcedure, kind: 'supplement' | 'payment') {
    const received = instant(asOf - Math.min(20, o.days) * DAY, asOf - HOUR);
    const clock = clockAt(p, received);
    const last = Math.min(asOf, Math.max(received.getTime() + 10 * MIN, Date.parse(clock.dueAt)));
    const pausedAt = instant(received.getTime() + 5 * MIN, last);
    const reason = kind === 'supplement' ? 'supplement: Thiếu bản sao giấy tờ tùy thân' : 'payment: Nộp lệ phí';
    return { received, pausedAt, clock: pauseClock(o.calendar, flagged(clock, pausedAt.getTime()), pausedAt, reason) };
  }

  return function plan(index: number): PlannedDossier {
    const id = rnd.uuid();
    const unitId = rnd.weighted(unitWeights);
    const p = procs.get(rnd.weighted(procWeights))!;
    const wanted = rnd.weighted(OUTCOME_WEIGHTS);
    const channel = rnd.next() < 0.3 ? ('online' as const) : ('in-person' as const);
    const applicant = `${rnd.pick(FAMILY)} ${rnd.pick(MIDDLE)} ${rnd.pick(GIVEN)}`;
    const base = { index, id, unitId, procedureKey: p.key, channel, applicant, stepShare: rnd.next(), officer: rnd.int(1, 20) };
    const submittedOf = (received: Date) => (channel === 'online' ? new Date(received.getTime() - rnd.int(10, 2 * 24 * 60) * MIN) : received);
    if (wanted === 'early' || wanted === 'onTime' || wanted === 'late') {
      const f = finished(p, wanted);
      return { ...base, outcome: f.outcome, submittedAt: submittedOf(f.received), receivedAt: f.received, clock: f.clock, pausedAt: null, finishedAt: f.finishedAt, returnedAt: f.returnedAt, sla: f.sla };
    }
    if (wanted === 'supplement' || wanted === 'payment') {
      const s = paused(p, wanted);
      return { ...base, outcome: wanted, submittedAt: submittedOf(s.received), receivedAt: s.received, clock: s.clock, pausedAt: s.pausedAt, finishedAt: null, returnedAt: null, sla: null };
    }
    const r = open(p, wanted === 'overdue');
    return { ...base, outcome: r.outcome, submittedAt: submittedOf(r.received), receivedAt: r.received, clock: r.clock, pausedAt: null, finishedAt: null, returnedAt: null, sla: null };
  };
}
