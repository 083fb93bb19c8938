import { evaluate } from 'feelin';

/**
 * FEEL conditions evaluated by feelin: a pure interpreter over the given context, with no
 * access to the host (no globals, no I/O). The body may start with '=' (Camunda 8 style).
 */
export function evaluateFeel(body: string, variables: Record<string, unknown>): unknown {
  const source = body.trim().replace(/^=/, '').trim();
  return evaluate(source, variables).value;
}

/** BPMN conditions take a branch only on boolean true; null (e.g. a missing variable) means no. */
export function evaluateCondition(body: string, variables: Record<string, unknown>): boolean {
  return evaluateFeel(body, variables) === true;
}
