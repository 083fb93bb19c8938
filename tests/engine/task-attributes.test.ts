import { describe, expect, it } from 'vitest';
import { compileProcedure } from '../../src/engine/procedure-compiler.js';
import { runStep, type TaskForm } from '../../src/engine/step-runner.js';
import { isoDurationResolver } from '../../src/engine/timer-due.js';
import type { ValidOutcome } from '../../src/engine/validation/index.js';
import { codes, expectInvalid, expectValid, linear } from '../validation/helpers.js';

const ZEEBE_NS = 'xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:xsi=';
const zeebeDoc = (element: string, id: string) => linear(element, id).replace('xmlns:xsi=', ZEEBE_NS);

async function firstTask(outcome: ValidOutcome, now: Date) {
  const procedure = compileProcedure(outcome.processId, 1, outcome.moddleContext);
  const step = await runStep({
    procedure,
    caseId: 'c1',
    engineState: null,
    variables: {},
    waits: [],
    action: { type: 'start' },
    now,
    resolveDuration: isoDurationResolver,
  });
  const wait = step.waits.find((w) => w.kind === 'task');
  if (wait?.kind !== 'task') throw new Error(`no task opened: ${JSON.stringify(step.waits)}`);
  return wait as typeof wait & TaskForm;
}

describe('Camunda 8 (Zeebe) task attributes', () => {
  it('assignment, schedule and form of a user task reach the task', async () => {
    const xml = zeebeDoc(
      `<userTask id="t" name="Thẩm định"><extensionElements>
        <zeebe:assignmentDefinition assignee="chuyenvien1" candidateGroups="phong-tn, phong-kt"/>
        <zeebe:taskSchedule dueDate="P3D"/>
        <zeebe:formDefinition formId="tham-dinh"/>
      </extensionElements></userTask>`,
      't',
    );
    const outcome = await expectValid(xml);
    expect(outcome.summary.userTasks[0]).toMatchObject({ assignee: 'chuyenvien1', candidateGroups: ['phong-tn', 'phong-kt'], formKey: 'tham-dinh', dueDate: 'P3D' });
    const now = new Date('2026-03-02T02:00:00Z');
    const task = await firstTask(outcome, now);
    expect(task).toMatchObject({ assignee: 'chuyenvien1', candidateGroups: ['phong-tn', 'phong-kt'], formKey: 'tham-dinh' });
    expect(task.dueDate).toBe('2026-03-05T02:00:00.000Z');
  });

  it('a service task with a Zeebe task type calls that plugin', async () => {
    const outcome = await expectValid(zeebeDoc('<serviceTask id="s"><extensionElements><zeebe:taskDefinition type="echo" retries="3"/></extensionElements></serviceTask>', 's'));
    expect(outcome.summary.serviceTasks).toEqual([{ id: 's', name: 's', topic: 'echo' }]);
    const procedure = compileProcedure(outcome.processId, 1, outcome.moddleContext);
    const step = await runStep({
      procedure, caseId: 'c2', engineState: null, variables: {}, waits: [], action: { type: 'start' }, now: new Date(), resolveDuration: isoDurationResolver,
    });
    expect(step.waits).toMatchObject([{ kind: 'service', activityId: 's', topic: 'echo' }]);
  });

  it('advice for a Zeebe export names Zeebe properties, never "Implementation → External"', async () => {
    const refused = await expectInvalid(zeebeDoc('<serviceTask id="s"/>', 's'));
    expect(codes(refused)).toEqual(['MISSING_TOPIC']);
    expect(refused.problems[0]?.message).toContain('Task definition');
    expect(refused.problems[0]?.message).not.toContain('External');
    const unknown = await expectInvalid(zeebeDoc('<serviceTask id="s"><extensionElements><zeebe:taskDefinition type="nope"/></extensionElements></serviceTask>', 's'));
    expect(codes(unknown)).toEqual(['UNKNOWN_PLUGIN']);
  });

  it('FEEL-valued assignments are refused, not dropped', async () => {
    const refused = await expectInvalid(
      zeebeDoc('<userTask id="t"><extensionElements><zeebe:assignmentDefinition candidateGroups="=groups"/></extensionElements></userTask>', 't'),
    );
    expect(codes(refused)).toEqual(['UNSUPPORTED_ELEMENT']);
    expect(refused.problems[0]?.message).toContain('candidateGroups');
  });
});

describe('Camunda 7 dueDate, formKey, formData', () => {
  it('are carried onto the task', async () => {
    const xml = linear(
      `<userTask id="t" camunda:formKey="embedded:app:forms/tham-dinh.html" camunda:dueDate="2026-04-01T17:00:00+07:00"><extensionElements>
        <camunda:formData>
          <camunda:formField id="ketLuan" label="Kết luận" type="string"><camunda:validation><camunda:constraint name="required"/></camunda:validation></camunda:formField>
          <camunda:formField id="soNgay" type="long" defaultValue="5"/>
        </camunda:formData>
      </extensionElements></userTask>`,
      't',
    );
    const task = await firstTask(await expectValid(xml), new Date('2026-03-02T02:00:00Z'));
    expect(task.formKey).toBe('embedded:app:forms/tham-dinh.html');
    expect(task.dueDate).toBe('2026-04-01T10:00:00.000Z');
    expect(task.formFields).toEqual([
      { id: 'ketLuan', label: 'Kết luận', type: 'string', required: true },
      { id: 'soNgay', label: 'soNgay', type: 'long', defaultValue: '5' },
    ]);
  });

  it('a due date that is neither a date-time nor a duration is refused', async () => {
    const refused = await expectInvalid(linear('<userTask id="t" camunda:dueDate="${later}"/>', 't'));
    expect(codes(refused)).toEqual(['INVALID_TIMER']);
    const bad = await expectInvalid(linear('<userTask id="t" camunda:dueDate="tomorrow"/>', 't'));
    expect(codes(bad)).toEqual(['INVALID_TIMER']);
  });
});
