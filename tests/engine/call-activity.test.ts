import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateDiagram } from '../../src/engine/validation/index.js';
import { compileProcedure } from '../../src/engine/procedure-compiler.js';
import { runStep, type StepAction } from '../../src/engine/step-runner.js';
import { isoDurationResolver } from '../../src/engine/timer-due.js';
import { childCaseIdFor, childInput, childUnit, parentOutput } from '../../src/engine/call-activity.js';
import type { CallWait, Wait } from '../../src/domain/case.js';

const fixture = (name: string) => readFileSync(`tests/fixtures/call-activities/${name}`, 'utf8');

async function compiled(xml: string) {
  const outcome = await validateDiagram(xml, { plugins: new Set() });
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.problems));
  return compileProcedure(outcome.processId, 1, outcome.moddleContext);
}

async function problemsOf(xml: string) {
  const outcome = await validateDiagram(xml, { plugins: new Set() });
  return outcome.ok ? [] : outcome.problems.map((p) => `${p.code} ${p.elementId ?? ''}`);
}

const withCall = (attrs: string, extension = '', processId = 'p') => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="D" targetNamespace="x">
  <bpmn:process id="${processId}" isExecutable="true">
    <bpmn:startEvent id="S"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:callActivity id="C" ${attrs}><bpmn:extensionElements>${extension}</bpmn:extensionElements><bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing></bpmn:callActivity>
    <bpmn:endEvent id="E"><bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="C" />
    <bpmn:sequenceFlow id="F2" sourceRef="C" targetRef="E" />
  </bpmn:process>
</bpmn:definitions>`;

describe('call activities at publish', () => {
  it('reads Camunda 7 bindings and mappings', async () => {
    const p = await compiled(fixture('ca-parent.bpmn'));
    const spec = p.catalog.get('CallChild')?.call;
    expect(spec).toMatchObject({
      calledElement: 'ca-child',
      binding: { kind: 'latest' },
      inAll: false,
      inputs: [{ source: 'applicant', target: 'applicant' }, { source: 'request.amount', target: 'amount' }],
      outAll: false,
      outputs: [{ source: 'decision', target: 'childDecision' }],
      unit: '=childUnit',
      flavour: 'camunda7',
    });
    expect((await compiled(fixture('ca-parent-v1.bpmn'))).catalog.get('CallChild')?.call?.binding).toEqual({ kind: 'version', version: 1 });
    expect((await compiled(fixture('ca-parent-tag.bpmn'))).catalog.get('CallChild')?.call?.binding).toEqual({ kind: 'versionTag', versionTag: 'first' });
    expect((await compiled(fixture('ca-child.bpmn'))).catalog.get('ca-child')?.versionTag).toBe('first');
  });

  it('reads Zeebe calledElement and ioMapping', async () => {
    const xml = withCall(
      'name="Z"',
      '<zeebe:calledElement processId="child" propagateAllChildVariables="false" /><zeebe:ioMapping><zeebe:input source="=a.b" target="x" /><zeebe:output source="=result" target="childResult" /></zeebe:ioMapping><zeebe:properties><zeebe:property name="unit" value="so-tu-phap" /></zeebe:properties>',
    );
    const spec = (await compiled(xml)).catalog.get('C')?.call;
    expect(spec).toMatchObject({
      calledElement: 'child',
      binding: { kind: 'latest' },
      inAll: false,
      inputs: [{ source: 'a.b', target: 'x' }],
      outAll: false,
      outputs: [{ source: 'result', target: 'childResult' }],
      unit: 'so-tu-phap',
      flavour: 'zeebe',
    });
    // Without mappings Zeebe passes every variable both ways.
    const plain = (await compiled(withCall('', '<zeebe:calledElement processId="child" />'))).catalog.get('C')?.call;
    expect(plain).toMatchObject({ inAll: true, outAll: true });
  });

  it('refuses what cannot run, with a code per reason', async () => {
    expect(await problemsOf(withCall(''))).toContain('CALL_ELEMENT_MISSING C');
    expect(await problemsOf(withCall('calledElement="${procedure}"'))).toContain('CALL_ELEMENT_EXPRESSION C');
    expect(await problemsOf(withCall('', '<zeebe:calledElement processId="=which" />'))).toContain('CALL_ELEMENT_EXPRESSION C');
    expect(await problemsOf(withCall('calledElement="p"'))).toContain('CALL_SELF C');
    expect(await problemsOf(withCall('calledElement="x" camunda:calledElementBinding="version" camunda:calledElementVersion="two"'))).toContain('CALL_BINDING_INVALID C');
    expect(await problemsOf(withCall('calledElement="x" camunda:calledElementBinding="versionTag"'))).toContain('CALL_BINDING_INVALID C');
    expect(await problemsOf(withCall('calledElement="x"', '<camunda:in sourceExpression="${a + 1}" target="b" />'))).toContain('CALL_MAPPING_UNSUPPORTED C');
    expect(await problemsOf(withCall('calledElement="x"', '<camunda:in businessKey="${key}" />'))).toContain('CALL_MAPPING_UNSUPPORTED C');
    expect(await problemsOf(withCall('calledElement="x"', '<camunda:in source="a" target="b" /><camunda:out variables="all" />'))).toEqual([]);
  });
});

describe('call activities in the engine', () => {
  const run = async (procedure: Awaited<ReturnType<typeof compiled>>, state: unknown, waits: Wait[], action: StepAction, variables: Record<string, unknown> = {}) => {
    const out = await runStep({ procedure, caseId: 'parent-1', engineState: state, variables, waits, action, now: new Date(), resolveDuration: isoDurationResolver });
    return { ...out, engineState: JSON.parse(JSON.stringify(out.engineState)) as unknown };
  };

  async function atCall() {
    const procedure = await compiled(fixture('ca-parent.bpmn'));
    const started = await run(procedure, null, [], { type: 'start' });
    const prepare = started.waits.find((w) => w.activityId === 'Prepare')!;
    const calling = await run(procedure, started.engineState, started.waits, { type: 'signal', wait: prepare });
    return { procedure, calling };
  }

  it('waits at the call activity for a child whose id follows from case and execution', async () => {
    const { calling } = await atCall();
    // The error boundary waits inside the engine: no task for it.
    expect(calling.waits.map((w) => `${w.kind}:${w.activityId}`)).toEqual(['call:CallChild']);
    const wait = calling.waits[0] as CallWait;
    expect(wait).toMatchObject({ calledElement: 'ca-child', attempt: 0, jobId: `call-parent-1-${wait.executionId}-0` });
    expect(wait.childCaseId).toBe(childCaseIdFor('parent-1', wait.executionId, 0));
    expect(childCaseIdFor('parent-1', wait.executionId, 1)).not.toBe(wait.childCaseId);
  });

  it('goes on when the child answers, and takes the boundary when it answers with its error', async () => {
    const { procedure, calling } = await atCall();
    const wait = calling.waits[0]!;
    const done = await run(procedure, calling.engineState, calling.waits, { type: 'signal', wait });
    expect(done.waits.map((w) => w.activityId)).toEqual(['After']);
    const refused = await run(procedure, calling.engineState, calling.waits, { type: 'callError', wait, code: 'REFUSED', message: 'no' });
    expect(refused.status).toBe('active');
    expect(refused.waits.map((w) => w.activityId)).toEqual(['HandleRefusal']);
    // An error nothing catches is an engine error (the case service makes it an incident).
    const other = await run(procedure, calling.engineState, calling.waits, { type: 'callError', wait, code: 'OTHER', message: 'no' });
    expect(other.status).toBe('error');
  });

  it("reports a child's uncaught error end event as the case's end error", async () => {
    const procedure = await compiled(fixture('ca-child.bpmn'));
    const started = await run(procedure, null, [], { type: 'start' });
    const review = started.waits[0]!;
    const refused = await run(procedure, started.engineState, started.waits, { type: 'signal', wait: review }, { refuse: true });
    expect(refused.status).toBe('completed');
    expect(refused.endError).toEqual({ code: 'REFUSED', message: 'Refused' });
    const fine = await run(procedure, started.engineState, started.waits, { type: 'signal', wait: review }, { refuse: false });
    expect(fine.status).toBe('completed');
    expect(fine.endError).toBeUndefined();
  });

  it('maps variables in and out, and picks the unit', async () => {
    const spec = (await compiled(fixture('ca-parent.bpmn'))).catalog.get('CallChild')!.call!;
    const parent = { applicant: 'Nguyễn Văn A', request: { amount: 3 }, secret: 'x', childUnit: 'u-b' };
    expect(childInput(spec, parent)).toEqual({ applicant: 'Nguyễn Văn A', amount: 3 });
    expect(parentOutput(spec, { decision: 'ok', internal: 1 })).toEqual({ childDecision: 'ok' });
    expect(childUnit(spec, parent, 'u-a')).toBe('u-b');
    expect(childUnit(spec, {}, 'u-a')).toBeNull();
    expect(childUnit({ ...spec, unit: undefined }, parent, 'u-a')).toBe('u-a');
    expect(childUnit({ ...spec, unit: 'fixed' }, parent, 'u-a')).toBe('fixed');
  });
});
