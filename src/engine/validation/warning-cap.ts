import { Reader } from 'moddle-xml';
import type { BpmnModdle } from 'bpmn-moddle';

/*
 * bpmn-moddle's lax reader turns each element it cannot place (and each text where none is
 * allowed) into a warning, and each warning counts lines from the start of the document:
 * n warnings in s characters cost n·s. After `cap` of them in one parse, the handlers
 * below skip the rest silently instead, so a parse costs at most cap·s plus linear work.
 */

interface Handler {
  handleNode(node: unknown): unknown;
  handleText(text: string): void;
  handleEnd(): void;
}

interface Budget {
  left: number;
  skipped: number;
}

let active: Budget | undefined;

/** Swallows an element and everything inside it. */
const silent: Handler = {
  handleNode: () => silent,
  handleText: () => undefined,
  handleEnd: () => undefined,
};

let installed = false;

function install(moddle: BpmnModdle): void {
  if (installed) return;
  installed = true;
  const root = new Reader({ model: moddle, lax: true }).handler('bpmn:Definitions') as { referenceHandler(p: unknown): object };
  // Element handlers and the handler of references (<incoming>…) that throws on children.
  const starts = [Object.getPrototypeOf(root) as object, Object.getPrototypeOf(root.referenceHandler({})) as object];
  const patched = new Set<object>();
  const protos = new Set<object>();
  for (const start of starts) {
    for (let proto: object | null = start; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object | null) protos.add(proto);
  }
  for (const proto of protos) {
    const own = proto as Partial<Handler>;
    for (const method of ['handleNode', 'handleText'] as const) {
      const original = Object.prototype.hasOwnProperty.call(own, method) ? own[method] : undefined;
      if (typeof original !== 'function' || patched.has(original)) continue;
      patched.add(original);
      const wrapped = function (this: Handler, arg: unknown): unknown {
        try {
          return (original as (a: unknown) => unknown).call(this, arg);
        } catch (error) {
          const budget = active;
          if (!budget) throw error;
          if (budget.left > 0) {
            budget.left -= 1;
            throw error;
          }
          budget.skipped += 1;
          return method === 'handleNode' ? silent : undefined;
        }
      };
      (own as Record<string, unknown>)[method] = wrapped;
    }
  }
}

/** Parses with at most `cap` costly warnings; `skipped` counts the problems not reported. */
export async function fromXmlCapped(moddle: BpmnModdle, xml: string, cap: number): Promise<{ result: Awaited<ReturnType<BpmnModdle['fromXML']>>; skipped: number }> {
  install(moddle);
  const budget: Budget = { left: cap, skipped: 0 };
  active = budget;
  let pending: ReturnType<BpmnModdle['fromXML']>;
  try {
    // The reader parses synchronously inside this call; only the answer is a promise.
    pending = moddle.fromXML(xml);
  } finally {
    active = undefined;
  }
  try {
    return { result: await pending, skipped: budget.skipped };
  } catch (error) {
    (error as { skipped?: number }).skipped = budget.skipped;
    throw error;
  }
}
