import type { NodeRule } from './context.js';

/** Activities the runtime does not run yet. A module that runs one goes before this in NODE_RULES. */

export const businessRuleTasks: NodeRule = {
  types: ['bpmn:BusinessRuleTask'],
  check(node, ctx) {
    ctx.unsupported(node, 'business rule (DMN) tasks are not supported');
  },
};
