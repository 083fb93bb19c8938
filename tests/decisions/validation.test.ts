import { describe, expect, it } from 'vitest';
import checkDecisions from '../../src/decisions/check-worker.js';
import { dmn, type TableSpec } from './support.js';

const base: TableSpec = {
  inputs: [{ expression: 'category' }],
  outputs: [{ name: 'fee', typeRef: 'number' }],
  rules: [[['"citizen"'], ['2000']], [['"business"'], ['5000']]],
};

async function codes(xml: string): Promise<string[]> {
  const outcome = await checkDecisions(xml);
  return outcome.ok ? [] : outcome.problems.map((p) => p.code);
}

async function problems(xml: string) {
  const outcome = await checkDecisions(xml);
  if (outcome.ok) throw new Error('expected the file to be refused');
  return outcome.problems;
}

describe('decision validation at publish', () => {
  it('accepts a well-formed table and hashes it independently of layout', async () => {
    const outcome = await checkDecisions(dmn(base));
    expect(outcome.ok).toBe(true);
    const spaced = await checkDecisions(dmn(base).replace(/></g, '>\n  <'));
    if (!outcome.ok || !spaced.ok) throw new Error('unexpected refusal');
    expect(spaced.decisions[0]?.hash).toBe(outcome.decisions[0]?.hash);
  });

  it('refuses malformed XML, a DOCTYPE, another DMN version and an empty file', async () => {
    expect(await codes('<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/"><decision id="a">')).toEqual(['DMN_MALFORMED']);
    expect(await codes(`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]>${dmn(base).replace(/^<\?xml[^>]*>/, '')}`)).toEqual(['XML_FORBIDDEN']);
    expect(await codes(dmn(base).replace('https://www.omg.org/spec/DMN/20191111/MODEL/', 'http://www.omg.org/spec/DMN/20151101/dmn.xsd'))).toEqual(['DMN_VERSION_UNSUPPORTED']);
    expect(await codes('')).toEqual(['DMN_MALFORMED']);
  });

  it('refuses an unknown hit policy and misused aggregations, in both languages', async () => {
    const list = await problems(dmn({ ...base, hitPolicy: 'SOMETIMES' }));
    expect(list.map((p) => p.code)).toContain('UNKNOWN_HIT_POLICY');
    expect(list[0]?.message).toMatch(/hit policy "SOMETIMES".*\/ chính sách/);
    expect(await codes(dmn({ ...base, hitPolicy: 'FIRST', aggregation: 'SUM' }))).toContain('AGGREGATION_WITHOUT_COLLECT');
    expect(await codes(dmn({ ...base, hitPolicy: 'COLLECT', aggregation: 'AVERAGE' }))).toContain('UNKNOWN_AGGREGATION');
    expect(
      await codes(dmn({ ...base, hitPolicy: 'COLLECT', aggregation: 'SUM', outputs: [{ name: 'a', typeRef: 'number' }, { name: 'b', typeRef: 'number' }], rules: [[['-'], ['1', '2']]] })),
    ).toContain('AGGREGATION_MULTIPLE_OUTPUTS');
    expect(await codes(dmn({ ...base, hitPolicy: 'PRIORITY' }))).toContain('PRIORITY_WITHOUT_VALUES');
  });

  it('refuses a required decision that does not exist, and cycles', async () => {
    const missing = await problems(dmn({ ...base, requires: ['baseFee'] }));
    expect(missing).toEqual([expect.objectContaining({ code: 'DECISION_NOT_FOUND', elementId: 'fee' })]);
    expect(missing[0]?.message).toContain('"baseFee"');
    const cycle = await codes(dmn({ ...base, id: 'a', requires: ['b'] }, { ...base, id: 'b', requires: ['a'] }));
    expect(cycle).toContain('DECISION_CYCLE');
  });

  it('refuses bad FEEL, unbounded FEEL, typed literals of the wrong type and unknown types', async () => {
    expect(await codes(dmn({ ...base, rules: [[['< <'], ['1']]] }))).toContain('INVALID_FEEL');
    expect(await codes(dmn({ ...base, rules: [[['"a"'], ['1 +']]] }))).toContain('INVALID_FEEL');
    expect(await codes(dmn({ ...base, inputs: [{ expression: '' }] }))).toContain('INVALID_FEEL');
    expect(await codes(dmn({ ...base, inputs: [{ expression: 'for i in 1..100000000 return i' }] }))).toContain('UNBOUNDED_EXPRESSION');
    expect(await codes(dmn({ ...base, rules: [[['"a"'], ['"free"']]] }))).toContain('OUTPUT_TYPE_MISMATCH');
    expect(await codes(dmn({ ...base, outputs: [{ name: 'fee', typeRef: 'money' }] }))).toContain('UNKNOWN_TYPE_REF');
    expect(await codes(dmn({ ...base, hitPolicy: 'PRIORITY', outputs: [{ name: 'fee', typeRef: 'number', values: '1,2' }], rules: [[['-'], ['3']]] }))).toContain('OUTPUT_VALUE_UNLISTED');
  });

  it('reports overlapping rules under UNIQUE where it can tell, and only there', async () => {
    const identical = await problems(dmn({ ...base, rules: [[['"citizen"'], ['1']], [['"citizen"'], ['2']]] }));
    expect(identical).toEqual([expect.objectContaining({ code: 'OVERLAPPING_RULES', elementId: 'fee_r1' })]);
    expect(identical[0]?.message).toMatch(/"fee_r0" and "fee_r1".* \/ bảng dùng chính sách UNIQUE/);
    const twoColumns: TableSpec = {
      inputs: [{ expression: 'category' }, { expression: 'copies', typeRef: 'integer' }],
      outputs: [{ name: 'fee', typeRef: 'number' }],
      rules: [
        [['"citizen","veteran"', '[1..10]'], ['1']],
        [['"veteran"', '>= 10'], ['2']], // overlaps the first at veteran, 10
        [['"citizen"', '> 10'], ['3']], // disjoint from the first on copies, from the second on category
        [['-', '< 1'], ['4']], // disjoint from all on copies
      ],
    };
    const found = await problems(dmn(twoColumns));
    expect(found.map((p) => [p.code, p.elementId])).toEqual([['OVERLAPPING_RULES', 'fee_r1']]);
    // Exclusive bounds and variables: no overlap claimed.
    expect(await codes(dmn({ ...twoColumns, rules: [[['"a"', '< 10'], ['1']], [['"a"', '>= 10'], ['2']], [['"a"', '> limit'], ['3']]] }))).toEqual([]);
    // The same table under FIRST is fine.
    expect(await codes(dmn({ ...twoColumns, hitPolicy: 'FIRST' }))).toEqual([]);
  });

  it('refuses a rule with the wrong number of cells and decision kinds other than tables', async () => {
    expect(await codes(dmn({ ...base, rules: [[['"a"', '"b"'], ['1']]] }))).toContain('RULE_SHAPE');
    const literal = dmn(base).replace(/<decisionTable[^]*<\/decisionTable>/, '<literalExpression id="le"><text>1</text></literalExpression>');
    expect(await codes(literal)).toEqual(['DECISION_KIND_UNSUPPORTED']);
  });
});
