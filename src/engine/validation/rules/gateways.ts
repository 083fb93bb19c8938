import { label, list, ref, typeName } from '../model.js';
import type { NodeRule, ScopeRule } from './context.js';

/** Gateways: which kinds run, and what must leave them. */

export const gateways: NodeRule = {
  types: ['bpmn:ExclusiveGateway', 'bpmn:ParallelGateway', 'bpmn:EventBasedGateway', 'bpmn:InclusiveGateway'],
  check() {},
};

export const refusedGateways: NodeRule = {
  types: ['bpmn:ComplexGateway'],
  check(node, ctx) {
    ctx.unsupported(
      node,
      `${typeName(node)}s are not supported: their activation rule is an expression over the arriving tokens. ` +
        'Draw an inclusive gateway (wait for the branches that were taken) or a parallel one (wait for all) / ' +
        'không hỗ trợ cổng phức hợp; hãy vẽ cổng bao hàm (chờ các nhánh đã đi) hoặc cổng song song (chờ mọi nhánh)',
    );
  },
};

/** Conditions on what leaves an exclusive gateway; targets of an event-based gateway. */
export const gatewayOutgoing: ScopeRule = {
  check(scope, ctx) {
    for (const node of scope.nodes) {
      const outgoing = scope.outgoing.get(node) ?? [];
      if (node.$type === 'bpmn:ExclusiveGateway' && outgoing.length > 1) {
        const defaultFlow = ref(node, 'default');
        for (const flow of outgoing) {
          if (flow === defaultFlow || ref(flow, 'conditionExpression')) continue;
          ctx.report(
            'MISSING_CONDITION',
            `${label(flow)} leaves ${label(node)} without a condition; give it a FEEL condition or make it the default flow`,
            flow,
          );
        }
      }
      if (node.$type === 'bpmn:EventBasedGateway') {
        for (const flow of outgoing) {
          const target = ref(flow, 'targetRef');
          if (!target) continue;
          const definition = list(target, 'eventDefinitions')[0];
          const fits =
            target.$type === 'bpmn:ReceiveTask' ||
            (target.$type === 'bpmn:IntermediateCatchEvent' &&
              (definition?.$type === 'bpmn:MessageEventDefinition' || definition?.$type === 'bpmn:TimerEventDefinition'));
          if (!fits) {
            ctx.unsupported(node, `an event-based gateway must lead to message or timer catch events or receive tasks, not to ${label(target)}`);
          }
        }
      }
    }
  },
};
