import type { ModdleElement } from 'bpmn-moddle';
import { instanceOf, isEventSubProcess, label, list, ref } from '../model.js';
import { activityMarkers } from './activities.js';
import { condition } from './conditions.js';
import type { NodeRule, RuleContext, Scope, ScopeRule } from './context.js';
import { linkJumps, linkName } from './links.js';
import { opensScope } from './event-sub-processes.js';
import { resources, scriptsIn } from './scripts.js';

/** One process or embedded sub-process: its elements through the rules, then its connectivity. */

const ARTIFACTS = new Set(['bpmn:TextAnnotation', 'bpmn:Association', 'bpmn:Group']);
const DATA = new Set(['bpmn:DataObject', 'bpmn:DataObjectReference', 'bpmn:DataStoreReference']);

export interface Rules {
  nodeRules: readonly NodeRule[];
  scopeRules: readonly ScopeRule[];
}

export function isArtifact(element: ModdleElement): boolean {
  return ARTIFACTS.has(element.$type);
}

export function checkScope(container: ModdleElement, depth: number, ctx: RuleContext, rules: Rules): void {
  const elements = list(container, 'flowElements');
  const nodes = new Set<ModdleElement>();
  const flows: ModdleElement[] = [];
  for (const element of elements) {
    if (element.$type === 'bpmn:SequenceFlow') flows.push(element);
    else if (instanceOf(element, 'bpmn:FlowNode')) nodes.add(element);
    else if (!DATA.has(element.$type)) ctx.unsupported(element, 'this element is not supported by the runtime');
  }
  for (const artifact of list(container, 'artifacts')) {
    if (!isArtifact(artifact)) ctx.unsupported(artifact, 'this artifact is not supported');
  }

  for (const node of nodes) {
    scriptsIn(node, ctx);
    resources(node, ctx);
    activityMarkers(node, ctx);
    const rule = rules.nodeRules.find((r) => r.types.includes(node.$type));
    if (rule) rule.check(node, ctx, depth);
    else ctx.unsupported(node, 'this element is not supported by the runtime');
  }

  // Start events.
  // An event sub-process starts at its triggered start; a scheduled process at its timer start.
  const noneStarts = [...nodes].filter((n) => n.$type === 'bpmn:StartEvent' && (list(n, 'eventDefinitions').length === 0 || opensScope(container, n)));
  const where = container.$type === 'bpmn:Process' ? `process ${container.id ?? '?'}` : `sub-process ${container.id ?? '?'}`;
  if (noneStarts.length !== 1 && !isEventSubProcess(container)) {
    ctx.report('NO_NONE_START_EVENT', `${where} must have exactly one start event without a trigger; it has ${noneStarts.length}`, container);
  }

  // Sequence flows.
  const outgoing = new Map<ModdleElement, ModdleElement[]>();
  const incoming = new Map<ModdleElement, ModdleElement[]>();
  for (const node of nodes) {
    outgoing.set(node, []);
    incoming.set(node, []);
  }
  for (const flow of flows) {
    scriptsIn(flow, ctx);
    const source = ref(flow, 'sourceRef');
    const target = ref(flow, 'targetRef');
    const sourceOk = source !== undefined && nodes.has(source);
    const targetOk = target !== undefined && nodes.has(target);
    if (!sourceOk) {
      ctx.report(
        'FLOW_SOURCE_MISSING',
        `sequence flow ${flow.id ?? '?'} has ${source ? `a source (${source.id ?? '?'}) outside ${where}` : 'no resolvable source'}`,
        flow,
      );
    }
    if (!targetOk) {
      ctx.report(
        'FLOW_TARGET_MISSING',
        `sequence flow ${flow.id ?? '?'} has ${target ? `a target (${target.id ?? '?'}) outside ${where}` : 'no resolvable target'}`,
        flow,
      );
    }
    if (sourceOk) outgoing.get(source)?.push(flow);
    if (targetOk) incoming.get(target)?.push(flow);
    condition(flow, sourceOk ? source : undefined, ctx);
  }

  const scope: Scope = { container, where, nodes, flows, outgoing, incoming };
  for (const rule of rules.scopeRules) rule.check(scope, ctx);
  connectivity(scope, noneStarts, ctx);
}

/** Boundary hosts, dead ends, reachability from the start event. */
function connectivity(scope: Scope, noneStarts: ModdleElement[], ctx: RuleContext): void {
  const { nodes, outgoing, incoming, where } = scope;
  // Boundary events belong to the activity they are attached to.
  const boundaries = new Map<ModdleElement, ModdleElement[]>();
  for (const node of nodes) {
    if (node.$type !== 'bpmn:BoundaryEvent') continue;
    const host = ref(node, 'attachedToRef');
    if (!host || !nodes.has(host) || !instanceOf(host, 'bpmn:Activity')) {
      ctx.unsupported(node, `a boundary event must be attached to an activity of ${where}`);
      continue;
    }
    const attached = boundaries.get(host) ?? [];
    attached.push(node);
    boundaries.set(host, attached);
  }

  for (const node of nodes) {
    if (isEventSubProcess(node)) continue;
    if (node.$type === 'bpmn:EndEvent') continue;
    if (node.$type === 'bpmn:IntermediateThrowEvent' && linkName(node) !== undefined) continue; // jumps to its catch (links.ts)
    if ((outgoing.get(node) ?? []).length === 0) {
      ctx.report('DEAD_END', `${label(node)} has no outgoing sequence flow: the case would stop there without reaching an end event`, node);
    }
  }

  const jumps = linkJumps(nodes);
  const reached = new Set<ModdleElement>();
  // A process's message, signal and timer start events start cases too: what follows them is reachable.
  const starts = scope.container.$type === 'bpmn:Process' ? [...nodes].filter((n) => n.$type === 'bpmn:StartEvent') : noneStarts;
  const queue: ModdleElement[] = [...starts];
  while (queue.length > 0) {
    const node = queue.pop();
    if (!node || reached.has(node)) continue;
    reached.add(node);
    for (const boundary of boundaries.get(node) ?? []) queue.push(boundary);
    const jump = jumps.get(node);
    if (jump) queue.push(jump);
    for (const flow of outgoing.get(node) ?? []) {
      const target = ref(flow, 'targetRef');
      if (target && nodes.has(target)) queue.push(target);
    }
  }
  for (const node of nodes) {
    if (reached.has(node) || node.$type === 'bpmn:StartEvent' || node.$type === 'bpmn:BoundaryEvent' || isEventSubProcess(node)) {
      continue;
    }
    if (noneStarts.length === 0) continue; // already reported: NO_NONE_START_EVENT
    if (linkName(node) !== undefined && node.$type === 'bpmn:IntermediateCatchEvent' && ![...jumps.values()].includes(node)) continue; // LINK_UNMATCHED
    const why = (incoming.get(node) ?? []).length === 0 ? 'has no incoming sequence flow' : 'cannot be reached from the start event';
    ctx.report('UNREACHABLE', `${label(node)} ${why}`, node);
  }
}
