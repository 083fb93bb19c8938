import { describe, expect, it } from 'vitest';
import checkDecisions from '../../src/decisions/check-worker.js';
import { evaluateDecision } from '../../src/decisions/evaluate.js';
import { EXPRESSION_LIMIT } from '../../src/engine/feel-sandbox.js';
import { dmn, type TableSpec } from './support.js';

async function publishable(spec: TableSpec) {
  const outcome = await checkDecisions(dmn(spec));
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.problems));
  return outcome.decisions[0]?.tables ?? [];
}

describe('hostile decision tables', () => {
  it('refuses unbounded FEEL at publish (iteration, user functions)', async () => {
    for (const cell of ['some x in 1..1000000000 satisfies x > 1', 'function(n) n']) {
      const outcome = await checkDecisions(dmn({ inputs: [{ expression: 'a' }], outputs: [{ name: 'r' }], rules: [[['-'], [cell]]] }));
      expect(outcome.ok ? [] : outcome.problems.map((p) => p.code)).toContain('UNBOUNDED_EXPRESSION');
    }
  });

  it('bounds a backtracking regular expression in an input entry: EXPRESSION_LIMIT, and the evaluator still answers', async () => {
    const tables = await publishable({
      hitPolicy: 'FIRST',
      inputs: [{ expression: 'name' }],
      outputs: [{ name: 'ok', typeRef: 'boolean' }],
      rules: [[['matches(?, "^(a+)+$")'], ['true']], [['-'], ['false']]],
    });
    expect(() => evaluateDecision(tables, 'fee', { name: `${'a'.repeat(40)}!` })).toThrow(expect.objectContaining({ code: EXPRESSION_LIMIT }));
    expect(evaluateDecision(tables, 'fee', { name: 'aaaa' }).results).toEqual([{ ok: true }]);
  });

  it('caps the cells one evaluation may spend', async () => {
    const rules: TableSpec['rules'] = Array.from({ length: 200 }, (_, i) => [[`${i}`], [`${i}`]]);
    const tables = await publishable({ hitPolicy: 'COLLECT', inputs: [{ expression: 'n', typeRef: 'number' }], outputs: [{ name: 'r', typeRef: 'number' }], rules });
    expect(() => evaluateDecision(tables, 'fee', { n: 1 }, { maxCells: 50, maxMs: 60_000 })).toThrow(expect.objectContaining({ code: EXPRESSION_LIMIT }));
    expect(evaluateDecision(tables, 'fee', { n: 1 }).results).toEqual([{ r: 1 }]);
  });
});
