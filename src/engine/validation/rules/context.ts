import type { ModdleElement } from 'bpmn-moddle';
import type { DiagramSummary, Problem } from '../index.js';
import { idOf, label } from '../model.js';

/** What every rule module shares: the options, the problems found, the summary being built. */

export interface RuleOptions {
  plugins: ReadonlySet<string>;
  isValidDuration: (text: string) => boolean;
  /** Characters of FEEL parsed per diagram; conditions beyond it are refused unchecked. */
  maxFeelCharacters: number;
}

export class RuleContext {
  readonly problems: Problem[] = [];
  readonly summary: DiagramSummary = { userTasks: [], serviceTasks: [], messages: [], processProperties: {} };
  /** Messages already in the summary. */
  readonly messageIds = new Set<string>();
  /** FEEL characters checked so far (conditions.ts). */
  feelCharacters = 0;
  /** Camunda Modeler in Camunda 8 mode: advice names Zeebe properties, not Camunda 7 ones. */
  zeebeMode = false;

  constructor(
    readonly options: RuleOptions,
    /** Checks an embedded sub-process like the process (given by scope.ts, which owns the walk). */
    readonly checkScope: (container: ModdleElement, depth: number) => void,
  ) {}

  report(code: string, message: string, element?: ModdleElement | string): void {
    const elementId = typeof element === 'string' ? element : idOf(element);
    const p: Problem = { code, message };
    if (elementId !== undefined) p.elementId = elementId;
    this.problems.push(p);
  }

  unsupported(element: ModdleElement, why: string): void {
    this.report('UNSUPPORTED_ELEMENT', `${label(element)}: ${why}`, element);
  }

  customDuration(text: string): boolean {
    try {
      return this.options.isValidDuration(text) === true;
    } catch {
      return false;
    }
  }
}

/** A check of one kind of flow node. The first rule in NODE_RULES listing a node's $type checks it. */
export interface NodeRule {
  readonly types: readonly string[];
  check(node: ModdleElement, ctx: RuleContext, depth: number): void;
}

/** One process or embedded sub-process, with its sequence flows resolved. */
export interface Scope {
  container: ModdleElement;
  /** "process X" / "sub-process X", for messages. */
  where: string;
  nodes: ReadonlySet<ModdleElement>;
  flows: readonly ModdleElement[];
  outgoing: ReadonlyMap<ModdleElement, ModdleElement[]>;
  incoming: ReadonlyMap<ModdleElement, ModdleElement[]>;
}

/** A check over a whole scope (e.g. what leaves each gateway, link pairs). */
export interface ScopeRule {
  check(scope: Scope, ctx: RuleContext): void;
}
