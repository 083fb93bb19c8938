import type { ModdleElement } from 'bpmn-moddle';
import { instanceOf, label, list, str } from '../model.js';
import type { RuleContext, ScopeRule } from './context.js';

/*
 * Link events: an intermediate throw jumps to the intermediate catch of the same name in the
 * same process or sub-process (bpmn-elements matches by name). Names are checked here, since a
 * throw without its catch would end the path silently.
 */

export function linkName(node: ModdleElement): string | undefined {
  const definitions = list(node, 'eventDefinitions');
  if (definitions.length !== 1 || definitions[0]?.$type !== 'bpmn:LinkEventDefinition') return undefined;
  return (str(definitions[0], 'name') ?? '').trim();
}

/** Each link throw of a scope → the catch it jumps to (only well-paired ones). */
export function linkJumps(nodes: Iterable<ModdleElement>): Map<ModdleElement, ModdleElement> {
  const catches = new Map<string, ModdleElement[]>();
  const throws: [ModdleElement, string][] = [];
  for (const node of nodes) {
    const name = linkName(node);
    if (name === undefined || name === '') continue;
    if (node.$type === 'bpmn:IntermediateCatchEvent') catches.set(name, [...(catches.get(name) ?? []), node]);
    else if (node.$type === 'bpmn:IntermediateThrowEvent') throws.push([node, name]);
  }
  const jumps = new Map<ModdleElement, ModdleElement>();
  for (const [node, name] of throws) {
    const found = catches.get(name);
    if (found?.length === 1 && found[0]) jumps.set(node, found[0]);
  }
  return jumps;
}

const unmatched = (ctx: RuleContext, node: ModdleElement, en: string, vi: string) => ctx.report('LINK_UNMATCHED', `${label(node)}: ${en} / ${vi}`, node);

/**
 * bpmn-elements delivers a link thrown in a sub-process to a catch of that name in the
 * enclosing process too: a catch name is therefore unique across the whole process tree.
 */
function catchesAcrossScopes(process: ModdleElement, ctx: RuleContext): void {
  const scopesByName = new Map<string, Set<ModdleElement>>();
  const catches = new Map<string, ModdleElement[]>();
  const visit = (container: ModdleElement, depth: number): void => {
    if (depth > 64) return;
    for (const element of list(container, 'flowElements')) {
      const name = linkName(element);
      if (element.$type === 'bpmn:IntermediateCatchEvent' && name) {
        scopesByName.set(name, (scopesByName.get(name) ?? new Set()).add(container));
        catches.set(name, [...(catches.get(name) ?? []), element]);
      }
      if (instanceOf(element, 'bpmn:SubProcess')) visit(element, depth + 1);
    }
  };
  visit(process, 0);
  for (const [name, scopes] of scopesByName) {
    if (scopes.size < 2) continue;
    for (const node of catches.get(name) ?? []) {
      ctx.report('LINK_AMBIGUOUS', `${label(node)}: link catch events named "${name}" are in a sub-process and in the process around it, and a link thrown inside would reach both; give each its own name / ` +
        `sự kiện bắt liên kết tên "${name}" có ở cả quy trình con và quy trình bao ngoài; hãy đặt tên riêng cho mỗi sự kiện`, node);
    }
  }
}

export const linkEvents: ScopeRule = {
  check(scope, ctx) {
    if (scope.container.$type === 'bpmn:Process') catchesAcrossScopes(scope.container, ctx);
    const throwsByName = new Map<string, ModdleElement[]>();
    const catchesByName = new Map<string, ModdleElement[]>();
    for (const node of scope.nodes) {
      const name = linkName(node);
      if (name === undefined) continue;
      const isThrow = node.$type === 'bpmn:IntermediateThrowEvent';
      if (name === '') {
        unmatched(ctx, node, 'a link event needs a name, the same on the throw and on its catch', 'sự kiện liên kết cần có tên, giống nhau ở điểm ném và điểm bắt');
        continue;
      }
      const byName = isThrow ? throwsByName : catchesByName;
      byName.set(name, [...(byName.get(name) ?? []), node]);
      if (isThrow && (scope.outgoing.get(node) ?? []).length > 0) {
        unmatched(ctx, node, 'a link throw event ends its path; remove its outgoing flow', 'sự kiện ném liên kết kết thúc nhánh; hãy bỏ luồng ra của nó');
      }
      if (!isThrow && (scope.incoming.get(node) ?? []).length > 0) {
        unmatched(ctx, node, 'a link catch event starts a path; remove its incoming flow', 'sự kiện bắt liên kết bắt đầu một nhánh; hãy bỏ luồng vào của nó');
      }
    }
    for (const [name, throws] of throwsByName) {
      if (catchesByName.has(name)) continue;
      for (const node of throws) {
        unmatched(ctx, node, `no link catch event named "${name}" in ${scope.where}; draw one with that name, or correct the name`,
          `không có sự kiện bắt liên kết tên "${name}" trong cùng quy trình; hãy vẽ một sự kiện bắt cùng tên hoặc sửa tên`);
      }
    }
    for (const [name, catches] of catchesByName) {
      if (catches.length > 1) {
        for (const node of catches) {
          ctx.report('LINK_AMBIGUOUS', `${label(node)}: ${catches.length} link catch events are named "${name}" in ${scope.where}; give each its own name / ` +
            `có ${catches.length} sự kiện bắt liên kết cùng tên "${name}"; hãy đặt tên riêng cho mỗi sự kiện`, node);
        }
      } else if (!throwsByName.has(name)) {
        for (const node of catches) {
          unmatched(ctx, node, `no link throw event named "${name}" in ${scope.where} leads here; draw one with that name, or correct the name`,
            `không có sự kiện ném liên kết tên "${name}" dẫn tới đây; hãy vẽ một sự kiện ném cùng tên hoặc sửa tên`);
        }
      }
    }
  },
};
