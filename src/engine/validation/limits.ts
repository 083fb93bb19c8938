import { DomainError } from '../../domain/errors.js';
import { DEFAULT_FEEL_BUDGET, type FeelBudget } from '../feel-sandbox.js';
import { DEFAULT_MAX_INSTANCES } from '../multi-instance.js';

/**
 * Every size a diagram and a case may reach, in one place (docs/diagrams.md, "Limits").
 * Each is counted, never timed, so a diagram gets the same answer on an idle and on a
 * saturated machine; each is configurable (src/config.ts) and answered with its own code.
 */
export interface DiagramLimits {
  /** UTF-8 bytes of the document (XML_TOO_LARGE, 413 above the body limit). */
  maxBytes: number;
  /** Start tags in the whole document, diagram shapes included (TOO_MANY_ELEMENTS). */
  maxXmlElements: number;
  /** Nesting of elements (XML_TOO_DEEP). */
  maxDepth: number;
  /** Attributes of one element (TOO_MANY_ATTRIBUTES). */
  maxAttributesPerElement: number;
  /** Attributes in the whole document (TOO_MANY_ATTRIBUTES). */
  maxAttributes: number;
  /** Flow nodes and sequence flows of the executable process, sub-processes included (TOO_MANY_ELEMENTS). */
  maxFlowElements: number;
  /** Timer events of the executable process (TOO_MANY_TIMERS). */
  maxTimersPerProcess: number;
  /** Timer boundary events on one activity (TOO_MANY_TIMERS). */
  maxTimersPerActivity: number;
  /** Boundary events of the executable process (TOO_MANY_BOUNDARY_EVENTS). */
  maxBoundaryEventsPerProcess: number;
  /** Boundary events on one activity (TOO_MANY_BOUNDARY_EVENTS). */
  maxBoundaryEventsPerActivity: number;
  /** n of a cycle R<n>/… (TIMER_CYCLE_LIMIT). */
  maxCycleRepetitions: number;
  /** Shortest interval of a cycle (TIMER_CYCLE_LIMIT). */
  minCycleIntervalMs: number;
  /** Longest duration, cycle interval or distance to a date (TIMER_TOO_LONG). */
  maxTimerMs: number;
  /** Characters of FEEL in all conditions together (FEEL_TOO_LARGE). */
  maxFeelCharacters: number;
}

const DAY_MS = 86_400_000;

export const DEFAULT_DIAGRAM_LIMITS: DiagramLimits = {
  maxBytes: 2 * 1024 * 1024,
  maxXmlElements: 60_000,
  maxDepth: 64,
  maxAttributesPerElement: 64,
  maxAttributes: 250_000,
  maxFlowElements: 30_000,
  maxTimersPerProcess: 500,
  maxTimersPerActivity: 10,
  maxBoundaryEventsPerProcess: 1000,
  maxBoundaryEventsPerActivity: 20,
  maxCycleRepetitions: 100,
  minCycleIntervalMs: 60_000,
  maxTimerMs: 5 * 366 * DAY_MS,
  maxFeelCharacters: 20_000,
};

/** Case data (variables as JSON) at start, task completion, message and plugin output. */
export const DEFAULT_CASE_DATA_MAX_BYTES = 1024 * 1024;

export const CASE_DATA_TOO_LARGE = 'CASE_DATA_TOO_LARGE';

/** A 413 when the case data would exceed `maxBytes` as JSON, else null. */
export function caseDataProblem(variables: unknown, maxBytes: number): DomainError | null {
  let bytes: number;
  try {
    bytes = Buffer.byteLength(JSON.stringify(variables) ?? '', 'utf8');
  } catch {
    return new DomainError(CASE_DATA_TOO_LARGE, 'the case data cannot be stored as JSON / dữ liệu hồ sơ không lưu được', 413);
  }
  if (bytes <= maxBytes) return null;
  return new DomainError(
    CASE_DATA_TOO_LARGE,
    `the case data would be ${bytes} bytes; at most ${maxBytes} are kept / dữ liệu hồ sơ vượt quá ${maxBytes} byte cho phép`,
    413,
    { bytes, limit: maxBytes },
  );
}

/** Merges configured values over the defaults, ignoring anything that is not a positive number. */
export function resolveLimits(partial: Partial<DiagramLimits> | undefined): DiagramLimits {
  const limits = { ...DEFAULT_DIAGRAM_LIMITS };
  for (const key of Object.keys(limits) as (keyof DiagramLimits)[]) {
    const value = partial?.[key];
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) limits[key] = value;
  }
  return limits;
}

/** Environment variable → limit; unset variables keep the defaults above. */
const ENV_NAMES = {
  LIMIT_DIAGRAM_BYTES: 'maxBytes',
  LIMIT_XML_ELEMENTS: 'maxXmlElements',
  LIMIT_XML_DEPTH: 'maxDepth',
  LIMIT_ATTRIBUTES_PER_ELEMENT: 'maxAttributesPerElement',
  LIMIT_ATTRIBUTES: 'maxAttributes',
  LIMIT_FLOW_ELEMENTS: 'maxFlowElements',
  LIMIT_TIMERS_PER_PROCESS: 'maxTimersPerProcess',
  LIMIT_TIMERS_PER_ACTIVITY: 'maxTimersPerActivity',
  LIMIT_BOUNDARY_EVENTS_PER_PROCESS: 'maxBoundaryEventsPerProcess',
  LIMIT_BOUNDARY_EVENTS_PER_ACTIVITY: 'maxBoundaryEventsPerActivity',
  LIMIT_CYCLE_REPETITIONS: 'maxCycleRepetitions',
  LIMIT_CYCLE_MIN_INTERVAL_MS: 'minCycleIntervalMs',
  LIMIT_TIMER_MAX_MS: 'maxTimerMs',
  LIMIT_FEEL_CHARACTERS: 'maxFeelCharacters',
} as const satisfies Record<string, keyof DiagramLimits>;

/** The JSON Schema properties config.ts validates (integers ≥ 1). */
export const limitEnvSchema = {
  ...Object.fromEntries(Object.keys(ENV_NAMES).map((name) => [name, { type: 'integer', minimum: 1 }])),
  LIMIT_CASE_DATA_BYTES: { type: 'integer', minimum: 1024, default: DEFAULT_CASE_DATA_MAX_BYTES },
  LIMIT_FEEL_TIMEOUT_MS: { type: 'integer', minimum: 10, maximum: 10_000, default: DEFAULT_FEEL_BUDGET.timeoutMs },
  LIMIT_FEEL_MEMORY_MB: { type: 'integer', minimum: 16, maximum: 4096, default: DEFAULT_FEEL_BUDGET.memoryMb },
  LIMIT_MULTI_INSTANCES: { type: 'integer', minimum: 1, maximum: 10_000, default: DEFAULT_MAX_INSTANCES },
} as Record<string, { type: 'integer'; minimum: number; maximum?: number; default?: number }>;

export function limitsFromEnv(values: Record<string, unknown>): { diagram: Partial<DiagramLimits>; caseDataMaxBytes: number; feel: FeelBudget; multiInstanceMax: number } {
  const diagram: Partial<DiagramLimits> = {};
  for (const [name, key] of Object.entries(ENV_NAMES)) {
    const value = values[name];
    if (typeof value === 'number') diagram[key] = value;
  }
  const number = (name: string, fallback: number): number => (typeof values[name] === 'number' ? (values[name] as number) : fallback);
  return {
    diagram,
    caseDataMaxBytes: number('LIMIT_CASE_DATA_BYTES', DEFAULT_CASE_DATA_MAX_BYTES),
    feel: { timeoutMs: number('LIMIT_FEEL_TIMEOUT_MS', DEFAULT_FEEL_BUDGET.timeoutMs), memoryMb: number('LIMIT_FEEL_MEMORY_MB', DEFAULT_FEEL_BUDGET.memoryMb) },
    multiInstanceMax: number('LIMIT_MULTI_INSTANCES', DEFAULT_MAX_INSTANCES),
  };
}
