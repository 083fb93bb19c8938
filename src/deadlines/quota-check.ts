import { parseDuration, type ParsedDuration } from '../calendar/index.js';
import { readProperties } from '../engine/catalog.js';
import { PROCESS_PROPERTIES, TASK_QUOTA } from './case-deadlines.js';
import { statutorySpec } from './time-unit.js';

export interface QuotaProblem {
  code: 'INVALID_DURATION' | 'MISSING_QUOTA' | 'QUOTA_EXCEEDS_STATUTORY_TIME' | 'INVALID_TIME_UNIT' | 'TIME_UNIT_CONFLICT';
  message: string;
  elementId?: string;
}

interface Node {
  $type: string;
  id: string;
  name?: string;
  flowElements?: Node[];
  sourceRef?: Node;
  targetRef?: Node;
  attachedToRef?: Node;
  extensionElements?: { values?: unknown[] };
}

const HUMAN_TASKS = new Set(['bpmn:UserTask', 'bpmn:ManualTask']);

/**
 * Working minutes of a duration; null when it is not working time (wall-clock). N calendar
 * days count as the weekdays they surely hold, ⌊N × 5/7⌋ working days (holidays aside).
 */
function workingMinutes(d: ParsedDuration, minutesPerDay: number): number | null {
  if (d.kind === 'working') return d.minutes;
  if (d.kind === 'calendar-days') return Math.floor((d.days * 5) / 7) * minutesPerDay;
  if (d.kind === 'working-days') return d.days * minutesPerDay;
  if (d.kind === 'within-the-day') return minutesPerDay;
  return null;
}

function parseWorking(text: string, elementId: string, minutesPerDay: number, problems: QuotaProblem[]): number | null {
  try {
    const minutes = workingMinutes(parseDuration(text), minutesPerDay);
    if (minutes !== null) return minutes;
    problems.push({ code: 'INVALID_DURATION', elementId, message: `'${text}' is wall-clock time; quotas and statutory times are working time (e.g. '3 working days', '15 calendar days')` });
  } catch (err) {
    problems.push({ code: 'INVALID_DURATION', elementId, message: (err as Error).message });
  }
  return null;
}

/**
 * Publish-time check of a procedure's time budget: with a statutory time, every human task
 * needs a quota, and no path from start to end may spend more than the statutory time.
 * Loops (supplement rounds) are counted once: the edge that closes a loop is ignored.
 */
export function checkQuotas(elementsById: Record<string, unknown>, processId: string, minutesPerDay: number): QuotaProblem[] {
  const process = elementsById[processId] as Node | undefined;
  if (!process) return [];
  const problems: QuotaProblem[] = [];
  const { spec, problem } = statutorySpec(readProperties(process), PROCESS_PROPERTIES.statutoryTime);
  if (problem) problems.push({ ...problem, elementId: processId });
  const statutoryText = spec ?? undefined;
  const statutory = statutoryText === undefined || problem ? null : parseWorking(statutoryText, processId, minutesPerDay, problems);

  const weight = new Map<string, number>();
  const outgoing = new Map<string, string[]>();
  const link = (from: string, to: string) => outgoing.set(from, [...(outgoing.get(from) ?? []), to]);
  const starts: string[] = [];

  const visit = (container: Node, topLevel: boolean): number => {
    for (const el of container.flowElements ?? []) {
      if (el.$type === 'bpmn:SequenceFlow' && el.sourceRef && el.targetRef) link(el.sourceRef.id, el.targetRef.id);
      if (el.$type === 'bpmn:BoundaryEvent' && el.attachedToRef) link(el.attachedToRef.id, el.id);
      if (topLevel && el.$type === 'bpmn:StartEvent') starts.push(el.id);
      if (HUMAN_TASKS.has(el.$type)) {
        const quota = readProperties(el)[TASK_QUOTA];
        if (quota === undefined) {
          if (statutoryText !== undefined) {
            problems.push({ code: 'MISSING_QUOTA', elementId: el.id, message: `task '${el.name ?? el.id}' needs a 'quota' property because the procedure has a statutoryTime` });
          }
        } else {
          weight.set(el.id, parseWorking(quota, el.id, minutesPerDay, problems) ?? 0);
        }
      }
      if (el.$type === 'bpmn:SubProcess') weight.set(el.id, visit(el, false));
      // A call activity's child keeps its own clock; a quota on the call counts on the parent's paths.
      const callQuota = el.$type === 'bpmn:CallActivity' ? readProperties(el)[TASK_QUOTA] : undefined;
      if (callQuota !== undefined) weight.set(el.id, parseWorking(callQuota, el.id, minutesPerDay, problems) ?? 0);
    }
    return topLevel ? 0 : longestFrom((container.flowElements ?? []).filter((e) => e.$type === 'bpmn:StartEvent').map((e) => e.id));
  };

  /** Longest weighted path: drop the edges that close loops, then one pass over the DAG. */
  const longestFrom = (roots: string[]): number => {
    const state = new Map<string, 'open' | 'done'>();
    const dag = new Map<string, string[]>();
    const explore = (id: string) => {
      state.set(id, 'open');
      const forward: string[] = [];
      for (const next of outgoing.get(id) ?? []) {
        const seen = state.get(next);
        if (seen === 'open') continue; // back edge: a loop such as a supplement round
        forward.push(next);
        if (!seen) explore(next);
      }
      dag.set(id, forward);
      state.set(id, 'done');
    };
    const memo = new Map<string, number>();
    const longest = (id: string): number => {
      const known = memo.get(id);
      if (known !== undefined) return known;
      const value = (weight.get(id) ?? 0) + Math.max(0, ...(dag.get(id) ?? []).map(longest));
      memo.set(id, value);
      return value;
    };
    for (const root of roots) if (!state.has(root)) explore(root);
    return Math.max(0, ...roots.map(longest));
  };

  visit(process, true);
  if (statutory !== null && problems.length === 0) {
    const longest = longestFrom(starts);
    if (longest > statutory + 1e-9) {
      problems.push({
        code: 'QUOTA_EXCEEDS_STATUTORY_TIME',
        elementId: processId,
        message: `task quotas on the longest path add up to ${longest} working minutes, more than the statutory ${statutory} ('${statutoryText}')`,
      });
    }
  }
  return problems;
}
