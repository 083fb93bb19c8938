import { BpmnModdle } from 'bpmn-moddle';
import camunda from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };

export type { BpmnModdle } from 'bpmn-moddle';

/**
 * A bpmn-moddle instance that knows the Camunda extension attributes
 * (camunda:topic, camunda:candidateGroups, camunda:properties, ...).
 * Pass `{ camunda }` as bpmn-engine's `moddleOptions` too, or better reuse the
 * validator's parse result as `moddleContext`.
 */
export function createModdle(): BpmnModdle {
  return new BpmnModdle({ camunda });
}

export { camunda as camundaDescriptor };
