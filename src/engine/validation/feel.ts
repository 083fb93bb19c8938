import { parseExpression } from 'feelin';

/** Longest condition accepted at publish (characters of FEEL, after `feelSource`). */
export const MAX_CONDITION_LENGTH = 1000;

/**
 * The FEEL source of a sequence-flow condition body: surrounding whitespace and one
 * leading `=` (Camunda 8 style, `= amount > 100`) removed. The runtime must evaluate
 * exactly this string, so publish-time checks and evaluation agree.
 */
export function feelSource(body: string): string {
  const trimmed = body.trim();
  return trimmed.startsWith('=') ? trimmed.slice(1).trim() : trimmed;
}

/** True when the body is written in JUEL / bpmn-engine expression syntax rather than FEEL. */
export function looksLikeJuel(source: string): boolean {
  return source.includes('${') || source.includes('#{');
}

interface NodeLike {
  name: string;
  from: number;
  to: number;
  parent: NodeLike | null;
  nextSibling: NodeLike | null;
  enterUnfinishedNodesBefore(pos: number): NodeLike;
}

/**
 * Parses FEEL without evaluating it (evaluation could loop: `for i in 1..1e9 ...`).
 * Returns undefined when the expression parses, else a message in the words of feelin's
 * own linter (`Unrecognized token <X> in <Y>`, `Incomplete <Y>`) with the position.
 */
export function feelSyntaxError(source: string): string | undefined {
  if (source === '') return 'the condition is empty';
  if (source.length > MAX_CONDITION_LENGTH) {
    return `the condition is ${source.length} characters long; at most ${MAX_CONDITION_LENGTH} are accepted`;
  }
  let message: string | undefined;
  try {
    const tree = parseExpression(source, {}, undefined);
    tree.iterate({
      enter(ref) {
        if (message !== undefined) return false;
        if (!ref.type.isError) return undefined;
        message = describeError(source, ref.node as unknown as NodeLike, ref.to);
        return false;
      },
    });
  } catch (error) {
    message = `the FEEL parser failed: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (message === undefined) message = unboundedConstruct(source);
  if (message === undefined && hasDoubleEquals(source)) {
    // Parses (as a comparison with a unary test) but always evaluates to null.
    message = 'FEEL compares with a single "=" (and "!=" for not equal); "==" never matches';
  }
  return message;
}

/**
 * The rule that keeps every condition's cost linear in the case data (docs/diagrams.md,
 * "Limits"): no iteration (`for`, `some`, `every`), no user functions (`function(x) ...`,
 * which could recurse), and no filter inside the brackets of another filter (`a[b[...]]`,
 * quadratic). Ranges stay lazy in feelin (`x in [1..1000000]` is a comparison), so they are allowed.
 */
const REFUSED: Record<string, string> = {
  ForExpression: '"for ... return" iterations',
  QuantifiedExpression: '"some" / "every" iterations',
  FunctionDefinition: 'function definitions',
};

export const UNBOUNDED_PREFIX = 'unbounded:';

function unboundedConstruct(source: string): string | undefined {
  let message: string | undefined;
  const predicates: { from: number; to: number }[] = [];
  try {
    parseExpression(source, {}, undefined).iterate({
      enter(ref) {
        if (message !== undefined) return false;
        const what = REFUSED[ref.type.name];
        if (what !== undefined) {
          message = `${UNBOUNDED_PREFIX} ${what} are not allowed in conditions (their cost has no bound), at ${at(source, ref.from, ref.to)}`;
          return false;
        }
        if (ref.type.name === 'FilterExpression') {
          if (predicates.some((p) => ref.from >= p.from && ref.from < p.to)) {
            message = `${UNBOUNDED_PREFIX} a filter inside the brackets of another filter is not allowed (its cost grows with the square of the data), at ${at(source, ref.from, ref.to)}`;
            return false;
          }
          const open = (ref.node as unknown as { getChild(name: string): { to: number } | null }).getChild('[');
          if (open) predicates.push({ from: open.to, to: ref.to });
        }
        return undefined;
      },
    });
  } catch (error) {
    message = `the FEEL parser failed: ${error instanceof Error ? error.message : String(error)}`;
  }
  return message;
}

/** `==` outside string literals. */
function hasDoubleEquals(source: string): boolean {
  let inString = false;
  for (let i = 0; i < source.length; i += 1) {
    const char = source[i];
    if (inString) {
      if (char === '\\') i += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') {
      inString = true;
    } else if (char === '=' && source[i + 1] === '=') {
      return true;
    }
  }
  return false;
}

function describeError(source: string, node: NodeLike, to: number): string {
  const parentName = node.parent?.name ?? 'Expression';
  if (node.from !== node.to) {
    return `Unrecognized token in <${parentName}> at ${at(source, node.from, node.to)}`;
  }
  let next: NodeLike | null = null;
  for (let cursor: NodeLike | null = node; cursor && !next; cursor = cursor.parent) next = cursor.nextSibling;
  if (next) return `Unrecognized token <${next.name}> in <${parentName}> at ${at(source, next.from, next.to)}`;
  const unfinished = node.parent?.enterUnfinishedNodesBefore(to);
  return `Incomplete <${unfinished?.name ?? parentName}> at the end of the expression`;
}

function at(source: string, from: number, to: number): string {
  const text = source.slice(from, Math.min(to, from + 40));
  return `character ${from + 1}: "${text}"`;
}
