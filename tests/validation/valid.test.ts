import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { feelSource } from '../../src/engine/validation/feel.js';
import { feelSource as feelSourceFromIndex } from '../../src/engine/validation/index.js';
import { isIsoCycle, isIsoDateTime, isIsoDuration } from '../../src/engine/validation/timers.js';
import { createModdle } from '../../src/engine/moddle.js';
import { condition, diagram, expectValid, fixture, fixturesDir, linear, timerCatch, withBoundary, xor } from './helpers.js';

describe('createModdle', () => {
  it('parses Camunda attributes without warnings', async () => {
    const result = await createModdle().fromXML(fixture('valid/service-echo.bpmn'));
    expect(result.warnings).toEqual([]);
    expect(result.elementsById['callEcho']?.get('camunda:topic')).toBe('echo');
  });
});

describe('valid fixtures', () => {
  const files = readdirSync(path.join(fixturesDir, 'valid')).filter((f) => f.endsWith('.bpmn'));

  it('has a fixture per construct', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  it.each(files)('%s is accepted', async (file) => {
    const outcome = await expectValid(fixture(`valid/${file}`));
    expect(outcome.moddleContext).toMatchObject({ rootElement: { $type: 'bpmn:Definitions' } });
  });

  it('hand-written minimal diagram: no DI, no incoming/outgoing, no isExecutable', async () => {
    const outcome = await expectValid(fixture('valid/minimal.bpmn'));
    expect(outcome.processId).toBe('minimal');
    expect(outcome.name).toBe('Minimal');
  });

  it('Camunda Modeler output (DI, incoming/outgoing, isExecutable="false") and its summary', async () => {
    const outcome = await expectValid(fixture('valid/modeler-user-task.bpmn'));
    expect(outcome.processId).toBe('permit_request');
    expect(outcome.name).toBe('Permit request');
    expect(outcome.summary).toEqual({
      userTasks: [
        {
          id: 'Activity_review',
          name: 'Review request',
          candidateGroups: ['clerks', 'supervisors'],
          assignee: 'alice',
          properties: { form: 'review-v2' },
        },
      ],
      serviceTasks: [],
      messages: [],
      processProperties: { department: 'urbanism', retentionYears: '10' },
    });
  });

  it('plugin-backed service and send tasks (topic "echo")', async () => {
    const outcome = await expectValid(fixture('valid/service-echo.bpmn'));
    expect(outcome.summary.serviceTasks).toEqual([
      { id: 'callEcho', name: 'Call echo', topic: 'echo' },
      { id: 'notify', name: 'Notify applicant', topic: 'echo' },
    ]);
  });

  it('messages waited for are summarised', async () => {
    const outcome = await expectValid(fixture('valid/messages.bpmn'));
    expect(outcome.summary.messages).toEqual([
      { id: 'Message_documents', name: 'documents received' },
      { id: 'Message_payment', name: 'payment received' },
    ]);
  });

  it('collaboration: picks the executable pool, keeps lanes, data, artifacts and inbound message flows', async () => {
    const outcome = await expectValid(fixture('valid/collaboration.bpmn'));
    expect(outcome.processId).toBe('office');
    expect(outcome.summary.messages).toEqual([{ id: 'Message_letter', name: 'letter' }]);
  });

  it('the moddle context is not modified (isExecutable stays as written)', async () => {
    const outcome = await expectValid(fixture('valid/modeler-user-task.bpmn'));
    const root = (outcome.moddleContext as { rootElement: { rootElements: { isExecutable?: boolean }[] } }).rootElement;
    expect(root.rootElements[0]?.isExecutable).toBe(false);
  });
});

describe('valid constructs, inline', () => {
  it('FEEL conditions, with and without "=", and a default flow', async () => {
    await expectValid(xor(condition('= amount &gt; 100'), condition('amount &lt;= 100')));
    await expectValid(xor(condition('status = "open" and not(closed)'), '', 'default="fb"'));
    await expectValid(xor(condition('x in [1..10] or contains(name, "a") or y = null or flag = true'), condition('= true')));
    await expectValid(xor(condition('code = "==" or status in ("open", "pending")'), condition('not(approved) and amount != 3')));
  });

  it('a single outgoing flow of an exclusive gateway needs no condition', async () => {
    await expectValid(
      diagram(`<startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="g"/><exclusiveGateway id="g"/>
        <sequenceFlow id="f2" sourceRef="g" targetRef="e"/><endEvent id="e"/>`),
    );
  });

  it('timers: durations, weeks, dates with offset, cycles on non-interrupting boundaries', async () => {
    for (const value of ['PT90S', 'P2DT3H', 'P1W', 'P1Y2M3DT4H5M6S', 'PT1.5S']) {
      await expectValid(timerCatch(`<timeDuration>${value}</timeDuration>`));
    }
    for (const value of ['2030-03-01T09:00:00+01:00', '2030-03-01T08:00:00Z', '2030-03-01T08:00Z', '2030-03-01T09:00:00.250+0100']) {
      await expectValid(timerCatch(`<timeDate>${value}</timeDate>`));
    }
    await expectValid(
      withBoundary('<boundaryEvent id="b" attachedToRef="work" cancelActivity="false"><timerEventDefinition><timeCycle>R5/PT10M</timeCycle></timerEventDefinition></boundaryEvent>'),
    );
  });

  it('extra duration notations through isValidDuration', async () => {
    const xml = timerCatch('<timeDuration>5 working days</timeDuration>');
    await expectValid(xml, { isValidDuration: (text) => /^\d+ working days$/.test(text) });
  });

  it('error end events and interrupting / non-interrupting boundaries', async () => {
    await expectValid(fixture('valid/subprocess-boundaries.bpmn'));
    await expectValid(
      withBoundary('<boundaryEvent id="b" attachedToRef="work"><errorEventDefinition/></boundaryEvent>'),
    );
    await expectValid(
      withBoundary('<boundaryEvent id="b" attachedToRef="work" cancelActivity="false"><messageEventDefinition messageRef="M"/></boundaryEvent>', {
        defs: '<message id="M" name="m"/>',
      }),
    );
  });

  it('camunda:inputOutput without scripts and camunda:properties are fine', async () => {
    await expectValid(
      linear(
        `<userTask id="u"><extensionElements><camunda:inputOutput><camunda:inputParameter name="a">1</camunda:inputParameter></camunda:inputOutput>
        <camunda:properties><camunda:property name="k" value="v"/></camunda:properties></extensionElements></userTask>`,
        'u',
      ),
    );
  });

  it('foreign-namespace extensions (Signavio, Zeebe) are ignored', async () => {
    await expectValid(
      linear(
        '<task id="t" xmlns:signavio="http://www.signavio.com" signavio:x="1"><extensionElements><signavio:signavioMetaData metaKey="bgcolor" metaValue="#fff"/></extensionElements></task>',
        't',
      ),
    );
  });

  it('a non-executable second pool with its own process may send messages into the executable one', async () => {
    await expectValid(fixture('valid/collaboration.bpmn'));
  });
});

describe('feelSource', () => {
  it('strips one leading "=" and surrounding whitespace', () => {
    expect(feelSource('= amount > 100')).toBe('amount > 100');
    expect(feelSource('  \n amount > 100 \t')).toBe('amount > 100');
    expect(feelSource('=amount')).toBe('amount');
    expect(feelSource(' = = x')).toBe('= x');
    expect(feelSource('')).toBe('');
  });

  it('is re-exported from the validation index', () => {
    expect(feelSourceFromIndex).toBe(feelSource);
  });
});

describe('timer notations', () => {
  it('ISO 8601 durations', () => {
    for (const ok of ['PT90S', 'P2D', 'P1W', 'P1W2D', 'PT1H30M', 'P1Y', 'PT0S', 'PT1,5S']) expect(isIsoDuration(ok), ok).toBe(true);
    for (const bad of ['', 'P', 'PT', 'P1DT', '1D', 'p1d', 'PT-1S', '0 0 * * *', 'R3/PT1M', 'P1.5D', `P${'1'.repeat(70)}D`]) {
      expect(isIsoDuration(bad), bad).toBe(false);
    }
  });

  it('ISO 8601 date-times need an offset', () => {
    expect(isIsoDateTime('2026-01-31T23:59:59Z')).toBe(true);
    expect(isIsoDateTime('2026-01-01T10:00:00+02')).toBe(true);
    for (const bad of ['2026-01-01T10:00:00', '2026-02-30T10:00:00Z', '2026-01-01T24:00:00Z', '2026-13-01T10:00:00Z', '2026-01-01', 'tomorrow']) {
      expect(isIsoDateTime(bad), bad).toBe(false);
    }
  });

  it('cycles are R<n>/<duration> with n ≥ 1', () => {
    expect(isIsoCycle('R3/PT10M')).toBe(true);
    for (const bad of ['R/PT10M', 'R0/PT10M', 'R3/2026-01-01T00:00:00Z/PT1H', '0 0 9 * * ?', 'R3/']) expect(isIsoCycle(bad), bad).toBe(false);
  });
});
