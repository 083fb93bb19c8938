import type { NodeRule } from './context.js';

/** Embedded and event sub-processes (event-sub-processes.ts first) are checked like the process; other container kinds are refused. */

const MAX_NESTING = 16;

export const subProcesses: NodeRule = {
  types: ['bpmn:SubProcess'],
  check(node, ctx, depth) {
    if (depth >= MAX_NESTING) {
      ctx.unsupported(node, 'sub-processes are nested too deeply');
    } else {
      ctx.checkScope(node, depth + 1);
    }
  },
};

export const transactions: NodeRule = {
  types: ['bpmn:Transaction'],
  check(node, ctx) {
    ctx.unsupported(node, 'transactions are not supported');
  },
};

export const adHocSubProcesses: NodeRule = {
  types: ['bpmn:AdHocSubProcess'],
  check(node, ctx) {
    ctx.unsupported(node, 'ad-hoc sub-processes are not supported');
  },
};
