import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type TestService } from '../support/harness.js';
import { TEST_UNIT_ID, createTestUnit } from '../support/auth.js';
import { diagram, linear, withBoundary } from './helpers.js';

/*
 * Issue 7 §1 over HTTP against the real stack: FEEL that cannot be bounded is refused at
 * publish, FEEL that blows its budget at run time becomes an incident, per-diagram limits
 * answer 422 with their own code, case data is capped, and re-publishing an equal diagram
 * (or a curl -d mangled one) does not make a new version.
 */

let svc: TestService;
const UNIT = 'tinh-thu';

beforeAll(async () => {
  svc = await startService('limits');
  await createTestUnit(svc);
  const unit = await svc.inject({ method: 'POST', url: '/v1/units', payload: { id: UNIT, code: '000.00.00.H99', name: 'UBND tỉnh Thử', kind: 'province' } });
  expect(unit.statusCode).toBe(201);
});
afterAll(async () => {
  await svc?.destroy();
});

const xmlHeaders = { 'content-type': 'application/xml' };

async function publish(xml: string, headers: Record<string, string> = xmlHeaders) {
  const res = await svc.inject({ method: 'POST', url: '/v1/procedures', headers, payload: xml });
  return { status: res.statusCode, body: res.json() as Record<string, unknown> & { error?: { code: string; message: string; details?: unknown } } };
}

function problemCodes(body: { error?: { details?: unknown } }): string[] {
  const problems = (body.error?.details as { problems?: { code: string }[] } | undefined)?.problems ?? [];
  return [...new Set(problems.map((p) => p.code))].sort();
}

/** start → gateway → (condition) end_yes | (default) end_no, in process `id`. */
function gateway(id: string, condition: string, before = ''): string {
  const first = before ? 'work' : 'g';
  return diagram(
    `<startEvent id="start"/>
    <sequenceFlow id="f0" sourceRef="start" targetRef="${first}"/>
    ${before ? `${before}<sequenceFlow id="f_work" sourceRef="work" targetRef="g"/>` : ''}
    <exclusiveGateway id="g" default="f_no"/>
    <sequenceFlow id="f_yes" sourceRef="g" targetRef="end_yes"><conditionExpression xsi:type="tFormalExpression">${condition}</conditionExpression></sequenceFlow>
    <sequenceFlow id="f_no" sourceRef="g" targetRef="end_no"/>
    <endEvent id="end_yes"/>
    <endEvent id="end_no"/>`,
  ).replace('<process id="P"', `<process id="${id}"`);
}

describe('FEEL is bounded', () => {
  it('refuses at publish the conditions whose cost has no bound', async () => {
    const hostile = [
      '= for i in 1..100000000 return i',
      '= count(for i in 1..100000000 return i) &gt; 0',
      '= some i in 1..100000000 satisfies i &lt; 0',
      '= every x in list satisfies x &gt; 0',
      '= f(function(n) n) = 1',
      '= count(a[count(b[item &gt; 1]) &gt; 0]) &gt; 0',
    ];
    for (const [i, condition] of hostile.entries()) {
      const { status, body } = await publish(gateway(`feel_hostile_${i}`, condition));
      expect({ condition, status, codes: problemCodes(body) }).toEqual({ condition, status: 422, codes: ['UNBOUNDED_EXPRESSION'] });
    }
    // Ranges are lazy in feelin: an interval test costs the same whatever its bounds.
    expect((await publish(gateway('feel_range', '= amount in [1..100000000]'))).status).toBe(201);
  });

  it('a condition over its runtime budget gives the case an EXPRESSION_LIMIT incident; other cases go on', async () => {
    // Catastrophic backtracking on citizen input: passes publish, cannot finish at run time.
    const xml = gateway('feel_redos', '= matches(name, "^(a+)+$")', '<userTask id="work"/>');
    expect((await publish(xml)).status).toBe(201);

    const start = async (): Promise<{ id: string; tasks: { id: string }[] }> => {
      const res = await svc.inject({ method: 'POST', url: '/v1/cases', payload: { unitId: TEST_UNIT_ID, procedureKey: 'feel_redos', data: {} } });
      expect(res.statusCode).toBe(201);
      return res.json();
    };
    const hostile = await start();
    const friendly = await start();

    const blown = await svc.inject({
      method: 'POST',
      url: `/v1/tasks/${hostile.tasks[0]?.id}/complete`,
      payload: { data: { name: `${'a'.repeat(40)}!` } },
    });
    expect(blown.statusCode).toBe(422);
    expect(blown.json().error.code).toBe('EXPRESSION_LIMIT');
    const incident = (await svc.inject({ method: 'GET', url: `/v1/cases/${hostile.id}` })).json();
    expect(incident).toMatchObject({ status: 'incident', incident: { code: 'EXPRESSION_LIMIT', kind: 'execution' } });

    // The service still serves: the other case takes the branch its data says.
    const done = await svc.inject({ method: 'POST', url: `/v1/tasks/${friendly.tasks[0]?.id}/complete`, payload: { data: { name: 'aaaa' } } });
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ status: 'completed' });

    // The incident waits for a person: nothing retries it on its own, and a retry reopens the task.
    const retried = await svc.inject({ method: 'POST', url: `/v1/cases/${hostile.id}/incidents/retry`, payload: {} });
    expect(retried.statusCode).toBe(200);
    expect(retried.json()).toMatchObject({ status: 'active', tasks: [{ id: hostile.tasks[0]?.id }] });
  });

  it('a condition over its runtime budget at the very start refuses the start and stores nothing', async () => {
    expect((await publish(gateway('feel_redos_start', '= matches(name, "^(a+)+$")'))).status).toBe(201);
    const res = await svc.inject({ method: 'POST', url: '/v1/cases', payload: { unitId: TEST_UNIT_ID, procedureKey: 'feel_redos_start', data: { name: `${'a'.repeat(40)}!` } } });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('EXPRESSION_LIMIT');
    const ok = await svc.inject({ method: 'POST', url: '/v1/cases', payload: { unitId: TEST_UNIT_ID, procedureKey: 'feel_redos_start', data: { name: 'aaa' } } });
    expect(ok.json()).toMatchObject({ status: 'completed' });
  });
});

describe('limits per diagram', () => {
  it('refuses a task with 500 non-interrupting boundary timers', async () => {
    let boundaries = '';
    for (let i = 0; i < 500; i += 1) {
      boundaries += `<boundaryEvent id="b${i}" attachedToRef="work" cancelActivity="false"><timerEventDefinition><timeDuration>PT${i + 1}H</timeDuration></timerEventDefinition></boundaryEvent>
        <sequenceFlow id="fb${i}" sourceRef="b${i}" targetRef="bend${i}"/><endEvent id="bend${i}"/>`;
    }
    const xml = linear('<userTask id="work"/>', 'work', { extra: boundaries }).replace('<process id="P"', '<process id="many_timers"');
    const { status, body } = await publish(xml);
    expect(status).toBe(422);
    expect(problemCodes(body)).toEqual(['TOO_MANY_BOUNDARY_EVENTS', 'TOO_MANY_TIMERS']);
  });

  it('refuses cycles that repeat too often or too fast, and timers that last too long', async () => {
    const cycle = (text: string) =>
      withBoundary(`<boundaryEvent id="b" attachedToRef="work" cancelActivity="false"><timerEventDefinition><timeCycle>${text}</timeCycle></timerEventDefinition></boundaryEvent>`);
    const duration = (text: string) =>
      linear(`<intermediateCatchEvent id="t"><timerEventDefinition><timeDuration>${text}</timeDuration></timerEventDefinition></intermediateCatchEvent>`, 't');
    const refused: [string, string, string][] = [
      ['R1000000/PT0S', cycle('R1000000/PT0S'), 'TIMER_CYCLE_LIMIT'],
      ['R3/PT1S', cycle('R3/PT1S'), 'TIMER_CYCLE_LIMIT'],
      ['R/PT1M', cycle('R/PT1M'), 'INVALID_TIMER'],
      ['P9999Y', duration('P9999Y'), 'TIMER_TOO_LONG'],
      ['P6Y', duration('P6Y'), 'TIMER_TOO_LONG'],
    ];
    for (const [what, xml, code] of refused) {
      const { status, body } = await publish(xml.replace('<process id="P"', `<process id="timer_${what.replace(/\W/g, '_')}"`));
      expect({ what, status, codes: problemCodes(body) }).toEqual({ what, status: 422, codes: [code] });
    }
    expect((await publish(cycle('R3/PT10M').replace('<process id="P"', '<process id="timer_ok_cycle"'))).status).toBe(201);
    expect((await publish(duration('P30D').replace('<process id="P"', '<process id="timer_ok_duration"'))).status).toBe(201);
  });

  it('refuses case data beyond its limit at start and at task completion, with 413 CASE_DATA_TOO_LARGE', async () => {
    expect((await publish(linear('<userTask id="work"/>', 'work').replace('<process id="P"', '<process id="data_limit"'))).status).toBe(201);
    const big = 'x'.repeat(svc.config.limits.caseDataMaxBytes);
    const refused = await svc.inject({ method: 'POST', url: '/v1/cases', payload: { unitId: TEST_UNIT_ID, procedureKey: 'data_limit', data: { big } } });
    expect(refused.statusCode).toBe(413);
    expect(refused.json().error.code).toBe('CASE_DATA_TOO_LARGE');

    const started = (await svc.inject({ method: 'POST', url: '/v1/cases', payload: { unitId: TEST_UNIT_ID, procedureKey: 'data_limit', data: { small: 1 } } })).json();
    const half = 'y'.repeat(Math.ceil(svc.config.limits.caseDataMaxBytes / 2));
    const tooMuch = await svc.inject({ method: 'POST', url: `/v1/tasks/${started.tasks[0].id}/complete`, payload: { data: { a: half, b: half } } });
    expect(tooMuch.statusCode).toBe(413);
    expect(tooMuch.json().error.code).toBe('CASE_DATA_TOO_LARGE');
    // Nothing changed: the task is still open.
    expect((await svc.inject({ method: 'GET', url: `/v1/cases/${started.id}` })).json()).toMatchObject({ status: 'active', tasks: [{ id: started.tasks[0].id }] });
  });
});

describe('re-publishing', () => {
  const original = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="Defs_same" targetNamespace="http://example.org/same">
  <process id="same_model" name="Thủ tục mẫu" isExecutable="true">
    <startEvent id="start" name="Bắt đầu"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
    <userTask id="work" name="Thẩm định hồ sơ"/>
    <sequenceFlow id="f2" sourceRef="work" targetRef="end"/>
    <endEvent id="end"/>
  </process>
</definitions>
`;
  const reformatted = `<?xml version='1.0' encoding='UTF-8'?><definitions targetNamespace='http://example.org/same' id='Defs_same' xmlns:xsi='http://www.w3.org/2001/XMLSchema-instance' xmlns='http://www.omg.org/spec/BPMN/20100524/MODEL'>
<process isExecutable='true' name='Thủ tục mẫu' id='same_model'>
        <startEvent name='Bắt đầu' id='start'></startEvent>
    <sequenceFlow targetRef='work' sourceRef='start' id='f1' />
  <userTask name='Thẩm định hồ sơ' id='work'/><sequenceFlow targetRef='end' id='f2' sourceRef='work'/>
    <endEvent id='end'/></process></definitions>`;

  it('gives back the existing version for the same diagram re-formatted, and a new one for a real change', async () => {
    const first = await publish(original);
    expect(first.status).toBe(201);
    const again = await publish(reformatted);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ key: 'same_model', version: first.body.version, hash: first.body.hash });
    const renamed = await publish(original.replace('Thẩm định hồ sơ', 'Thẩm định lại hồ sơ'));
    expect(renamed.status).toBe(201);
    expect(renamed.body.version).toBe(Number(first.body.version) + 1);
  });

  it('refuses a curl -d body (line breaks stripped) with a hint, and still reads --data-binary with the form type', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const padded = original.replace('<process', `<documentation>${'Hồ sơ gồm: đơn đề nghị, bản sao giấy tờ. '.repeat(20)}</documentation><process`);
    const curlD = await publish(padded.replace(/[\r\n]/g, ''), form);
    expect(curlD.status).toBe(415);
    expect(curlD.body.error?.code).toBe('FORM_ENCODED_BODY');
    expect(curlD.body.error?.message).toContain('--data-binary');
    const encoded = await publish(encodeURIComponent(original), form);
    expect(encoded.body.error?.code).toBe('FORM_ENCODED_BODY');
    const dataBinary = await publish(padded, form);
    expect(dataBinary.status).toBe(201);
    expect((await svc.inject({ method: 'GET', url: '/v1/procedures/same_model' })).json().versions.length).toBe(3);
  });
});
