import { analyseInclusive, flowGraphOf } from '../../inclusive-blocks.js';
import type { ScopeRule } from './context.js';

/** Inclusive joins must close one inclusive fork, with one token per branch (inclusive-blocks.ts). */
export const inclusiveBlocks: ScopeRule = {
  check(scope, ctx) {
    if (![...scope.nodes].some((n) => n.$type === 'bpmn:InclusiveGateway')) return;
    for (const problem of analyseInclusive(flowGraphOf(scope.container)).problems) {
      ctx.report(problem.code, problem.message, problem.elementId);
    }
  },
};
