import { describe, expect, it } from 'vitest';
import { compileProcedure } from '../../src/engine/procedure-compiler.js';
import { codes, expectInvalid, expectValid, idsWith } from './helpers.js';

// Publish-time rules of event sub-processes, escalation events and timer start events.
const f = (id: string, from: string, to: string) => `<sequenceFlow id="${id}" sourceRef="${from}" targetRef="${to}"/>`;
const NS = {
  c7: 'xmlns:camunda="http://camunda.org/schema/1.0/bpmn"',
  c8: 'xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:modeler="http://camunda.org/schema/modeler/1.0" modeler:executionPlatform="Camunda Cloud"',
};
const doc = (body: string, opts: { ns?: string; start?: string; props?: string } = {}) => `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" ${opts.ns ?? NS.c7} id="d" targetNamespace="http://example.org">
<message id="m1" name="rut_ho_so"/><error id="err1" errorCode="E1"/><escalation id="esc1" escalationCode="ESC1"/><escalation id="escNoCode"/>
<process id="P" isExecutable="true">${opts.props ?? ''}${opts.start ?? '<startEvent id="s"/>'}${f('f0', 's', 'A')}<userTask id="A"/>${f('f1', 'A', 'e')}<endEvent id="e"/>${body}</process></definitions>`;
const esp = (trigger: string, interrupting = true, extra = '') =>
  `<subProcess id="esp" triggeredByEvent="true"><startEvent id="es" isInterrupting="${interrupting}">${trigger}</startEvent>${extra}
   ${f('g0', 'es', 'et')}<userTask id="et"/>${f('g1', 'et', 'ee')}<endEvent id="ee"/></subProcess>`;
const timerStart = (kind: string, text: string) => `<startEvent id="s"><timerEventDefinition><${kind}>${text}</${kind}></timerEventDefinition></startEvent>`;
const unitC7 = '<extensionElements><camunda:properties><camunda:property name="unitId" value="u1"/></camunda:properties></extensionElements>';
const unitC8 = '<extensionElements><zeebe:properties><zeebe:property name="unitId" value="u1"/></zeebe:properties></extensionElements>';

describe('event sub-processes', () => {
  it('accepts message, timer, error and escalation starts, interrupting or not', async () => {
    for (const [trigger, interrupting] of [
      ['<messageEventDefinition messageRef="m1"/>', true],
      ['<messageEventDefinition messageRef="m1"/>', false],
      ['<timerEventDefinition><timeDuration>P10D</timeDuration></timerEventDefinition>', true],
      ['<timerEventDefinition><timeCycle>R3/P1D</timeCycle></timerEventDefinition>', false],
      ['<errorEventDefinition errorRef="err1"/>', true],
      ['<escalationEventDefinition escalationRef="esc1"/>', false],
    ] as const) {
      await expectValid(doc(esp(trigger, interrupting)));
    }
  });

  it('refuses a sequence flow into it, two starts, a non-interrupting error start, an interrupting cycle', async () => {
    expect(idsWith(await expectInvalid(doc(esp('<messageEventDefinition messageRef="m1"/>') + f('fx', 'A', 'esp'))), 'EVENT_SUBPROCESS_FLOW')).toEqual(['fx']);
    const two = await expectInvalid(doc(esp('<messageEventDefinition messageRef="m1"/>', true, '<startEvent id="es2"><messageEventDefinition messageRef="m1"/></startEvent>')));
    expect(idsWith(two, 'EVENT_SUBPROCESS_START')).toEqual(['esp']);
    expect(idsWith(await expectInvalid(doc(esp('<errorEventDefinition errorRef="err1"/>', false))), 'EVENT_SUBPROCESS_START')).toEqual(['es']);
    const cycle = await expectInvalid(doc(esp('<timerEventDefinition><timeCycle>R3/P1D</timeCycle></timerEventDefinition>', true)));
    expect(idsWith(cycle, 'INVALID_TIMER')).toEqual(['es']);
  });

  it('compiles the message and timer starts without their trigger for the engine (the service arms them)', async () => {
    const outcome = await expectValid(doc(esp('<messageEventDefinition messageRef="m1"/>')));
    const procedure = compileProcedure(outcome.processId, 1, outcome.moddleContext);
    expect(procedure.catalog.get('es')?.eventSubProcess).toEqual({ espId: 'esp', startId: 'es', scopeId: 'P', interrupting: true, trigger: 'message' });
    const activities = (procedure.sourceContext as { elements: { activities: { id: string; behaviour: { eventDefinitions?: unknown } }[] } }).elements.activities;
    expect(activities.find((a) => a.id === 'es')?.behaviour.eventDefinitions).toBeUndefined();
  });
});

describe('escalation events', () => {
  it('accepts coded throws and boundary catches; refuses a throw without a code', async () => {
    const body = `${f('f2', 'A', 'sub')}`;
    await expectValid(
      doc(`<subProcess id="sub"><startEvent id="ss"/>${f('g0', 'ss', 'th')}<intermediateThrowEvent id="th"><escalationEventDefinition escalationRef="esc1"/></intermediateThrowEvent>
        ${f('g1', 'th', 'se')}<endEvent id="se"><escalationEventDefinition escalationRef="esc1"/></endEvent></subProcess>${body}${f('f3', 'sub', 'e3')}<endEvent id="e3"/>
        <boundaryEvent id="bx" attachedToRef="sub" cancelActivity="false"><escalationEventDefinition/></boundaryEvent>${f('f4', 'bx', 'e4')}<endEvent id="e4"/>`),
    );
    const noCode = await expectInvalid(
      doc(`<intermediateThrowEvent id="t1"><escalationEventDefinition escalationRef="escNoCode"/></intermediateThrowEvent><intermediateThrowEvent id="t2"><escalationEventDefinition/></intermediateThrowEvent>`),
    );
    expect(idsWith(noCode, 'MISSING_ESCALATION_CODE').sort()).toEqual(['t1', 't2']);
  });
});

describe('timer start events', () => {
  it('accepts a date, an unbounded cycle with its start, a cron; the unit from camunda:properties or zeebe:properties', async () => {
    await expectValid(doc('', { start: timerStart('timeDate', '2027-01-01T08:00:00+07:00'), props: unitC7 }));
    await expectValid(doc('', { start: timerStart('timeCycle', 'R/2026-01-01T08:00:00+07:00/P1M'), props: unitC7 }));
    const c8 = await expectValid(doc('', { ns: NS.c8, start: timerStart('timeCycle', '0 0 8 1 * *'), props: unitC8 }));
    expect(compileProcedure(c8.processId, 1, c8.moddleContext).catalog.get('s')).toEqual(expect.objectContaining({ timerStart: true, scheduleUnit: 'u1' }));
  });

  it('refuses a duration, a storm and a schedule without its unit', async () => {
    expect(codes(await expectInvalid(doc('', { start: timerStart('timeDuration', 'PT1H'), props: unitC7 })))).toEqual(['INVALID_TIMER']);
    for (const storm of ['R/PT1S', 'R1000000/PT10S', '* * * * * *']) {
      expect(codes(await expectInvalid(doc('', { start: timerStart('timeCycle', storm), props: unitC7 }))), storm).toEqual(['TIMER_CYCLE_LIMIT']);
    }
    expect(codes(await expectInvalid(doc('', { start: timerStart('timeCycle', 'R/P1D') })))).toEqual(['TIMER_START_UNIT']);
  });
});
