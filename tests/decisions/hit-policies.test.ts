import { describe, expect, it } from 'vitest';
import { parseDmn } from '../../src/decisions/dmn-parse.js';
import { evaluateDecision, feelResult } from '../../src/decisions/evaluate.js';
import { mapDecisionResult, type DecisionTaskSpec } from '../../src/decisions/decision-task.js';
import type { DecisionTable } from '../../src/decisions/types.js';
import { dmn, type TableSpec } from './support.js';

async function table(spec: TableSpec): Promise<DecisionTable[]> {
  const parsed = await parseDmn(dmn(spec));
  expect(parsed.problems).toEqual([]);
  return parsed.tables;
}

const category = { expression: 'category' };
const copies = { expression: 'copies', typeRef: 'integer' };

describe('hit policies', () => {
  it('UNIQUE picks the one matching rule, none gives no result, two matching is an error', async () => {
    const tables = await table({
      inputs: [category],
      outputs: [{ name: 'fee', typeRef: 'number' }],
      rules: [[['"citizen"'], ['2000']], [['"business"'], ['5000']], [['"citizen","veteran"'], ['0']]],
    });
    expect(evaluateDecision(tables, 'fee', { category: 'business' }).results).toEqual([{ fee: 5000 }]);
    expect(evaluateDecision(tables, 'fee', { category: 'other' }).results).toEqual([]);
    expect(() => evaluateDecision(tables, 'fee', { category: 'citizen' })).toThrow(expect.objectContaining({ code: 'DECISION_UNIQUE_VIOLATED' }));
  });

  it('FIRST takes the first matching rule in table order', async () => {
    const tables = await table({
      hitPolicy: 'FIRST',
      inputs: [copies],
      outputs: [{ name: 'band' }],
      rules: [[['> 10'], ['"many"']], [['> 2'], ['"some"']], [['-'], ['"few"']]],
    });
    expect(evaluateDecision(tables, 'fee', { copies: 20 }).results).toEqual([{ band: 'many' }]);
    expect(evaluateDecision(tables, 'fee', { copies: 5 }).results).toEqual([{ band: 'some' }]);
    expect(evaluateDecision(tables, 'fee', { copies: 1 }).matchedRules).toEqual(['fee_r2']);
  });

  it('PRIORITY ranks matches by the order of the output values, not of the rules', async () => {
    const tables = await table({
      hitPolicy: 'PRIORITY',
      inputs: [{ expression: 'age', typeRef: 'number' }],
      outputs: [{ name: 'level', values: '"high","medium","low"' }],
      rules: [[['-'], ['"low"']], [['>= 60'], ['"high"']], [['>= 18'], ['"medium"']]],
    });
    expect(evaluateDecision(tables, 'fee', { age: 70 }).results).toEqual([{ level: 'high' }]);
    expect(evaluateDecision(tables, 'fee', { age: 30 }).results).toEqual([{ level: 'medium' }]);
    expect(evaluateDecision(tables, 'fee', { age: 5 }).results).toEqual([{ level: 'low' }]);
  });

  it('ANY accepts several matches with equal outputs and refuses different ones', async () => {
    const tables = await table({
      hitPolicy: 'ANY',
      inputs: [{ expression: 'age', typeRef: 'number' }, { expression: 'disabled', typeRef: 'boolean' }],
      outputs: [{ name: 'exempt', typeRef: 'boolean' }],
      rules: [[['>= 80', '-'], ['true']], [['-', 'true'], ['true']], [['< 16', 'false'], ['false']]],
    });
    expect(evaluateDecision(tables, 'fee', { age: 85, disabled: true }).results).toEqual([{ exempt: true }]);
    expect(() => evaluateDecision(tables, 'fee', { age: 10, disabled: false, extra: 1 })).not.toThrow();
    const conflicting = await table({
      hitPolicy: 'ANY',
      inputs: [{ expression: 'age', typeRef: 'number' }],
      outputs: [{ name: 'exempt', typeRef: 'boolean' }],
      rules: [[['>= 80'], ['true']], [['> 50'], ['false']]],
    });
    expect(() => evaluateDecision(conflicting, 'fee', { age: 90 })).toThrow(expect.objectContaining({ code: 'DECISION_ANY_CONFLICT' }));
  });

  it('COLLECT returns every match in rule order; RULE ORDER too; OUTPUT ORDER sorts them by priority', async () => {
    const rules: TableSpec['rules'] = [[['> 0'], ['"stamp"']], [['> 5'], ['"bulk"']], [['-'], ['"base"']]];
    const collect = await table({ hitPolicy: 'COLLECT', inputs: [copies], outputs: [{ name: 'item' }], rules });
    expect(feelResult(evaluateDecision(collect, 'fee', { copies: 7 }))).toEqual(['stamp', 'bulk', 'base']);
    const ruleOrder = await table({ hitPolicy: 'RULE ORDER', inputs: [copies], outputs: [{ name: 'item' }], rules });
    expect(evaluateDecision(ruleOrder, 'fee', { copies: 3 }).results).toEqual([{ item: 'stamp' }, { item: 'base' }]);
    const outputOrder = await table({ hitPolicy: 'OUTPUT ORDER', inputs: [copies], outputs: [{ name: 'item', values: '"base","bulk","stamp"' }], rules });
    expect(feelResult(evaluateDecision(outputOrder, 'fee', { copies: 7 }))).toEqual(['base', 'bulk', 'stamp']);
  });

  it('COLLECT with SUM, MIN, MAX and COUNT aggregates the single output', async () => {
    const rules: TableSpec['rules'] = [[['"copy"'], ['2000']], [['-'], ['1000 * copies']], [['"express"'], ['50000']]];
    const of = async (aggregation: string) =>
      table({ hitPolicy: 'COLLECT', aggregation, inputs: [{ expression: 'kind' }], outputs: [{ name: 'fee', typeRef: 'number' }], rules });
    const vars = { kind: 'copy', copies: 3 };
    expect(feelResult(evaluateDecision(await of('SUM'), 'fee', vars))).toBe(5000);
    expect(feelResult(evaluateDecision(await of('MIN'), 'fee', vars))).toBe(2000);
    expect(feelResult(evaluateDecision(await of('MAX'), 'fee', { kind: 'express', copies: 1 }))).toBe(50000);
    expect(feelResult(evaluateDecision(await of('COUNT'), 'fee', { kind: 'express', copies: 1 }))).toBe(2);
    const none = await table({ hitPolicy: 'COLLECT', aggregation: 'SUM', inputs: [{ expression: 'kind' }], outputs: [{ name: 'fee', typeRef: 'number' }], rules: [[['"x"'], ['1']]] });
    expect(feelResult(evaluateDecision(none, 'fee', { kind: 'y' }))).toBeNull();
    const count = await table({ hitPolicy: 'COLLECT', aggregation: 'COUNT', inputs: [{ expression: 'kind' }], outputs: [{ name: 'fee', typeRef: 'number' }], rules: [[['"x"'], ['1']]] });
    expect(feelResult(evaluateDecision(count, 'fee', { kind: 'y' }))).toBe(0);
  });
});

describe('inputs, outputs and types', () => {
  it('evaluates input expressions over the case data and output entries as FEEL', async () => {
    const tables = await table({
      inputs: [{ expression: 'applicant.category' }, { expression: 'count(documents)', typeRef: 'integer' }],
      outputs: [{ name: 'fee', typeRef: 'number' }, { name: 'note' }],
      rules: [
        [['"citizen"', '<= 2'], ['2000 * count(documents)', '"per page"']],
        [['"citizen"', '> 2'], ['4000 + 1000 * (count(documents) - 2)', '"reduced from the third page"']],
      ],
    });
    const outcome = evaluateDecision(tables, 'fee', { applicant: { category: 'citizen' }, documents: [1, 2, 3, 4] });
    expect(outcome.results).toEqual([{ fee: 6000, note: 'reduced from the third page' }]);
    expect(feelResult(outcome)).toEqual({ fee: 6000, note: 'reduced from the third page' });
  });

  it('converts text from forms to the typed column and refuses a value of another type', async () => {
    const typed = await table({ inputs: [copies], outputs: [{ name: 'fee', typeRef: 'number' }], rules: [[['> 2'], ['price']], [['<= 2'], ['label']]] });
    // "3" from a form is the integer 3 for the input test; "3000" is the number 3000 for the output.
    expect(evaluateDecision(typed, 'fee', { copies: '3', price: '3000' }).results).toEqual([{ fee: 3000 }]);
    expect(() => evaluateDecision(typed, 'fee', { copies: 1, label: 'free' })).toThrow(expect.objectContaining({ code: 'DECISION_TYPE_MISMATCH' }));
    expect(() => evaluateDecision(typed, 'fee', { copies: 2.5 })).toThrow(expect.objectContaining({ code: 'DECISION_TYPE_MISMATCH' }));
  });

  it('evaluates required decisions first and exposes their result under their id', async () => {
    const parsed = await parseDmn(
      dmn(
        { id: 'total', requires: ['perCopy'], inputs: [{ expression: 'perCopy', typeRef: 'number' }], outputs: [{ name: 'total', typeRef: 'number' }], rules: [[['-'], ['perCopy * copies']]] },
        { id: 'perCopy', hitPolicy: 'FIRST', inputs: [category], outputs: [{ name: 'perCopy', typeRef: 'number' }], rules: [[['"business"'], ['5000']], [['-'], ['2000']]] },
      ),
    );
    expect(parsed.problems).toEqual([]);
    expect(feelResult(evaluateDecision(parsed.tables, 'total', { category: 'business', copies: 2 }))).toBe(10000);
  });
});

describe('mapDecisionResult (Camunda 7)', () => {
  const spec = (mapResult: DecisionTaskSpec['mapResult']): DecisionTaskSpec => ({ decisionRef: 'fee', binding: 'latest', resultVariable: 'r', mapResult, flavour: 'camunda7' });
  const outcome = (results: Record<string, unknown>[]) => ({ decisionId: 'fee', matchedRules: results.map((_, i) => `r${i}`), results, multiple: results.length > 1 });

  it('maps one rule with one output to singleEntry, singleResult, collectEntries and resultList', () => {
    const one = outcome([{ fee: 2000 }]);
    expect(mapDecisionResult(one, spec('singleEntry'))).toBe(2000);
    expect(mapDecisionResult(one, spec('singleResult'))).toEqual({ fee: 2000 });
    expect(mapDecisionResult(one, spec('collectEntries'))).toEqual([2000]);
    expect(mapDecisionResult(one, spec('resultList'))).toEqual([{ fee: 2000 }]);
    expect(mapDecisionResult(outcome([]), spec('singleEntry'))).toBeNull();
  });

  it('refuses a mapping that cannot hold the result', () => {
    expect(() => mapDecisionResult(outcome([{ fee: 1 }, { fee: 2 }]), spec('singleEntry'))).toThrow(expect.objectContaining({ code: 'DECISION_RESULT_NOT_SINGLE' }));
    expect(() => mapDecisionResult(outcome([{ fee: 1, note: 'x' }]), spec('collectEntries'))).toThrow(expect.objectContaining({ code: 'DECISION_RESULT_NOT_SINGLE' }));
    expect(mapDecisionResult(outcome([{ fee: 1 }, { fee: 2 }]), spec('collectEntries'))).toEqual([1, 2]);
  });
});
