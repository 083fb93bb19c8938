import { describe, expect, it } from 'vitest';
import { validateDiagram } from '../../src/engine/validation/index.js';
import { c7Task, camunda7Procedure, zeebeProcedure } from './support.js';

const validate = (xml: string) => validateDiagram(xml, { plugins: new Set() });

async function codes(xml: string): Promise<string[]> {
  const outcome = await validate(xml);
  return outcome.ok ? [] : outcome.problems.map((p) => p.code);
}

describe('business rule tasks at procedure publish', () => {
  it('accepts camunda:decisionRef with a result variable and lists the reference', async () => {
    const outcome = await validate(camunda7Procedure('p1', c7Task('camunda:decisionRef="fee" camunda:resultVariable="fee" camunda:mapDecisionResult="singleEntry"')));
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.problems));
    expect(outcome.summary.decisions).toEqual([{ activityId: 'Fee', decisionRef: 'fee' }]);
    const bound = await validate(camunda7Procedure('p1', c7Task('camunda:decisionRef="fee" camunda:decisionRefBinding="version" camunda:decisionRefVersion="2" camunda:resultVariable="fee"')));
    expect(bound.ok && bound.summary.decisions).toEqual([{ activityId: 'Fee', decisionRef: 'fee', version: 2 }]);
  });

  it('accepts zeebe:calledDecision', async () => {
    const outcome = await validate(zeebeProcedure('p2', 'fee', 'feeResult'));
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.problems));
    expect(outcome.summary.decisions).toEqual([{ activityId: 'Fee', decisionRef: 'fee' }]);
  });

  it('refuses a task without decision, without result variable, with a bad binding or mapping, naming the setting of its mode', async () => {
    const none = await validate(camunda7Procedure('p3', c7Task('')));
    expect(none.ok ? [] : none.problems.map((p) => [p.code, p.elementId])).toEqual([
      ['MISSING_DECISION_REF', 'Fee'],
      ['MISSING_RESULT_VARIABLE', 'Fee'],
    ]);
    expect(none.ok ? '' : none.problems[0]?.message).toMatch(/Decision reference.*\/ tác vụ quy tắc/);
    const zeebe = await validate(zeebeProcedure('p4', '', 'r'));
    expect(zeebe.ok ? '' : zeebe.problems[0]?.message).toContain('Camunda 8');
    expect(await codes(camunda7Procedure('p5', c7Task('camunda:decisionRef="fee" camunda:resultVariable="r" camunda:decisionRefBinding="deployment"')))).toEqual(['INVALID_DECISION_BINDING']);
    expect(await codes(camunda7Procedure('p6', c7Task('camunda:decisionRef="fee" camunda:resultVariable="r" camunda:decisionRefBinding="version"')))).toEqual(['INVALID_DECISION_BINDING']);
    expect(await codes(camunda7Procedure('p7', c7Task('camunda:decisionRef="fee" camunda:resultVariable="r" camunda:mapDecisionResult="everything"')))).toEqual(['INVALID_MAP_DECISION_RESULT']);
    expect(await codes(camunda7Procedure('p8', c7Task('camunda:decisionRef="${feeTable}" camunda:resultVariable="r"')))).toEqual(['MISSING_DECISION_REF']);
  });
});
