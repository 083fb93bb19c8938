import type { ModdleElement } from 'bpmn-moddle';
import { instanceOf, prop, ref, typeName } from '../model.js';
import type { RuleContext } from './context.js';

/** Markers any activity can carry, checked before its kind's own rule. */
export function activityMarkers(node: ModdleElement, ctx: RuleContext): void {
  if (!instanceOf(node, 'bpmn:Activity')) return;
  const loop = ref(node, 'loopCharacteristics');
  if (loop) {
    const kind = loop.$type === 'bpmn:StandardLoopCharacteristics' ? 'loops' : 'multi-instance';
    ctx.unsupported(node, `${kind} (${typeName(loop)}) are not supported yet`);
  }
  if (prop(node, 'isForCompensation') === true) ctx.unsupported(node, 'compensation handlers are not supported');
}
