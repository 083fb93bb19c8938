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

interface RootContainer {
  rootElement?: { rootElements?: { $type: string; messageFlows?: unknown[] }[] };
}

/**
 * Message flows between pools are documentation for this service: messages reach receive
 * tasks and catch events through the API, by name. Left in, the engine would act on them
 * (start another pool's process inside the case) or fail to load them (black-box pools),
 * so they are dropped before the engine sees the diagram.
 */
export function dropMessageFlows(moddleContext: unknown): void {
  for (const element of (moddleContext as RootContainer).rootElement?.rootElements ?? []) {
    if (element.$type === 'bpmn:Collaboration' && element.messageFlows?.length) element.messageFlows = [];
  }
}
