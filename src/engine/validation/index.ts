import type { ModdleElement } from 'bpmn-moddle';
import { parseDiagram } from './parse.js';
import { position, scanXml } from './prescan.js';
import { engineLoadError } from './load-check.js';
import { checkLimits } from './limits-check.js';
import { DEFAULT_DIAGRAM_LIMITS, resolveLimits, type DiagramLimits } from './limits.js';
import { isElement } from './model.js';
import { checkModel } from './rules/index.js';
import type { FormField } from '../task-attributes.js';
import type { DecisionReference } from './business-rule-task.js';

export { feelSource } from './feel.js';

/**
 * Publish-time validation: accept exactly the diagrams our runtime runs correctly, and
 * answer every other upload with the list of what is wrong. Never throws, never hangs.
 */

export interface Problem {
  code: string;
  message: string;
  elementId?: string;
}

export interface DiagramSummary {
  userTasks: {
    id: string;
    name: string;
    candidateGroups: string[];
    assignee?: string;
    properties: Record<string, string>;
    formKey?: string;
    formFields?: FormField[];
    /** ISO 8601 date-time or duration from the task's creation. */
    dueDate?: string;
  }[];
  serviceTasks: { id: string; name: string; topic: string }[];
  /** Messages the executable process waits for (receive tasks, message catch and boundary events). */
  messages: { id: string; name: string }[];
  processProperties: Record<string, string>;
  /** Message and signal start events of the process, as `message:<name>` / `signal:<name>` (src/messaging). */
  startTriggers?: string[];
  /** Decisions the business rule tasks evaluate (checked against the store at publish). */
  decisions?: DecisionReference[];
}

export interface ValidOutcome {
  ok: true;
  processId: string;
  name: string;
  /** The bpmn-moddle fromXML result, reusable by bpmn-engine as `moddleContext`. */
  moddleContext: unknown;
  summary: DiagramSummary;
}

export interface InvalidOutcome {
  ok: false;
  problems: Problem[];
}

export interface ValidateOptions {
  plugins: ReadonlySet<string>;
  /** Default 2 MiB; overrides limits.maxBytes. */
  maxBytes?: number;
  /** Everything else countable; defaults: DEFAULT_DIAGRAM_LIMITS. */
  limits?: Partial<DiagramLimits>;
  /** Extra duration notations accepted in timers (e.g. working time); default: ISO 8601 only. */
  isValidDuration?: (text: string) => boolean;
  /** Upper bound in ms of such a duration, for the longest-timer limit. */
  durationMaxMs?: (text: string) => number | undefined;
  /** Timer dates are measured from here; default: the clock. */
  now?: Date;
}

export const DEFAULT_MAX_BYTES = DEFAULT_DIAGRAM_LIMITS.maxBytes;
export const MAX_PROBLEMS = 200;

/** Every code validateDiagram can report. */
export const PROBLEM_CODES = [
  'XML_TOO_LARGE',
  'XML_FORBIDDEN',
  'XML_TOO_DEEP',
  'XML_MALFORMED',
  'MODDLE_WARNING',
  'NO_PROCESS',
  'AMBIGUOUS_PROCESS',
  'NO_NONE_START_EVENT',
  'UNSUPPORTED_ELEMENT',
  'SCRIPT_NOT_ALLOWED',
  'FLOW_SOURCE_MISSING',
  'FLOW_TARGET_MISSING',
  'DEAD_END',
  'UNREACHABLE',
  'INVALID_CONDITION',
  'MISSING_CONDITION',
  'INVALID_TIMER',
  'MISSING_TOPIC',
  'UNKNOWN_PLUGIN',
  'MISSING_MESSAGE_REF',
  'MISSING_SIGNAL_REF',
  'INVALID_CORRELATION_KEY',
  'TOO_MANY_ELEMENTS',
  'TOO_MANY_ATTRIBUTES',
  'TOO_MANY_TIMERS',
  'TOO_MANY_BOUNDARY_EVENTS',
  'TIMER_TOO_LONG',
  'TIMER_CYCLE_LIMIT',
  'UNBOUNDED_EXPRESSION',
  'FEEL_TOO_LARGE',
  'MISSING_DECISION_REF',
  'MISSING_RESULT_VARIABLE',
  'INVALID_DECISION_BINDING',
  'INVALID_MAP_DECISION_RESULT',
  'INCLUSIVE_JOIN_UNMATCHED',
  'INCLUSIVE_BLOCK_SHAPE',
  'LINK_UNMATCHED',
  'LINK_AMBIGUOUS',
  'CALL_ELEMENT_MISSING',
  'CALL_ELEMENT_EXPRESSION',
  'CALL_SELF',
  'CALL_BINDING_INVALID',
  'CALL_MAPPING_INVALID',
  'CALL_MAPPING_UNSUPPORTED',
  'EVENT_SUBPROCESS_START',
  'EVENT_SUBPROCESS_FLOW',
  'MISSING_ESCALATION_CODE',
  'TIMER_START_UNIT',
  'INVALID_MULTI_INSTANCE',
] as const;

export async function validateDiagram(xml: string, options: ValidateOptions): Promise<ValidOutcome | InvalidOutcome> {
  try {
    return await validate(xml, options);
  } catch (error) {
    // A bug of ours, not of the diagram: still an answer, never a crash.
    const detail = error instanceof Error ? error.message : String(error);
    return invalid([{ code: 'XML_MALFORMED', message: `the document could not be checked: ${detail.slice(0, 300)}` }]);
  }
}

async function validate(xml: unknown, options: ValidateOptions | undefined): Promise<ValidOutcome | InvalidOutcome> {
  if (typeof xml !== 'string' || xml.trim() === '') {
    return invalid([{ code: 'XML_MALFORMED', message: 'the document is empty or not text' }]);
  }
  const limits = resolveLimits({ ...options?.limits, ...(options?.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {}) });
  const maxBytes = limits.maxBytes;
  const bytes = Buffer.byteLength(xml, 'utf8');
  if (bytes > maxBytes) {
    return invalid([{ code: 'XML_TOO_LARGE', message: `the document is ${bytes} bytes; at most ${maxBytes} are accepted` }]);
  }

  const scan = scanXml(xml, limits);
  if (scan.kind === 'refused') {
    const at = position(xml, scan.offset);
    return invalid([{ code: scan.code, message: `${scan.message} (line ${at.line}, column ${at.column})` }]);
  }

  const parsed = await parseDiagram(xml);
  if (parsed.kind === 'rejected') return invalid(parsed.problems);

  const root: unknown = parsed.result.rootElement;
  if (!isElement(root)) return invalid([{ code: 'XML_MALFORMED', message: 'the document has no <definitions> root' }]);

  const plugins = options?.plugins instanceof Set ? options.plugins : new Set<string>();
  const custom = options?.isValidDuration;
  const { outcome, problems } = checkModel(root, {
    plugins,
    isValidDuration: typeof custom === 'function' ? custom : () => false,
    maxFeelCharacters: limits.maxFeelCharacters,
  });
  if (outcome.kind === 'checked') {
    const durationMaxMs = options?.durationMaxMs;
    problems.push(...checkLimits(outcome.process, { limits, now: options?.now ?? new Date(), ...(durationMaxMs ? { durationMaxMs } : {}) }));
  }

  const all = [...parsed.problems, ...problems];
  if (all.length > 0 || outcome.kind !== 'checked') {
    return invalid(all.length > 0 ? all : [{ code: 'NO_PROCESS', message: 'the document contains no process' }]);
  }
  const loadError = engineLoadError(parsed.result);
  if (loadError !== undefined) {
    return invalid([{ code: 'UNSUPPORTED_ELEMENT', message: `the engine cannot load this diagram: ${loadError.slice(0, 300)}` }]);
  }
  const process: ModdleElement = outcome.process;
  const processId = typeof process.id === 'string' ? process.id : '';
  if (processId === '') return invalid([{ code: 'NO_PROCESS', message: 'the process has no id' }]);
  const name = typeof process.name === 'string' && process.name.trim() !== '' ? process.name.trim() : processId;
  return { ok: true, processId, name, moddleContext: parsed.result, summary: outcome.summary };
}

/** De-duplicated, sorted by element id (document-wide problems first), capped. */
function invalid(problems: Problem[]): InvalidOutcome {
  const seen = new Set<string>();
  const unique: Problem[] = [];
  for (const p of problems) {
    const key = `${p.code}\u0000${p.elementId ?? ''}\u0000${p.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(p);
  }
  unique.sort((a, b) => compare(a.elementId ?? '', b.elementId ?? ''));
  return { ok: false, problems: unique.slice(0, MAX_PROBLEMS) };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
