import { describe, expect, it } from 'vitest';
import { evaluateCondition, MAX_EVALUATIONS_PER_STEP } from '../../src/engine/feel.js';
import { ExpressionLimitError, expressionLimitOf, prepareFeelSandbox } from '../../src/engine/feel-sandbox.js';

describe('FEEL evaluation budget', () => {
  it('evaluates conditions as BPMN does: only boolean true takes the branch', async () => {
    await prepareFeelSandbox();
    expect(evaluateCondition('= amount > 100 and status = "open"', { amount: 150, status: 'open' })).toBe(true);
    expect(evaluateCondition('amount > 100', { amount: 50 })).toBe(false);
    expect(evaluateCondition('= missing > 1', {})).toBe(false);
    expect(evaluateCondition('= "yes"', {})).toBe(false);
  });

  it('stops a condition that cannot finish, and the next one runs on a fresh thread', async () => {
    await prepareFeelSandbox();
    let error: unknown;
    try {
      evaluateCondition('= matches(name, "^(a+)+$")', { name: `${'a'.repeat(40)}!` });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ExpressionLimitError);
    expect(expressionLimitOf({ inner: error })).toBe('EXPRESSION_LIMIT');
    expect(evaluateCondition('= matches(name, "^(a+)+$")', { name: 'aaaa' })).toBe(true);
  });

  it('caps the conditions one step (one variables object) may evaluate', async () => {
    await prepareFeelSandbox();
    const variables = { n: 1 };
    for (let i = 0; i < MAX_EVALUATIONS_PER_STEP; i += 1) evaluateCondition('= n = 1', variables);
    expect(() => evaluateCondition('= n = 1', variables)).toThrow(ExpressionLimitError);
    expect(evaluateCondition('= n = 1', { n: 1 })).toBe(true);
  });
});
