import { parseDuration } from '../../calendar/index.js';
import { checkQuotas } from '../../deadlines/quota-check.js';
import { checkProcedureSettings } from '../../dossiers/procedure-settings.js';
import { readProperties } from '../catalog.js';
import { isValidDuration } from '../../deadlines/timer-durations.js';
import { canonicalHash } from './canonical.js';
import { validateDiagram, type DiagramSummary, type Problem } from './index.js';
import type { DiagramLimits } from './limits.js';

/*
 * The publish check, run in a worker thread of the validation pool (pool.ts): parse, rules,
 * limits, statutory quotas and the canonical hash. Only plain data crosses the thread
 * boundary; the main thread never parses an uploaded diagram.
 */

export interface PublishCheckInput {
  xml: string;
  /** Appended to the canonical form before hashing (the dossier schema published with it). */
  extra: string;
  plugins: string[];
  limits: Partial<DiagramLimits>;
  /** Accept working-time durations (docs/calendar.md) besides ISO 8601. */
  workingTime: boolean;
  minutesPerWorkingDay: number;
  now: string;
}

export type PublishCheck =
  | { ok: true; processId: string; name: string; summary: DiagramSummary; hash: string }
  | { ok: false; problems: Problem[] };

const DAY_MS = 86_400_000;

/** The longest a working-time duration can take on any calendar: days off and Tết included. */
function workingTimeMaxMs(text: string, minutesPerWorkingDay: number): number | undefined {
  const parsed = parseDuration(text) as { kind: string; days?: number; minutes?: number; ms?: number };
  const perDay = minutesPerWorkingDay > 0 ? minutesPerWorkingDay : 480;
  const days =
    parsed.kind === 'working-days' ? parsed.days : parsed.kind === 'working' ? (parsed.minutes ?? 0) / perDay : parsed.kind === 'calendar-days' ? parsed.days : undefined;
  if (parsed.kind === 'wallclock') return parsed.ms;
  if (parsed.kind === 'within-the-day') return DAY_MS;
  if (days === undefined) return undefined;
  // At most 5 working days a week, plus up to 30 days of holidays a year.
  return Math.ceil(days) * (7 / 5) * DAY_MS * (1 + 30 / 365) + 14 * DAY_MS;
}

export default async function check(input: PublishCheckInput): Promise<PublishCheck> {
  const outcome = await validateDiagram(input.xml, {
    plugins: new Set(input.plugins),
    limits: input.limits,
    now: new Date(input.now),
    ...(input.workingTime
      ? { isValidDuration, durationMaxMs: (text: string) => workingTimeMaxMs(text, input.minutesPerWorkingDay) }
      : {}),
  });
  if (!outcome.ok) return { ok: false, problems: outcome.problems };
  const context = outcome.moddleContext as { elementsById: Record<string, unknown>; rootElement: Parameters<typeof canonicalHash>[0] };
  const quotas = checkQuotas(context.elementsById, outcome.processId, input.minutesPerWorkingDay);
  const process = context.elementsById[outcome.processId] as Parameters<typeof readProperties>[0] | undefined;
  const settings = process ? checkProcedureSettings(readProperties(process), outcome.processId) : [];
  if (quotas.length + settings.length > 0) return { ok: false, problems: [...quotas, ...settings] };
  return { ok: true, processId: outcome.processId, name: outcome.name, summary: outcome.summary, hash: canonicalHash(context.rootElement, input.extra) };
}
