import { parseExpression, parseUnaryTests } from 'feelin';

/*
 * Conditions built only from names, literals, comparisons, boolean logic, paths, lists,
 * intervals, if/then/else and + - * / cost time proportional to the expression and the
 * values it touches (case data is capped at 1 MiB), with nothing that can loop, recurse,
 * backtrack or grow numbers: they are evaluated inline. Anything else (function calls,
 * filters, `**`, ...) goes to the bounded thread (feel-sandbox.ts). This keeps the common
 * `approved = true` off a thread hop whose wall-clock deadline a busy machine could miss.
 */
const INLINE_NODES = new Set([
  'Expression', 'Expressions', 'Comparison', 'CompareOp', 'VariableName', 'Identifier', 'Name', 'Key',
  'BooleanLiteral', 'NumericLiteral', 'StringLiteral', 'null', 'and', 'or', 'Conjunction', 'Disjunction',
  'PathExpression', 'PathName', '.', 'in', 'PositiveUnaryTest', 'PositiveUnaryTests', 'SimplePositiveUnaryTest',
  'List', '[', ']', ',', 'between', 'Interval', '(', ')', '..', 'ParenthesizedExpression',
  'IfExpression', 'if', 'then', 'else', 'ArithmeticExpression', 'ArithOp', 'Context', '{', '}', 'ContextEntry', ':',
  'PositionalParameters',
]);

/** Decision-table cells (src/decisions) are unary tests: `-`, `not(...)`, `< 5`, `"a","b"`. */
const UNARY_NODES = new Set([...INLINE_NODES, 'UnaryTests', 'Wildcard', 'not', 'PositiveUnaryTest', '?']);

const MAX_CACHED = 2000;
const verdicts = new Map<string, boolean>();

/** True when `source` may be evaluated on the calling thread (see above). */
export function isInlineCost(source: string, kind: 'expression' | 'unaryTests' = 'expression'): boolean {
  const cacheKey = kind === 'expression' ? source : `\u0000${source}`;
  const cached = verdicts.get(cacheKey);
  if (cached !== undefined) return cached;
  const allowed = kind === 'expression' ? INLINE_NODES : UNARY_NODES;
  const parse = kind === 'expression' ? parseExpression : parseUnaryTests;
  let inline = true;
  try {
    parse(source, {}, undefined).iterate({
      enter(ref) {
        if (!inline) return false;
        const name = ref.type.name;
        if (ref.type.isError) inline = false;
        else if (name === 'FunctionInvocation') inline = /^not\s*\(/.test(source.slice(ref.from, ref.to));
        else if (name === 'ArithOp') inline = source.slice(ref.from, ref.to).trim() !== '**';
        else if (!allowed.has(name)) inline = false;
        return inline ? undefined : false;
      },
    });
  } catch {
    inline = false;
  }
  if (verdicts.size >= MAX_CACHED) verdicts.clear();
  verdicts.set(cacheKey, inline);
  return inline;
}
