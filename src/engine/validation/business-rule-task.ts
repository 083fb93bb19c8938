import { readDecisionTask } from '../../decisions/decision-task.js';
import type { NodeRule } from './rules/context.js';
import { label } from './model.js';

/*
 * Business rule tasks run a published DMN decision (src/decisions, docs/decisions.md). Here:
 * the task's own attributes, with advice in the words of the modeler mode it was drawn in.
 * Whether the decision is published is asked of the store after this check
 * (ProcedureService.publish), since the check runs in a thread without it.
 */

export interface DecisionReference {
  activityId: string;
  decisionRef: string;
  /** Bound to one version; absent: the latest at each evaluation. */
  version?: number;
}

export const businessRuleTaskRule: NodeRule = {
  types: ['bpmn:BusinessRuleTask'],
  check(node, ctx) {
    const { spec, problems } = readDecisionTask(node, ctx.zeebeMode);
    for (const problem of problems) ctx.report(problem.code, `${label(node)}: ${problem.message}`, node);
    if (!spec) return;
    const activityId = typeof node.id === 'string' ? node.id : '';
    (ctx.summary.decisions ??= []).push({ activityId, decisionRef: spec.decisionRef, ...(spec.version !== undefined ? { version: spec.version } : {}) });
  },
};
