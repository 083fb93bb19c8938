/**
 * A BPMN error a plugin raised (src/plugins/plugin-host.ts BpmnError), handed to the engine as
 * the service task's failure: bpmn-elements gives it to the boundary error event whose error
 * code matches. Uncaught, the case gets an incident carrying the code (engine-errors.ts).
 */
export class RaisedBpmnError extends Error {
  override name = 'BpmnError';
  /** Marks the code as the diagram's own, to pass on (engine-errors.ts). */
  readonly pluginBpmnError = true;

  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`BPMN error ${code} raised by the plugin was not caught: ${message}`);
  }
}

export function isRaisedBpmnError(value: unknown): value is { code: string } {
  return typeof value === 'object' && value !== null && (value as { pluginBpmnError?: unknown }).pluginBpmnError === true && typeof (value as { code?: unknown }).code === 'string';
}
