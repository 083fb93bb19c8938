import { evaluate } from 'feelin';
import { isInlineCost } from './feel-cost.js';
import { evaluateBounded, ExpressionLimitError } from './feel-sandbox.js';
import { feelSource } from './validation/feel.js';

/**
 * FEEL conditions evaluated by feelin: a pure interpreter over the given context, with no
 * access to the host (no globals, no I/O): inline when its shape bounds its cost
 * (feel-cost.ts), else in a thread with a time and memory budget (feel-sandbox.ts).
 * The body is read as publishing validated it.
 */

/** Conditions one engine step may evaluate; a process that loops through gateways without waiting stops here. */
export const MAX_EVALUATIONS_PER_STEP = 1000;

// Each step gives the engine its own variables object: counting per object counts per step.
const evaluations = new WeakMap<object, number>();

/** BPMN conditions take a branch only on boolean true; null (e.g. a missing variable) means no. */
export function evaluateCondition(body: string, variables: Record<string, unknown>): boolean {
  const count = (evaluations.get(variables) ?? 0) + 1;
  evaluations.set(variables, count);
  if (count > MAX_EVALUATIONS_PER_STEP) {
    throw new ExpressionLimitError(
      `more than ${MAX_EVALUATIONS_PER_STEP} conditions evaluated in one step (a loop without a wait state?) / ` +
        `quá ${MAX_EVALUATIONS_PER_STEP} điều kiện trong một bước xử lý`,
    );
  }
  const source = feelSource(body);
  if (!isInlineCost(source)) return evaluateBounded(source, variables);
  try {
    return evaluate(source, variables).value === true;
  } catch (error) {
    throw new Error(`the condition "${source.slice(0, 80)}" failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
