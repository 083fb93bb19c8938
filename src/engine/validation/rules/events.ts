import { eventKinds, list, prop } from '../model.js';
import type { NodeRule } from './context.js';
import { messageRef, timer } from './triggers.js';

/** Start, end, intermediate and boundary events. */

const SUPPORTED_END = new Set(['bpmn:TerminateEventDefinition', 'bpmn:ErrorEventDefinition']);
const SUPPORTED_BOUNDARY = new Set(['bpmn:TimerEventDefinition', 'bpmn:MessageEventDefinition', 'bpmn:ErrorEventDefinition']);

export const startEvents: NodeRule = {
  types: ['bpmn:StartEvent'],
  check(node, ctx) {
    if (list(node, 'eventDefinitions').length > 0) {
      ctx.unsupported(node, `${eventKinds(node)} start events are not supported; use a start event without a trigger`);
    }
  },
};

export const endEvents: NodeRule = {
  types: ['bpmn:EndEvent'],
  check(node, ctx) {
    const definitions = list(node, 'eventDefinitions');
    if (definitions.length > 1 || (definitions.length === 1 && !SUPPORTED_END.has(definitions[0]?.$type ?? ''))) {
      ctx.unsupported(node, `${eventKinds(node)} end events are not supported; use a plain, terminate or error end event`);
    }
  },
};

export const throwEvents: NodeRule = {
  types: ['bpmn:IntermediateThrowEvent'],
  check(node, ctx) {
    const definitions = list(node, 'eventDefinitions');
    if (definitions.length === 1 && definitions[0]?.$type === 'bpmn:LinkEventDefinition') return; // links.ts
    if (definitions.length > 0) {
      ctx.unsupported(node, `${eventKinds(node)} throw events are not supported; use a plain intermediate event or a link event`);
    }
  },
};

export const catchEvents: NodeRule = {
  types: ['bpmn:IntermediateCatchEvent'],
  check(node, ctx) {
    const definitions = list(node, 'eventDefinitions');
    const definition = definitions[0];
    if (definitions.length !== 1 || !definition) {
      ctx.unsupported(node, 'an intermediate catch event needs exactly one trigger: a message, a timer or a link');
    } else if (definition.$type === 'bpmn:MessageEventDefinition') {
      messageRef(node, definition, ctx);
    } else if (definition.$type === 'bpmn:TimerEventDefinition') {
      timer(node, definition, false, ctx);
    } else if (definition.$type !== 'bpmn:LinkEventDefinition') {
      ctx.unsupported(node, `${eventKinds(node)} catch events are not supported; use a message, timer or link event`);
    }
  },
};

export const boundaryEvents: NodeRule = {
  types: ['bpmn:BoundaryEvent'],
  check(node, ctx) {
    const definitions = list(node, 'eventDefinitions');
    const definition = definitions[0];
    if (definitions.length !== 1 || !definition || !SUPPORTED_BOUNDARY.has(definition.$type)) {
      ctx.unsupported(node, `${eventKinds(node) || 'untriggered'} boundary events are not supported; use a timer, message or error boundary event`);
    } else if (definition.$type === 'bpmn:MessageEventDefinition') {
      messageRef(node, definition, ctx);
    } else if (definition.$type === 'bpmn:TimerEventDefinition') {
      timer(node, definition, prop(node, 'cancelActivity') === false, ctx);
    }
  },
};
