/*
 * Inclusive (OR) gateways run as blocks: an inclusive fork and the inclusive join that closes
 * it. At run time the fork tells its join how many branches it activated and the join waits
 * for exactly that many tokens (src/engine/inclusive-gateway.ts). That count is right only
 * when every activated branch brings exactly one token to the join, so the shape is checked
 * here, once, for publishing and for compiling alike.
 */

export interface FlowGraphNode {
  id: string;
  type: string;
  /** Targets of outgoing sequence flows; a host also leads to its boundary events. */
  next: string[];
  prev: string[];
  /** Boundary events: false when non-interrupting. */
  interrupting?: boolean;
}

export type FlowGraph = Map<string, FlowGraphNode>;

export interface BlockProblem {
  code: 'INCLUSIVE_JOIN_UNMATCHED' | 'INCLUSIVE_BLOCK_SHAPE';
  elementId: string;
  message: string;
}

export interface InclusiveBlocks {
  /** fork id → id of the join that closes it. */
  joinOf: Map<string, string>;
  /** join id → fork id. */
  forkOf: Map<string, string>;
  problems: BlockProblem[];
}

const INCLUSIVE = 'bpmn:InclusiveGateway';
const PARALLEL = 'bpmn:ParallelGateway';

interface ModdleLike {
  $type: string;
  id?: string;
  flowElements?: ModdleLike[];
  sourceRef?: ModdleLike;
  targetRef?: ModdleLike;
  attachedToRef?: ModdleLike;
  cancelActivity?: boolean;
  eventDefinitions?: { $type: string; name?: string }[];
}

/** The name of a link event (throw or catch), if the element is one. */
function linkOf(el: ModdleLike): string | undefined {
  const definition = el.eventDefinitions?.length === 1 ? el.eventDefinitions[0] : undefined;
  return definition?.$type === 'bpmn:LinkEventDefinition' ? (definition.name ?? '').trim() : undefined;
}

/** The sequence-flow graph of one process or embedded sub-process (its own level only). */
export function flowGraphOf(container: ModdleLike): FlowGraph {
  const graph: FlowGraph = new Map();
  const elements = Array.isArray(container.flowElements) ? container.flowElements : [];
  for (const el of elements) {
    if (el.$type === 'bpmn:SequenceFlow' || typeof el.id !== 'string') continue;
    graph.set(el.id, { id: el.id, type: el.$type, next: [], prev: [], ...(el.$type === 'bpmn:BoundaryEvent' ? { interrupting: el.cancelActivity !== false } : {}) });
  }
  const link = (from: string | undefined, to: string | undefined) => {
    const a = from === undefined ? undefined : graph.get(from);
    const b = to === undefined ? undefined : graph.get(to);
    if (!a || !b) return;
    a.next.push(b.id);
    b.prev.push(a.id);
  };
  const linkCatches = new Map<string, string>();
  for (const el of elements) {
    const name = linkOf(el);
    if (name && el.$type === 'bpmn:IntermediateCatchEvent' && el.id) linkCatches.set(name, el.id);
  }
  for (const el of elements) {
    if (el.$type === 'bpmn:SequenceFlow') link(el.sourceRef?.id, el.targetRef?.id);
    else if (el.$type === 'bpmn:BoundaryEvent') link(el.attachedToRef?.id, el.id);
    else if (el.$type === 'bpmn:IntermediateThrowEvent') link(el.id, linkCatches.get(linkOf(el) ?? '')); // a link jumps like a flow
  }
  return graph;
}

/** Sequence flows out of a node (the edges to its boundary events are not flows). */
function seqOut(graph: FlowGraph, node: FlowGraphNode): number {
  return node.next.filter((id) => !(graph.get(id)?.type === 'bpmn:BoundaryEvent')).length;
}

function seqIn(graph: FlowGraph, node: FlowGraphNode): number {
  return node.type === 'bpmn:BoundaryEvent' ? 0 : node.prev.length;
}

/**
 * The nodes strictly between `fork` and `join` when `join` closes `fork`: every path leaving
 * the fork reaches the join, nothing else enters the block, and no path loops back to the
 * fork or from the join into the block. Undefined otherwise.
 */
export function blockBetween(graph: FlowGraph, fork: string, join: string): Set<string> | undefined {
  const forward = new Set<string>();
  const queue = [...(graph.get(fork)?.next ?? [])];
  let reachesJoin = false;
  while (queue.length > 0) {
    const id = queue.pop() as string;
    if (id === join) {
      reachesJoin = true;
      continue;
    }
    if (id === fork) return undefined; // a loop back to the fork inside the block
    if (forward.has(id)) continue;
    forward.add(id);
    queue.push(...(graph.get(id)?.next ?? []));
  }
  if (!reachesJoin) return undefined;
  const backward = new Set<string>();
  queue.push(...(graph.get(join)?.prev ?? []));
  while (queue.length > 0) {
    const id = queue.pop() as string;
    if (id === fork) continue;
    if (id === join || !forward.has(id)) return undefined; // entered from outside, or a loop through the join
    if (backward.has(id)) continue;
    backward.add(id);
    queue.push(...(graph.get(id)?.prev ?? []));
  }
  if (backward.size !== forward.size) return undefined; // a path of the block that never reaches the join
  return forward;
}

export function analyseInclusive(graph: FlowGraph): InclusiveBlocks {
  const joinOf = new Map<string, string>();
  const forkOf = new Map<string, string>();
  const problems: BlockProblem[] = [];
  const nodes = [...graph.values()];
  const forks = nodes.filter((n) => n.type === INCLUSIVE && seqOut(graph, n) > 1);
  const joins = nodes.filter((n) => n.type === INCLUSIVE && seqIn(graph, n) > 1);

  for (const node of nodes) {
    if (node.type === INCLUSIVE && seqIn(graph, node) > 1 && seqOut(graph, node) > 1) {
      problems.push({
        code: 'INCLUSIVE_BLOCK_SHAPE',
        elementId: node.id,
        message:
          `inclusive gateway ${node.id} both joins and splits; draw two gateways: an inclusive join, then an inclusive fork / ` +
          `cổng bao hàm ${node.id} vừa gộp vừa tách nhánh; hãy vẽ hai cổng riêng: một cổng gộp, rồi một cổng tách`,
      });
    }
  }

  for (const join of joins) {
    if (seqOut(graph, join) > 1) continue; // reported above
    const blocks = forks.map((fork) => ({ fork, inside: blockBetween(graph, fork.id, join.id) })).filter((b) => b.inside);
    // Nested blocks: the innermost fork is the one whose block is smallest.
    blocks.sort((a, b) => (a.inside?.size ?? 0) - (b.inside?.size ?? 0));
    const found = blocks[0];
    if (!found?.inside) {
      problems.push({
        code: 'INCLUSIVE_JOIN_UNMATCHED',
        elementId: join.id,
        message:
          `inclusive join ${join.id} does not close one inclusive fork: every path leaving the fork must reach this join, nothing else may enter it ` +
          `and no path may loop back into it. To merge alternative paths use an exclusive gateway; to wait for all branches use a parallel gateway / ` +
          `cổng gộp bao hàm ${join.id} không khép đúng một cổng tách bao hàm: mọi nhánh từ cổng tách phải tới cổng gộp này, không nhánh nào khác đi vào ` +
          `và không có vòng lặp quay vào. Để gộp các nhánh loại trừ, dùng cổng loại trừ (XOR); để chờ mọi nhánh, dùng cổng song song`,
      });
      continue;
    }
    joinOf.set(found.fork.id, join.id);
    forkOf.set(join.id, found.fork.id);
    problems.push(...tokenProblems(graph, found.fork.id, join.id, found.inside, forks));
  }
  return { joinOf, forkOf, problems };
}

/** Inside a block every branch must carry one token: splits inside it must close inside it. */
function tokenProblems(graph: FlowGraph, fork: string, join: string, inside: Set<string>, forks: FlowGraphNode[]): BlockProblem[] {
  const problems: BlockProblem[] = [];
  const shape = (elementId: string, en: string, vi: string) =>
    problems.push({ code: 'INCLUSIVE_BLOCK_SHAPE', elementId, message: `${en} (between inclusive fork ${fork} and its join ${join}) / ${vi} (giữa cổng tách bao hàm ${fork} và cổng gộp ${join})` });
  const closedInside = (id: string, joinType: string) =>
    [...inside].some((other) => graph.get(other)?.type === joinType && blockBetween(graph, id, other) !== undefined);
  for (const id of inside) {
    const node = graph.get(id);
    if (!node) continue;
    const out = seqOut(graph, node);
    if (node.type === 'bpmn:BoundaryEvent' && node.interrupting === false) {
      shape(id, `non-interrupting boundary event ${id} would send a second token to the join; make it interrupting or draw it outside the block`,
        `sự kiện biên không ngắt ${id} sẽ tạo thêm một nhánh tới cổng gộp; hãy để nó ngắt, hoặc vẽ ra ngoài khối`);
    } else if (node.type === PARALLEL && out > 1 && !closedInside(id, PARALLEL)) {
      shape(id, `parallel fork ${id} is not closed by a parallel join inside the branch`, `cổng tách song song ${id} không được khép bằng cổng gộp song song trong cùng nhánh`);
    } else if (node.type === PARALLEL && seqIn(graph, node) > 1 && ![...inside].some((f) => graph.get(f)?.type === PARALLEL && blockBetween(graph, f, id))) {
      shape(id, `parallel join ${id} waits for branches of the inclusive fork, which may not all be taken; use an inclusive join`,
        `cổng gộp song song ${id} chờ các nhánh của cổng tách bao hàm, mà không phải nhánh nào cũng được đi; hãy dùng cổng gộp bao hàm`);
    } else if (node.type === INCLUSIVE && out > 1 && !forks.some((f) => f.id === id && closedInside(id, INCLUSIVE))) {
      shape(id, `inclusive fork ${id} is not closed by an inclusive join inside the branch`, `cổng tách bao hàm ${id} không được khép bằng cổng gộp bao hàm trong cùng nhánh`);
    } else if (!node.type.endsWith('Gateway') && out > 1) {
      shape(id, `${id} has ${out} outgoing flows, which split the branch; draw a gateway instead`, `${id} có ${out} luồng ra làm tách nhánh; hãy vẽ một cổng thay thế`);
    }
  }
  return problems;
}

/** Fork → join pairs of every process and embedded sub-process of a parsed diagram. */
export function inclusiveBlocksOf(elementsById: Record<string, unknown>): InclusiveBlocks {
  const all: InclusiveBlocks = { joinOf: new Map(), forkOf: new Map(), problems: [] };
  for (const raw of Object.values(elementsById)) {
    const el = raw as ModdleLike;
    if (el.$type !== 'bpmn:Process' && el.$type !== 'bpmn:SubProcess') continue;
    const graph = flowGraphOf(el);
    if (![...graph.values()].some((n) => n.type === INCLUSIVE)) continue;
    const found = analyseInclusive(graph);
    for (const [k, v] of found.joinOf) all.joinOf.set(k, v);
    for (const [k, v] of found.forkOf) all.forkOf.set(k, v);
    all.problems.push(...found.problems);
  }
  return all;
}
