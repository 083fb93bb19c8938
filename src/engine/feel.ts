import { evaluate } from 'feelin';
import { feelSource } from './validation/feel.js';

/**
 * FEEL conditions evaluated by feelin: a pure interpreter over the given context, with no
 * access to the host (no globals, no I/O). The body is read as publishing validated it.
 */
export function evaluateFeel(body: string, variables: Record<string, unknown>): unknown {
  return evaluate(feelSource(body), variables).value;
}

/** BPMN conditions take a branch only on boolean true; null (e.g. a missing variable) means no. */
export function evaluateCondition(body: string, variables: Record<string, unknown>): boolean {
  return evaluateFeel(body, variables) === true;
}
