import { evaluate } from 'feelin';
import type { Wait } from '../domain/case.js';
import { unprocessable } from '../domain/errors.js';
import type { Catalog } from './catalog.js';
import { isInlineCost } from './feel-cost.js';
import { evaluateCondition } from './feel.js';
import { evaluateBoundedAs } from './feel-sandbox.js';
import type { LoopSpec } from './loop-spec.js';

/*
 * Multi-instance activities run by bpmn-elements' LoopCharacteristics; this adapter feeds it.
 * - The loop's settings become markers that resolveExpression hands back here, so the
 *   collection, cardinality and completion condition are FEEL over the case data (with the
 *   project's cost limits), whichever modeler mode wrote them.
 * - bpmn-elements re-reads the collection every time a saved case is resumed: a list changed
 *   by later task data would change the running instances. The list (or count) is read once,
 *   when the activity starts, and kept with the case data under LOOPS_KEY until it ends.
 * - Every parallel instance starts at once (batchSize is the limit), so each is its own task.
 * - Outputs are written by the service (recordOutput) into the output collection at the
 *   instance's index, before the step that completes it runs.
 */

export const LOOPS_KEY = '$loops';
export const MULTI_INSTANCE_LIMIT = 'MULTI_INSTANCE_LIMIT';
export const MULTI_INSTANCE_INPUT = 'MULTI_INSTANCE_INPUT';
export const DEFAULT_MAX_INSTANCES = 200;

let maxInstances = DEFAULT_MAX_INSTANCES;

/** The most instances one multi-instance activity may start (LIMIT_MULTI_INSTANCES). */
export function configureMultiInstance(options: { maxInstances?: number }): void {
  if (options.maxInstances !== undefined && options.maxInstances >= 1) maxInstances = options.maxInstances;
}

export function multiInstanceMax(): number {
  return maxInstances;
}

export class MultiInstanceError extends Error {
  constructor(
    readonly code: typeof MULTI_INSTANCE_LIMIT | typeof MULTI_INSTANCE_INPUT,
    message: string,
  ) {
    super(message);
    this.name = 'MultiInstanceError';
  }
}

interface Snapshot {
  count: number;
  items?: unknown[];
  /** The element variable the items are seen under (plugins read it: instanceVariables). */
  name?: string;
}

interface Content {
  executionId?: string;
  index?: number;
  isMultiInstance?: boolean;
  parent?: { id?: string; executionId?: string };
  [key: string]: unknown;
}

interface ActivityLike {
  id: string;
  behaviour: Record<string, unknown>;
  on(event: string, fn: (api: { executionId: string }) => void): void;
  execution?: { getPostponed(): { content: Content }[] };
}

/** One instance of a multi-instance activity, as a wait sees it. */
export interface Instance {
  activityId: string;
  index: number;
  bodyExecutionId: string;
  spec: LoopSpec;
  item?: unknown;
}

const MARK = '\u0000multi-instance:';

/** FEEL to a value: inline when its shape bounds its cost, else on the bounded thread. */
export function evaluateValue(source: string, context: Record<string, unknown>): unknown {
  if (!isInlineCost(source)) return evaluateBoundedAs('value', source, context);
  try {
    return evaluate(source, context).value ?? null;
  } catch (error) {
    throw new Error(`the expression "${source.slice(0, 80)}" failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function loops(variables: Record<string, unknown>): Record<string, Snapshot> {
  const current = variables[LOOPS_KEY];
  if (typeof current === 'object' && current !== null && !Array.isArray(current)) return current as Record<string, Snapshot>;
  const created: Record<string, Snapshot> = {};
  variables[LOOPS_KEY] = created;
  return created;
}

/** The per-engine adapter (one per step): created by the step runner, wired in by engine-factory. */
export class MultiInstanceRuntime {
  private readonly activities = new Map<string, ActivityLike>();

  constructor(
    private readonly catalog: Catalog,
    private readonly variables: Record<string, unknown>,
  ) {}

  private spec(id: string): LoopSpec | undefined {
    return this.catalog.get(id)?.loop;
  }

  /** bpmn-elements extension: the loop reads its settings through our markers. */
  extend(activity: ActivityLike): void {
    const spec = this.spec(activity.id);
    const characteristics = activity.behaviour.loopCharacteristics as { behaviour?: Record<string, unknown> } | undefined;
    if (!spec || !characteristics) return;
    this.activities.set(activity.id, activity);
    const behaviour: Record<string, unknown> = { ...characteristics.behaviour, isSequential: spec.sequential };
    delete behaviour.collection;
    delete behaviour.loopCardinality;
    delete behaviour.completionCondition;
    if (spec.collection !== undefined) {
      behaviour.collection = `${MARK}collection:${activity.id}`;
      behaviour.elementVariable = spec.elementVariable ?? 'item';
    } else {
      behaviour.loopCardinality = `${MARK}cardinality:${activity.id}`;
    }
    if (spec.completionCondition !== undefined) behaviour.completionCondition = `${MARK}completion:${activity.id}`;
    // The activity's own copy: the compiled source is shared by every case of the version.
    activity.behaviour.loopCharacteristics = { ...characteristics, behaviour };
    activity.on('leave', (api) => {
      delete loops(this.variables)[api.executionId];
    });
  }

  /** resolveExpression: the value of one of our markers, or undefined for any other expression. */
  resolve(expression: string, message: { content?: Content } | undefined): { value: unknown } | undefined {
    if (typeof expression !== 'string' || !expression.startsWith(MARK)) return undefined;
    const [kind, id] = expression.slice(MARK.length).split(':') as [string, string];
    const spec = this.spec(id);
    const content = message?.content ?? {};
    if (!spec) throw new Error(`multi-instance settings of <${id}> are unknown`);
    if (kind === 'completion') return { value: this.completed(id, spec, content) };
    const snapshot = this.snapshot(id, spec, content);
    return { value: kind === 'collection' ? snapshot.items : snapshot.count };
  }

  private snapshot(id: string, spec: LoopSpec, content: Content): Snapshot {
    const body = content.executionId ?? id;
    const saved = loops(this.variables)[body];
    if (saved) return saved;
    const name = this.catalog.get(id)?.name ?? id;
    let snapshot: Snapshot;
    if (spec.collection !== undefined) {
      const items = evaluateValue(spec.collection, this.variables);
      if (!Array.isArray(items)) {
        throw new MultiInstanceError(
          MULTI_INSTANCE_INPUT,
          `"${name}" runs once per item of "${spec.collection}", which is ${items === null ? 'missing' : `not a list (${typeof items})`} / danh sách cho bước "${name}" không có hoặc không phải danh sách`,
        );
      }
      snapshot = { count: items.length, items: JSON.parse(JSON.stringify(items)) as unknown[], name: spec.elementVariable ?? 'item' };
    } else {
      const count = evaluateValue(spec.cardinality ?? '0', this.variables);
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
        throw new MultiInstanceError(
          MULTI_INSTANCE_INPUT,
          `"${name}": the number of instances "${spec.cardinality ?? ''}" is ${JSON.stringify(count)}, not a whole number ≥ 0 / số lượt của bước "${name}" không hợp lệ`,
        );
      }
      snapshot = { count };
    }
    if (snapshot.count > maxInstances) {
      throw new MultiInstanceError(
        MULTI_INSTANCE_LIMIT,
        `"${name}" would start ${snapshot.count} instances; at most ${maxInstances} are allowed / bước "${name}" vượt số lượt tối đa (${maxInstances})`,
      );
    }
    loops(this.variables)[body] = snapshot;
    // Sub-processes collect nothing themselves (validation refuses an output element there).
    if (this.catalog.get(id)?.type !== 'bpmn:SubProcess') this.variables[spec.outputCollection] = Array.from({ length: snapshot.count }, () => null);
    return snapshot;
  }

  /** The completion condition after one instance ended, with Camunda 7 and Camunda 8 counter names. */
  private completed(id: string, spec: LoopSpec, content: Content): boolean {
    const body = content.parent?.executionId ?? '';
    const total = loops(this.variables)[body]?.count ?? Number(content.loopCardinality ?? 0);
    let active = 0;
    if (!spec.sequential) {
      const running = this.activities.get(id)?.execution?.getPostponed() ?? [];
      active = running.filter((api) => api.content.isMultiInstance && api.content.executionId !== body && api.content.executionId !== content.executionId).length;
    }
    const done = spec.sequential ? (content.index ?? 0) + 1 : total - active;
    const context: Record<string, unknown> = {
      ...this.variables,
      nrOfInstances: total,
      nrOfActiveInstances: active,
      nrOfCompletedInstances: done,
      numberOfInstances: total,
      numberOfActiveInstances: active,
      numberOfCompletedInstances: done,
      loopCounter: (content.index ?? 0) + 1,
    };
    if (spec.elementVariable !== undefined) context[spec.elementVariable] = content[spec.elementVariable] ?? null;
    return evaluateCondition(spec.completionCondition ?? 'false', context);
  }

  /** The instance a waiting task or plugin call is, when it is one. */
  instanceOf(api: { id: string; executionId: string; content: Content }): Instance | undefined {
    const spec = this.spec(api.id);
    const body = api.content.parent?.executionId;
    if (!spec || !api.content.isMultiInstance || typeof api.content.index !== 'number' || !body || body === api.executionId) return undefined;
    const instance: Instance = { activityId: api.id, index: api.content.index, bodyExecutionId: body, spec };
    if (spec.collection !== undefined) instance.item = api.content[spec.elementVariable ?? 'item'] ?? null;
    return instance;
  }

  /** A plugin call of one instance (bpmn-elements names instance executions `<activity execution>_<index>`). */
  loopOfExecution(activityId: string, executionId: string): { loop?: { index: number; bodyExecutionId: string } } {
    const match = this.spec(activityId) ? /^(.+)_(\d+)$/.exec(executionId) : null;
    return match ? { loop: { index: Number(match[2]), bodyExecutionId: match[1] ?? '' } } : {};
  }

  /**
   * What a new task wait takes from multi-instance: an instance its index and the people or unit
   * of its item; a task inside an instance of a multi-instance sub-process the people or unit of
   * that instance's item.
   */
  taskFields(api: { id: string; executionId: string; content: Content }): Partial<Pick<Wait, 'loop'>> & WaitPeople {
    const instance = this.instanceOf(api);
    if (instance) return { loop: { index: instance.index, bodyExecutionId: instance.bodyExecutionId }, ...this.people(instance.spec.attributes, instance) };
    const own = this.catalog.get(api.id)?.instanceAttributes;
    if (!own) return {};
    const parent = api.content.parent as (Content['parent'] & { path?: { id?: string; executionId?: string }[] }) | undefined;
    for (const scope of [parent, ...(parent?.path ?? [])]) {
      const spec = scope?.id ? this.spec(scope.id) : undefined;
      const match = spec && scope?.executionId ? /^(.+)_(\d+)$/.exec(scope.executionId) : null;
      if (!spec || !match) continue;
      const body = match[1] ?? '';
      const index = Number(match[2]);
      const enclosing: Instance = { activityId: scope?.id ?? '', index, bodyExecutionId: body, spec };
      const item = loops(this.variables)[body]?.items?.[index];
      if (item !== undefined) enclosing.item = item;
      return this.people(own, enclosing);
    }
    return {};
  }

  private people(attributes: LoopSpec['attributes'], instance: Instance): WaitPeople {
    const context = instanceContext(this.variables, instance, {});
    const result: WaitPeople = {};
    const one = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '');
    if (attributes.candidateGroups) {
      const value = evaluateValue(attributes.candidateGroups, context);
      result.candidateGroups = (Array.isArray(value) ? value : [value]).flatMap((v) => one(v).split(',')).map((g) => g.trim()).filter(Boolean);
    }
    if (attributes.assignee) {
      const assignee = one(evaluateValue(attributes.assignee, context));
      if (assignee) result.assignee = assignee;
    }
    if (attributes.unit) {
      const unit = one(evaluateValue(attributes.unit, context));
      if (unit) result.unitId = unit;
    }
    return result;
  }
}

interface WaitPeople {
  candidateGroups?: string[];
  assignee?: string;
  unitId?: string;
}

function instanceContext(variables: Record<string, unknown>, instance: Instance, data: Record<string, unknown>): Record<string, unknown> {
  const context: Record<string, unknown> = { ...variables, ...data, loopCounter: instance.index + 1 };
  if (instance.spec.collection !== undefined) context[instance.spec.elementVariable ?? 'item'] = instance.item ?? null;
  return context;
}

/**
 * What a completed instance hands on: its output (outputElement over the case data, its item
 * and what came with it; else what came with it) at its index of the output collection. The
 * data stays the instance's own: merged into the case, instances would overwrite each other.
 */
export function recordOutput(
  variables: Record<string, unknown>,
  instance: { activityId: string; index: number; bodyExecutionId: string },
  spec: LoopSpec,
  data: Record<string, unknown>,
): void {
  const snapshot = loops(variables)[instance.bodyExecutionId];
  const item = snapshot?.items?.[instance.index];
  const full: Instance = { ...instance, spec, ...(item !== undefined ? { item } : {}) };
  let output: unknown = data;
  if (spec.outputElement !== undefined) {
    try {
      output = evaluateValue(spec.outputElement, instanceContext(variables, full, data));
    } catch (error) {
      throw unprocessable(MULTI_INSTANCE_INPUT, `the output of this instance could not be read: ${error instanceof Error ? error.message : String(error)}`, {
        activityId: instance.activityId,
        index: instance.index,
      });
    }
  }
  const current = variables[spec.outputCollection];
  const list = Array.isArray(current) ? [...(current as unknown[])] : Array.from({ length: snapshot?.count ?? instance.index + 1 }, () => null);
  while (list.length <= instance.index) list.push(null);
  list[instance.index] = output ?? null;
  variables[spec.outputCollection] = list;
}

/** recordOutput for a completed task or plugin call, when it is an instance. */
export function recordWaitOutput(variables: Record<string, unknown>, catalog: Catalog, wait: Wait, data: Record<string, unknown>): void {
  const spec = catalog.get(wait.activityId)?.loop;
  if (spec && wait.loop) recordOutput(variables, { activityId: wait.activityId, ...wait.loop }, spec, data);
}

/** The multi-instance activities a case is inside (migration refuses to move such a case). */
export function activeLoops(c: { waits: Wait[]; variablesJson: string }): string[] {
  const running = new Set(c.waits.filter((w) => w.loop).map((w) => w.activityId));
  const saved = (JSON.parse(c.variablesJson) as Record<string, unknown>)[LOOPS_KEY];
  if (typeof saved === 'object' && saved !== null && Object.keys(saved).length > 0) {
    // A sub-process's instances wait in its inner tasks: the body's execution id names the activity.
    for (const body of Object.keys(saved)) running.add(body.replace(/_[0-9a-f]+$/, ''));
  }
  return [...running].sort();
}

/** What a plugin instance sees: the case data with its item and loopCounter (its execution is `<body>_<index>`). */
export function instanceVariables(variables: Record<string, unknown>, executionId: string): Record<string, unknown> {
  const match = /^(.+)_(\d+)$/.exec(executionId);
  const snapshot = match ? loops({ ...variables })[match[1] ?? ''] : undefined;
  if (!match || !snapshot) return variables;
  const index = Number(match[2]);
  const own: Record<string, unknown> = { loopCounter: index + 1 };
  if (snapshot.items && snapshot.name) own[snapshot.name] = snapshot.items[index] ?? null;
  return { ...variables, ...own };
}
