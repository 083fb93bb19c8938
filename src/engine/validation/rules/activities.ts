import type { ModdleElement } from 'bpmn-moddle';
import { instanceOf, prop, ref, typeName } from '../model.js';
import type { RuleContext } from './context.js';
import { checkMultiInstance } from './multi-instance.js';

/** Markers any activity can carry, checked before its kind's own rule. */
export function activityMarkers(node: ModdleElement, ctx: RuleContext): void {
  if (!instanceOf(node, 'bpmn:Activity')) return;
  const loop = ref(node, 'loopCharacteristics');
  if (loop?.$type === 'bpmn:MultiInstanceLoopCharacteristics') {
    checkMultiInstance(node, ctx);
  } else if (loop) {
    ctx.unsupported(node, `loops (${typeName(loop)}) are not supported; use a multi-instance marker over a list, or a gateway back to the step`);
  }
  if (prop(node, 'isForCompensation') === true) ctx.unsupported(node, 'compensation handlers are not supported');
}
