import type { ModdleElement } from 'bpmn-moddle';
import { eventKinds, isEventSubProcess, label, list, prop, ref, str } from '../model.js';
import type { NodeRule, RuleContext, ScopeRule } from './context.js';
import { NODE_RULES } from './index.js';
import { messageRef, timer } from './triggers.js';
import { timerStartSchedule } from './timer-starts.js';

/*
 * Event sub-processes (started by a message, a timer, an error or an escalation, interrupting
 * or not), escalation throw / end / boundary events, and the timer start event of a process.
 * Each rule here handles its own shapes and hands every other one to the rule it stands before.
 */

const ESP_TRIGGERS = new Set([
  'bpmn:MessageEventDefinition',
  'bpmn:TimerEventDefinition',
  'bpmn:ErrorEventDefinition',
  'bpmn:EscalationEventDefinition',
]);

/** Hands a node to the next rule of NODE_RULES listing its type (the one this rule stands before). */
function passOn(self: NodeRule, node: ModdleElement, ctx: RuleContext, depth: number): void {
  const next = NODE_RULES.slice(NODE_RULES.indexOf(self) + 1).find((r) => r.types.includes(node.$type));
  if (next) next.check(node, ctx, depth);
  else ctx.unsupported(node, 'this element is not supported by the runtime');
}

const parentOf = (node: ModdleElement): ModdleElement | undefined => node.$parent as ModdleElement | undefined;

function only(node: ModdleElement, type: string): ModdleElement | undefined {
  const definitions = list(node, 'eventDefinitions');
  return definitions.length === 1 && definitions[0]?.$type === type ? definitions[0] : undefined;
}

/** The start event a scope begins at besides a none start: an event sub-process's, a process's timer start. */
export function opensScope(container: ModdleElement, start: ModdleElement): boolean {
  return isEventSubProcess(container) || (container.$type === 'bpmn:Process' && only(start, 'bpmn:TimerEventDefinition') !== undefined);
}

export const eventSubProcesses: NodeRule = {
  types: ['bpmn:SubProcess'],
  check(node, ctx, depth) {
    if (!isEventSubProcess(node)) return passOn(eventSubProcesses, node, ctx, depth);
    const starts = list(node, 'flowElements').filter((e) => e.$type === 'bpmn:StartEvent');
    if (starts.length !== 1) {
      ctx.report(
        'EVENT_SUBPROCESS_START',
        `${label(node)} must have exactly one start event, with a message, timer, error or escalation trigger; it has ${starts.length} / sự kiện con phải có đúng một sự kiện bắt đầu`,
        node,
      );
    }
    // The sub-process rule checks its inside like any embedded sub-process (scope.ts).
    return passOn(eventSubProcesses, node, ctx, depth);
  },
};

/** Event sub-process flows: it starts from its event, never from a sequence flow. */
export const eventSubProcessFlows: ScopeRule = {
  check(scope, ctx) {
    for (const flow of scope.flows) {
      const ends = [ref(flow, 'sourceRef'), ref(flow, 'targetRef')];
      const esp = ends.find((e) => e !== undefined && isEventSubProcess(e));
      if (esp) {
        ctx.report(
          'EVENT_SUBPROCESS_FLOW',
          `${label(esp)}: an event sub-process is started by its start event, so no sequence flow may enter or leave it (flow ${flow.id ?? '?'})`,
          flow,
        );
      }
    }
  },
};

export const triggeredStartEvents: NodeRule = {
  types: ['bpmn:StartEvent'],
  check(node, ctx, depth) {
    const parent = parentOf(node);
    const definitions = list(node, 'eventDefinitions');
    if (parent && isEventSubProcess(parent)) return eventSubProcessStart(node, definitions, ctx);
    if (parent?.$type === 'bpmn:Process' && only(node, 'bpmn:TimerEventDefinition')) return timerStartSchedule(node, ctx);
    return passOn(triggeredStartEvents, node, ctx, depth);
  },
};

function eventSubProcessStart(node: ModdleElement, definitions: ModdleElement[], ctx: RuleContext): void {
  const definition = definitions[0];
  if (definitions.length !== 1 || !definition || !ESP_TRIGGERS.has(definition.$type)) {
    ctx.unsupported(
      node,
      `${eventKinds(node) || 'untriggered'} start events of event sub-processes are not supported; use a message, timer, error or escalation start event`,
    );
    return;
  }
  const interrupting = prop(node, 'isInterrupting') !== false;
  switch (definition.$type) {
    case 'bpmn:MessageEventDefinition':
      return messageRef(node, definition, ctx);
    case 'bpmn:TimerEventDefinition':
      // A cycle repeats only when the flow it would interrupt goes on.
      return timer(node, definition, !interrupting, ctx);
    case 'bpmn:ErrorEventDefinition':
      if (!interrupting) {
        ctx.report('EVENT_SUBPROCESS_START', `${label(node)}: an error start event always interrupts; tick "Interrupting" / sự kiện lỗi luôn dừng luồng chính`, node);
      }
      return;
    default:
      return;
  }
}

/** An escalation thrown needs a code the catching side can match. */
function escalationThrown(node: ModdleElement, definition: ModdleElement, ctx: RuleContext): void {
  const escalation = ref(definition, 'escalationRef');
  if (!escalation || !str(escalation, 'escalationCode')?.trim()) {
    ctx.report(
      'MISSING_ESCALATION_CODE',
      `${label(node)} throws an escalation without a code; choose or create an escalation with a code (Camunda Modeler: "Global escalation reference", "Code") / cần mã chuyển cấp`,
      node,
    );
  }
}

export const escalationThrowEvents: NodeRule = {
  types: ['bpmn:IntermediateThrowEvent'],
  check(node, ctx, depth) {
    const definition = only(node, 'bpmn:EscalationEventDefinition');
    if (definition) return escalationThrown(node, definition, ctx);
    return passOn(escalationThrowEvents, node, ctx, depth);
  },
};

export const escalationEndEvents: NodeRule = {
  types: ['bpmn:EndEvent'],
  check(node, ctx, depth) {
    const definition = only(node, 'bpmn:EscalationEventDefinition');
    if (definition) return escalationThrown(node, definition, ctx);
    return passOn(escalationEndEvents, node, ctx, depth);
  },
};

/** An escalation boundary event catches the code of its escalation, or any escalation when it names none. */
export const escalationBoundaryEvents: NodeRule = {
  types: ['bpmn:BoundaryEvent'],
  check(node, ctx, depth) {
    if (only(node, 'bpmn:EscalationEventDefinition')) return;
    return passOn(escalationBoundaryEvents, node, ctx, depth);
  },
};
