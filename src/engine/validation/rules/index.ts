import type { ModdleElement } from 'bpmn-moddle';
import type { Problem } from '../index.js';
import { RuleContext, type NodeRule, type RuleOptions, type ScopeRule } from './context.js';
import { checkDefinitions, type RulesOutcome } from './definitions.js';
import { boundaryEvents, catchEvents, endEvents, startEvents, throwEvents } from './events.js';
import { gatewayOutgoing, gateways, refusedGateways } from './gateways.js';
import { inclusiveBlocks } from './inclusive.js';
import { linkEvents } from './links.js';
import { businessRuleTasks } from './refused.js';
import { callActivityRule } from './call-activities.js';
import { checkScope } from './scope.js';
import { messagingEvents } from './signals.js';
import { businessRuleTaskRule } from '../business-rule-task.js';
import {
  escalationBoundaryEvents,
  escalationEndEvents,
  escalationThrowEvents,
  eventSubProcessFlows,
  eventSubProcesses,
  triggeredStartEvents,
} from './event-sub-processes.js';
import { adHocSubProcesses, subProcesses, transactions } from './sub-processes.js';
import { pluginTasks, plainTasks, receiveTasks, scriptTasks, userTasks } from './tasks.js';

/*
 * Checks of the parsed model against what our runtime runs: bpmn-engine for the flow,
 * plugins (external service tasks) for work, FEEL for conditions, our scheduler for timers.
 *
 * To check a new element kind, add a module exporting a NodeRule and list it here: the first
 * rule listing a node's $type checks it, so a rule placed above `refused` ones replaces them.
 * A node no rule lists is refused as not supported.
 */
export const NODE_RULES: readonly NodeRule[] = [
  messagingEvents,
  triggeredStartEvents,
  escalationEndEvents,
  escalationThrowEvents,
  escalationBoundaryEvents,
  eventSubProcesses,
  startEvents,
  endEvents,
  throwEvents,
  catchEvents,
  boundaryEvents,
  plainTasks,
  userTasks,
  pluginTasks,
  receiveTasks,
  scriptTasks,
  businessRuleTaskRule,
  gateways,
  subProcesses,
  callActivityRule,
  refusedGateways,
  businessRuleTasks,
  transactions,
  adHocSubProcesses,
];

/** Checks over each whole scope, after its nodes and flows, before connectivity. */
export const SCOPE_RULES: readonly ScopeRule[] = [gatewayOutgoing, inclusiveBlocks, linkEvents, eventSubProcessFlows];

export type { RuleOptions, RulesOutcome };

export function checkModel(root: ModdleElement, options: RuleOptions): { outcome: RulesOutcome; problems: Problem[] } {
  const rules = { nodeRules: NODE_RULES, scopeRules: SCOPE_RULES };
  const ctx: RuleContext = new RuleContext(options, (container, depth) => checkScope(container, depth, ctx, rules));
  const outcome = checkDefinitions(root, ctx);
  return { outcome, problems: ctx.problems };
}
