import { describe, expect, it } from 'vitest';
import { validateDiagram } from '../../src/engine/validation/index.js';
import { compileProcedure } from '../../src/engine/procedure-compiler.js';
import { runStep } from '../../src/engine/step-runner.js';
import { isoDurationResolver } from '../../src/engine/timer-due.js';
import { engineErrorCode } from '../../src/engine/engine-errors.js';
import { bpmnErrorOf, BpmnError } from '../../src/plugins/plugin-host.js';
import type { Wait } from '../../src/domain/case.js';

// A plugin's BpmnError reaches the engine as the service task's failure (step-runner failService).
const f = (id: string, from: string, to: string) => `<sequenceFlow id="${id}" sourceRef="${from}" targetRef="${to}"/>`;
const doc = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="http://example.org">
<error id="err1" errorCode="THIEU_GIAY_TO"/>
<process id="P" isExecutable="true"><startEvent id="s"/>${f('f0', 's', 'check')}
<serviceTask id="check" camunda:type="external" camunda:topic="check-documents"/>${f('f1', 'check', 'ok')}<userTask id="ok"/>${f('f2', 'ok', 'e')}<endEvent id="e"/>
${body}</process></definitions>`;

async function failWith(xml: string, code: string) {
  const outcome = await validateDiagram(xml, { plugins: new Set(['check-documents']) });
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.problems));
  const procedure = compileProcedure(outcome.processId, 1, outcome.moddleContext);
  const base = { procedure, caseId: 'c1', variables: {}, now: new Date(), resolveDuration: isoDurationResolver };
  const started = await runStep({ ...base, engineState: null, waits: [], action: { type: 'start' } });
  const wait = started.waits.find((w) => w.kind === 'service') as Wait;
  const state = JSON.parse(JSON.stringify(started.engineState)) as unknown;
  return runStep({ ...base, engineState: state, waits: started.waits, action: { type: 'failService', wait, error: { code, message: 'thiếu giấy tờ' } } });
}

describe('BPMN errors raised by plugins', () => {
  it('a boundary error event with the code catches it: the case goes its way, no incident', async () => {
    const boundary = `<boundaryEvent id="b" attachedToRef="check"><errorEventDefinition errorRef="err1"/></boundaryEvent>${f('f3', 'b', 'supplement')}<userTask id="supplement"/>${f('f4', 'supplement', 'e2')}<endEvent id="e2"/>`;
    const outcome = await failWith(doc(boundary), 'THIEU_GIAY_TO');
    expect(outcome.status).toBe('active');
    expect(outcome.waits.map((w) => `${w.kind}:${w.activityId}`)).toEqual(['task:supplement']);
  });

  it('an error event sub-process with the code catches it', async () => {
    const esp = `<subProcess id="R" triggeredByEvent="true"><startEvent id="rs"><errorEventDefinition errorRef="err1"/></startEvent>${f('g0', 'rs', 'refuse')}<userTask id="refuse"/>${f('g1', 'refuse', 're')}<endEvent id="re"/></subProcess>`;
    const outcome = await failWith(doc(esp), 'THIEU_GIAY_TO');
    expect(outcome.status).toBe('active');
    expect(outcome.waits.map((w) => `${w.kind}:${w.activityId}`)).toEqual(['task:refuse']);
  });

  it('another code is not caught: the step fails with that code (the case service makes it an incident)', async () => {
    const boundary = `<boundaryEvent id="b" attachedToRef="check"><errorEventDefinition errorRef="err1"/></boundaryEvent>${f('f3', 'b', 'e2')}<endEvent id="e2"/>`;
    const outcome = await failWith(doc(boundary), 'KHAC');
    expect(outcome.status).toBe('error');
    expect(engineErrorCode(outcome.error)).toBe('KHAC');
  });

  it('bpmnErrorOf reads a plugin BpmnError, not other errors', () => {
    expect(bpmnErrorOf(new BpmnError('THIEU_GIAY_TO', 'x'))).toEqual({ code: 'THIEU_GIAY_TO', message: 'x' });
    expect(bpmnErrorOf(new Error('x'))).toBeUndefined();
    expect(bpmnErrorOf(new BpmnError('bad code with spaces'))).toBeUndefined();
  });
});
