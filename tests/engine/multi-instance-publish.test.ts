import { describe, expect, it } from 'vitest';
import { validateDiagram, type InvalidOutcome } from '../../src/engine/validation/index.js';
import { opinionDiagram, type LoopOptions, type Mode } from './multi-instance-diagrams.js';

/** Publish-time checks of multi-instance markers, worded for the modeler mode of the export. */

const options = { plugins: new Set(['echo']) };
const check = (xml: string) => validateDiagram(xml, options);
const problems = async (xml: string) => {
  const outcome = await check(xml);
  expect(outcome.ok, JSON.stringify(outcome)).toBe(false);
  return (outcome as InvalidOutcome).problems;
};
const withLoop = (mode: Mode, loop: string, o: LoopOptions = {}) =>
  opinionDiagram(mode, 'p', o).replace(/<bpmn:multiInstanceLoopCharacteristics[\s\S]*?<\/bpmn:multiInstanceLoopCharacteristics>/, loop);

describe('multi-instance at publish', () => {
  const shapes: LoopOptions[] = [{}, { sequential: true }, { completion: 'nrOfCompletedInstances >= 2' }, { host: 'service' }, { host: 'sub' }];
  for (const mode of ['c7', 'c8'] as const) {
    it(`${mode}: the supported shapes publish`, async () => {
      for (const shape of shapes) {
        const outcome = await check(opinionDiagram(mode, 'p', shape));
        expect(outcome.ok, `${JSON.stringify(shape)}: ${JSON.stringify(outcome)}`).toBe(true);
      }
      expect((await check(opinionDiagram(mode, 'p', { cardinality: mode === 'c7' ? '3' : '=reviewers' }))).ok).toBe(true);
    });
  }

  it('no collection and no cardinality: the setting to fill in, in each mode', async () => {
    const c7 = await problems(withLoop('c7', '<bpmn:multiInstanceLoopCharacteristics/>'));
    expect(c7).toContainEqual(expect.objectContaining({ code: 'INVALID_MULTI_INSTANCE', elementId: 'opinion', message: expect.stringContaining('Multi instance → Collection') }));
    const c8 = await problems(withLoop('c8', '<bpmn:multiInstanceLoopCharacteristics/>'));
    expect(c8).toContainEqual(expect.objectContaining({ code: 'INVALID_MULTI_INSTANCE', message: expect.stringContaining('Input collection (e.g. =departments)') }));
  });

  it('both a collection and a cardinality are refused', async () => {
    const xml = withLoop(
      'c7',
      '<bpmn:multiInstanceLoopCharacteristics camunda:collection="departments" camunda:elementVariable="dept"><bpmn:loopCardinality>3</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics>',
    );
    expect(await problems(xml)).toContainEqual(expect.objectContaining({ code: 'INVALID_MULTI_INSTANCE', message: expect.stringContaining('not both') }));
  });

  it('a JUEL completion condition is refused with the FEEL to write instead', async () => {
    const c7 = await problems(opinionDiagram('c7', 'p', { completion: '${nrOfCompletedInstances >= 2}' }));
    expect(c7).toContainEqual(expect.objectContaining({ code: 'INVALID_CONDITION', message: expect.stringContaining('write the condition in FEEL, e.g. nrOfCompletedInstances >= 2') }));
    const c8 = await problems(opinionDiagram('c8', 'p', { completion: '${nrOfCompletedInstances >= 2}' }).replace('>=${', '>${'));
    expect(c8).toContainEqual(expect.objectContaining({ code: 'INVALID_CONDITION', message: expect.stringContaining('=numberOfCompletedInstances >= 2') }));
  });

  it('a collection written as JUEL beyond a variable, or broken FEEL, is refused; unbounded FEEL too', async () => {
    const juel = opinionDiagram('c7', 'p').replace('camunda:collection="${departments}"', 'camunda:collection="${dossier.getDepartments()}"');
    expect(await problems(juel)).toContainEqual(expect.objectContaining({ code: 'INVALID_MULTI_INSTANCE', message: expect.stringContaining('Multi instance → Collection (camunda:collection)') }));
    const broken = opinionDiagram('c8', 'p').replace('inputCollection="=departments"', 'inputCollection="=departments["');
    expect(await problems(broken)).toContainEqual(expect.objectContaining({ code: 'INVALID_MULTI_INSTANCE', message: expect.stringContaining('Input collection') }));
    const unbounded = opinionDiagram('c8', 'p').replace('inputCollection="=departments"', 'inputCollection="=for d in departments return d"');
    expect((await problems(unbounded)).map((p) => p.code)).toContain('UNBOUNDED_EXPRESSION');
    const badName = opinionDiagram('c8', 'p').replace('inputElement="dept"', 'inputElement="the dept"');
    expect(await problems(badName)).toContainEqual(expect.objectContaining({ code: 'INVALID_MULTI_INSTANCE', message: expect.stringContaining('Input element "the dept" must be a variable name') }));
  });

  it('an output element on a sub-process, and hosts that do not run instances, are refused', async () => {
    const sub = opinionDiagram('c8', 'p', { host: 'sub' }).replace('inputElement="dept"', 'inputElement="dept" outputCollection="r" outputElement="=x"');
    expect(await problems(sub)).toContainEqual(expect.objectContaining({ code: 'INVALID_MULTI_INSTANCE', message: expect.stringContaining('not supported on sub-processes') }));
    const receive = opinionDiagram('c7', 'p').replace(/<bpmn:userTask id="opinion"[^>]*>/, '<bpmn:receiveTask id="opinion">').replace('</bpmn:userTask>\n', '</bpmn:receiveTask>\n');
    expect((await problems(receive)).filter((p) => p.elementId === 'opinion').map((p) => p.code)).toContain('UNSUPPORTED_ELEMENT');
    const standard = withLoop('c7', '<bpmn:standardLoopCharacteristics/>');
    expect(await problems(standard)).toContainEqual(expect.objectContaining({ code: 'UNSUPPORTED_ELEMENT', elementId: 'opinion' }));
  });

  it('a group from the item (=dept) is accepted on a multi-instance task only', async () => {
    const plain = opinionDiagram('c8', 'p').replace(/<bpmn:multiInstanceLoopCharacteristics[\s\S]*?<\/bpmn:multiInstanceLoopCharacteristics>/, '');
    expect(await problems(plain)).toContainEqual(expect.objectContaining({ code: 'UNSUPPORTED_ELEMENT', message: expect.stringContaining('candidateGroups "=dept" is a FEEL expression') }));
  });
});
