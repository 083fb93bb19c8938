import { INCLUSIVE_NO_FLOW } from './inclusive-gateway.js';
import { isRaisedBpmnError } from './plugin-errors.js';
import { MULTI_INSTANCE_INPUT, MULTI_INSTANCE_LIMIT } from './multi-instance.js';

/** Codes the service's own engine adapters raise for a diagram that cannot go on. */
const DIAGRAM_ERROR_CODES: ReadonlySet<string> = new Set([MULTI_INSTANCE_LIMIT, MULTI_INSTANCE_INPUT, INCLUSIVE_NO_FLOW]);

/**
 * The stable code of an engine failure the service raised itself, found on the error or what
 * it wraps (bpmn-elements wraps activity errors in `inner` / `cause`). Other codes (Node's
 * ERR_*, a diagram's BPMN error codes) are not ours to pass on.
 */
export function engineErrorCode(error: unknown): string | undefined {
  for (let current = error, hops = 0; typeof current === 'object' && current !== null && hops < 5; hops += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && DIAGRAM_ERROR_CODES.has(code)) return code;
    if (isRaisedBpmnError(current)) return current.code; // a plugin's BPMN error nothing caught
    const next = current as { inner?: unknown; cause?: unknown };
    current = next.inner ?? next.cause;
  }
  return undefined;
}
