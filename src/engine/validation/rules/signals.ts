import type { ModdleElement } from 'bpmn-moddle';
import { correlationPath, correlationSource } from '../../messaging-catalog.js';
import { label, list, ref, str } from '../model.js';
import type { NodeRule, RuleContext } from './context.js';
import { NODE_RULES } from './index.js';
import { messageRef } from './triggers.js';

/**
 * Message start events of the process, signal events (start, catch, boundary, throw, end) and
 * the correlation setting of message catches (src/messaging). Anything else goes on to the
 * next rule listing the node's type.
 */

function passOn(node: ModdleElement, ctx: RuleContext, depth: number): void {
  const next = NODE_RULES.slice(NODE_RULES.indexOf(messagingEvents) + 1).find((r) => r.types.includes(node.$type));
  if (next) next.check(node, ctx, depth);
  else ctx.unsupported(node, 'this element is not supported by the runtime');
}

function only(node: ModdleElement, type: string): ModdleElement | undefined {
  const definitions = list(node, 'eventDefinitions');
  return definitions.length === 1 && definitions[0]?.$type === type ? definitions[0] : undefined;
}

function signalRef(node: ModdleElement, definition: ModdleElement, ctx: RuleContext): void {
  const signal = ref(definition, 'signalRef');
  if (!signal || signal.$type !== 'bpmn:Signal') {
    ctx.report(
      'MISSING_SIGNAL_REF',
      `${label(node)} has a signal trigger but no signal; choose or create one (Camunda Modeler: "Global signal reference") / chọn hoặc tạo tín hiệu cho sự kiện`,
      node,
    );
    return;
  }
  const name = str(signal, 'name')?.trim() || signal.id || '';
  if (name.length > 200) ctx.report('MISSING_SIGNAL_REF', `${label(node)}: the signal name is longer than 200 characters`, node);
}

/** Recorded for the procedure version (procedures.startTriggers): what a message or signal looks up. */
function startTrigger(ctx: RuleContext, kind: 'message' | 'signal', target: ModdleElement | undefined): void {
  if (!target?.id) return;
  const name = str(target, 'name')?.trim() || target.id;
  const triggers = (ctx.summary.startTriggers ??= []);
  if (!triggers.includes(`${kind}:${name}`)) triggers.push(`${kind}:${name}`);
}

/** A correlation key must name a variable (`=dossierCode`, `=applicant.id`): it is read, never computed. */
function correlation(node: ModdleElement, ctx: RuleContext): void {
  const source = correlationSource(node as never);
  if (source === undefined || correlationPath(source)) return;
  const shown = source.length > 60 ? `${source.slice(0, 60)}…` : source;
  ctx.report(
    'INVALID_CORRELATION_KEY',
    `${label(node)}: correlation key "${shown}" must name a case variable, such as =dossierCode or =applicant.id / khóa liên kết phải là tên một biến của hồ sơ`,
    node,
  );
}

export const messagingEvents: NodeRule = {
  types: ['bpmn:StartEvent', 'bpmn:EndEvent', 'bpmn:IntermediateThrowEvent', 'bpmn:IntermediateCatchEvent', 'bpmn:BoundaryEvent', 'bpmn:ReceiveTask'],
  check(node, ctx, depth) {
    const signal = only(node, 'bpmn:SignalEventDefinition');
    if (node.$type === 'bpmn:ReceiveTask') {
      correlation(node, ctx);
      return passOn(node, ctx, depth);
    }
    if (node.$type === 'bpmn:StartEvent') {
      if ((node.$parent as ModdleElement | undefined)?.$type !== 'bpmn:Process') return passOn(node, ctx, depth);
      const message = only(node, 'bpmn:MessageEventDefinition');
      if (message) {
        messageRef(node, message, ctx);
        return startTrigger(ctx, 'message', ref(message, 'messageRef'));
      }
      if (signal) {
        signalRef(node, signal, ctx);
        return startTrigger(ctx, 'signal', ref(signal, 'signalRef'));
      }
      return passOn(node, ctx, depth);
    }
    if (signal) return signalRef(node, signal, ctx);
    if (only(node, 'bpmn:MessageEventDefinition')) correlation(node, ctx);
    return passOn(node, ctx, depth);
  },
};
