import { parseExpression } from 'feelin';

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

const MAX_CACHED = 2000;
const verdicts = new Map<string, boolean>();

/** True when `source` may be evaluated on the calling thread (see above). */
export function isInlineCost(source: string): boolean {
  const cached = verdicts.get(source);
  if (cached !== undefined) return cached;
  let inline = true;
  try {
    parseExpression(source, {}, undefined).iterate({
      enter(ref) {
        if (!inline) return false;
        const name = ref.type.name;
        if (ref.type.isError) inline = false;
        else if (name === 'FunctionInvocation') inline = /^not\s*\(/.test(source.slice(ref.from, ref.to));
        else if (name === 'ArithOp') inline = source.slice(ref.from, ref.to).trim() !== '**';
        else if (!INLINE_NODES.has(name)) inline = false;
        return inline ? undefined : false;
      },
    });
  } catch {
    inline = false;
  }
  if (verdicts.size >= MAX_CACHED) verdicts.clear();
  verdicts.set(source, inline);
  return inline;
}
