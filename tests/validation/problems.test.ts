import { describe, expect, it } from 'vitest';
import { validateDiagram, type ValidateOptions } from '../../src/engine/validation/index.js';
import { codes, condition, diagram, expectInvalid, fixture, idsWith, linear, timerCatch, withBoundary, xor } from './helpers.js';

describe('document level', () => {
  it('XML_TOO_LARGE above maxBytes (counted in UTF-8 bytes)', async () => {
    const xml = fixture('valid/minimal.bpmn');
    const outcome = await expectInvalid(xml, { maxBytes: 100 });
    expect(outcome.problems).toEqual([{ code: 'XML_TOO_LARGE', message: expect.stringContaining('at most 100') }]);
    const accented = linear('<task id="t" name="é"/>', 't');
    await expectInvalid(accented, { maxBytes: accented.length });
  });

  it('XML_FORBIDDEN for DOCTYPE and ENTITY, not for processing instructions or comments', async () => {
    const withDoctype = fixture('valid/minimal.bpmn').replace('<definitions', '<!DOCTYPE definitions>\n<definitions');
    expect(codes(await expectInvalid(withDoctype))).toEqual(['XML_FORBIDDEN']);
    const withPi = fixture('valid/minimal.bpmn').replace('<definitions', '<?xml-stylesheet href="x"?>\n<!-- <!DOCTYPE x> --><definitions');
    expect((await validateDiagram(withPi, { plugins: new Set() })).ok).toBe(true);
  });

  it('XML_TOO_DEEP beyond 64 levels', async () => {
    const deep = diagram(`<extensionElements>${'<x:a xmlns:x="urn:x">'.repeat(70)}${'</x:a>'.repeat(70)}</extensionElements>`);
    expect(codes(await expectInvalid(deep))).toEqual(['XML_TOO_DEEP']);
  });

  it('XML_MALFORMED for empty, non-string, broken and non-BPMN input', async () => {
    for (const bad of ['', '   ', 'hello', '<definitions', '<foo/>', '<?xml version="1.0"?><a><b></a>']) {
      expect(codes(await expectInvalid(bad)), JSON.stringify(bad)).toEqual(['XML_MALFORMED']);
    }
    for (const bad of [undefined, null, 42, Buffer.from('<x/>')]) {
      const outcome = await validateDiagram(bad as unknown as string, { plugins: new Set() });
      expect(outcome).toMatchObject({ ok: false, problems: [{ code: 'XML_MALFORMED' }] });
    }
  });

  it('MODDLE_WARNING for unknown elements, with the element id', async () => {
    const outcome = await expectInvalid(linear('<userTsk id="typo"/>', 'typo'));
    // The dropped element also leaves the flows to and from it unresolved.
    expect(idsWith(outcome, 'MODDLE_WARNING')).toEqual(['f_in', 'f_out', 'typo']);
    const typo = outcome.problems.find((p) => p.code === 'MODDLE_WARNING' && p.elementId === 'typo');
    expect(typo?.message).toMatch(/unparsable content <userTsk>.*line \d+.*unknown type/);
  });

  it('MODDLE_WARNING for unknown attributes, unresolved references and duplicate ids', async () => {
    const unknownAttribute = await expectInvalid(linear('<task id="t" colour="red"/>', 't'));
    expect(idsWith(unknownAttribute, 'MODDLE_WARNING')).toEqual(['t']);
    const unknownCamunda = await expectInvalid(linear('<userTask id="u" camunda:assigne="bob"/>', 'u'));
    expect(idsWith(unknownCamunda, 'MODDLE_WARNING')).toEqual(['u']);
    const unresolved = await expectInvalid(linear('<receiveTask id="r" messageRef="Nope"/>', 'r'));
    expect(idsWith(unresolved, 'MODDLE_WARNING')).toEqual(['r']);
    const duplicate = await expectInvalid(linear('<task id="t"/><task id="t"/>', 't'));
    expect(idsWith(duplicate, 'MODDLE_WARNING')).toEqual(['t']);
    expect(duplicate.problems.find((p) => p.code === 'MODDLE_WARNING')?.message).toContain('duplicate ID');
  });

  it('NO_PROCESS', async () => {
    const xml = '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"><message id="m"/></definitions>';
    expect(codes(await expectInvalid(xml))).toEqual(['NO_PROCESS']);
  });

  it('AMBIGUOUS_PROCESS unless exactly one of several processes is executable', async () => {
    const second = '<process id="Q"><startEvent id="qs"/></process>';
    expect(codes(await expectInvalid(linear('<task id="t"/>', 't').replace('isExecutable="true"', '').replace('</definitions>', `${second}</definitions>`)))).toEqual([
      'AMBIGUOUS_PROCESS',
    ]);
    const twoExecutable = linear('<task id="t"/>', 't').replace('</definitions>', '<process id="Q" isExecutable="true"/></definitions>');
    expect(codes(await expectInvalid(twoExecutable))).toEqual(['AMBIGUOUS_PROCESS']);
  });
});

describe('structure', () => {
  it('NO_NONE_START_EVENT: none, two, or only a triggered one', async () => {
    const none = await expectInvalid(diagram('<task id="t"/><sequenceFlow id="f" sourceRef="t" targetRef="e"/><endEvent id="e"/>'));
    expect(idsWith(none, 'NO_NONE_START_EVENT')).toEqual(['P']);
    const two = await expectInvalid(linear('<task id="t"/>', 't', { extra: '<startEvent id="s2"/><sequenceFlow id="f2" sourceRef="s2" targetRef="t"/>' }));
    expect(codes(two)).toEqual(['NO_NONE_START_EVENT']);
    const sub = await expectInvalid(linear('<subProcess id="sub"><task id="x"/><sequenceFlow id="fx" sourceRef="x" targetRef="xe"/><endEvent id="xe"/></subProcess>', 'sub'));
    expect(idsWith(sub, 'NO_NONE_START_EVENT')).toEqual(['sub']);
  });

  it('FLOW_SOURCE_MISSING / FLOW_TARGET_MISSING', async () => {
    const noSource = await expectInvalid(linear('<task id="t"/>', 't', { extra: '<sequenceFlow id="loose" targetRef="t"/>' }));
    expect(idsWith(noSource, 'FLOW_SOURCE_MISSING')).toEqual(['loose']);
    const noTarget = await expectInvalid(linear('<task id="t"/>', 't', { extra: '<sequenceFlow id="loose" sourceRef="t"/>' }));
    expect(idsWith(noTarget, 'FLOW_TARGET_MISSING')).toEqual(['loose']);
    const crossScope = await expectInvalid(
      linear(
        `<subProcess id="sub"><startEvent id="ss"/><sequenceFlow id="s1" sourceRef="ss" targetRef="inner"/><task id="inner"/>
         <sequenceFlow id="s2" sourceRef="inner" targetRef="se"/><endEvent id="se"/></subProcess>`,
        'sub',
        { extra: '<sequenceFlow id="into" sourceRef="start" targetRef="inner"/>' },
      ),
    );
    expect(idsWith(crossScope, 'FLOW_TARGET_MISSING')).toEqual(['into']);
  });

  it('DEAD_END for a task or a boundary event without outgoing flow', async () => {
    const task = await expectInvalid(diagram('<startEvent id="s"/><sequenceFlow id="f" sourceRef="s" targetRef="t"/><task id="t"/>'));
    expect(idsWith(task, 'DEAD_END')).toEqual(['t']);
    const boundary = await expectInvalid(
      linear('<userTask id="u"/>', 'u', {
        extra: '<boundaryEvent id="b" attachedToRef="u"><timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition></boundaryEvent>',
      }),
    );
    expect(idsWith(boundary, 'DEAD_END')).toEqual(['b']);
  });

  it('UNREACHABLE for a node without incoming flow and for a detached cycle', async () => {
    const orphan = await expectInvalid(linear('<task id="t"/>', 't', { extra: '<task id="orphan"/><sequenceFlow id="fo" sourceRef="orphan" targetRef="end"/>' }));
    expect(idsWith(orphan, 'UNREACHABLE')).toEqual(['orphan']);
    const cycle = await expectInvalid(
      linear('<task id="t"/>', 't', {
        extra: `<task id="c1"/><task id="c2"/><sequenceFlow id="x1" sourceRef="c1" targetRef="c2"/><sequenceFlow id="x2" sourceRef="c2" targetRef="c1"/>`,
      }),
    );
    expect(idsWith(cycle, 'UNREACHABLE').sort()).toEqual(['c1', 'c2']);
  });

  it('UNSUPPORTED_ELEMENT for each construct the runtime does not run', async () => {
    const cases: [string, string, string?][] = [
      ['<transaction id="x"><startEvent id="xs"/><sequenceFlow id="xf" sourceRef="xs" targetRef="xe"/><endEvent id="xe"/></transaction>', 'x'],
      ['<adHocSubProcess id="x"><task id="xt"/></adHocSubProcess>', 'x'],
      ['<task id="x"><multiInstanceLoopCharacteristics isSequential="true"/></task>', 'x'],
      ['<userTask id="x"><standardLoopCharacteristics/></userTask>', 'x'],
      ['<intermediateThrowEvent id="x"><compensateEventDefinition/></intermediateThrowEvent>', 'x'],
      ['<intermediateThrowEvent id="x"><messageEventDefinition/></intermediateThrowEvent>', 'x'],
      ['<intermediateCatchEvent id="x"><conditionalEventDefinition><condition>a</condition></conditionalEventDefinition></intermediateCatchEvent>', 'x'],
      ['<intermediateCatchEvent id="x"/>', 'x'],
      ['<task id="x" isForCompensation="true"/>', 'x'],
    ];
    for (const [element, id] of cases) {
      const outcome = await expectInvalid(linear(element, id));
      expect(idsWith(outcome, 'UNSUPPORTED_ELEMENT'), element).toContain(id);
    }
  });

  it('UNSUPPORTED_ELEMENT for complex gateways (inclusive ones run: tests/engine/inclusive-gateway.test.ts)', async () => {
    const outcome = await expectInvalid(linear('<complexGateway id="g"/>', 'g'));
    expect(idsWith(outcome, 'UNSUPPORTED_ELEMENT')).toEqual(['g']);
  });

  it('a process keeps its plain start event beside message and signal starts; signal events need a signal', async () => {
    // Message and signal starts run (tests/e2e/messages-correlation.test.ts, signals.test.ts), but not alone.
    for (const trigger of ['<messageEventDefinition messageRef="M"/>', '<signalEventDefinition signalRef="S"/>']) {
      const outcome = await expectInvalid(
        diagram(`<startEvent id="s">${trigger}</startEvent><sequenceFlow id="f" sourceRef="s" targetRef="e"/><endEvent id="e"/>`, { defs: '<message id="M"/><signal id="S" name="s"/>' }),
      );
      expect(codes(outcome)).toEqual(['NO_NONE_START_EVENT']);
    }
    for (const element of [
      '<intermediateThrowEvent id="x"><signalEventDefinition/></intermediateThrowEvent>',
      '<intermediateCatchEvent id="x"><signalEventDefinition/></intermediateCatchEvent>',
    ]) {
      expect(idsWith(await expectInvalid(linear(element, 'x')), 'MISSING_SIGNAL_REF'), element).toEqual(['x']);
    }
    const computed = linear(
      '<intermediateCatchEvent id="x"><extensionElements><camunda:properties><camunda:property name="correlationKey" value="=a + b"/></camunda:properties></extensionElements><messageEventDefinition messageRef="M"/></intermediateCatchEvent>',
      'x',
      { defs: '<message id="M"/>' },
    );
    expect(idsWith(await expectInvalid(computed), 'INVALID_CORRELATION_KEY')).toEqual(['x']);
  });

  it('UNSUPPORTED_ELEMENT for other end events and boundary kinds', async () => {
    for (const trigger of ['<messageEventDefinition messageRef="M"/>', '<compensateEventDefinition/>']) {
      const outcome = await expectInvalid(
        diagram(`<startEvent id="s"/><sequenceFlow id="f" sourceRef="s" targetRef="e"/><endEvent id="e">${trigger}</endEvent>`, { defs: '<message id="M"/>' }),
      );
      expect(idsWith(outcome, 'UNSUPPORTED_ELEMENT'), trigger).toEqual(['e']);
    }
    for (const trigger of ['<compensateEventDefinition/>', '<conditionalEventDefinition><condition>a</condition></conditionalEventDefinition>']) {
      const outcome = await expectInvalid(withBoundary(`<boundaryEvent id="b" attachedToRef="work">${trigger}</boundaryEvent>`));
      expect(idsWith(outcome, 'UNSUPPORTED_ELEMENT'), trigger).toEqual(['b']);
    }
  });

  it('UNSUPPORTED_ELEMENT for an event sub-process started without a trigger', async () => {
    const outcome = await expectInvalid(
      linear('<task id="t"/>', 't', {
        extra: `<subProcess id="esp" triggeredByEvent="true"><startEvent id="es"/>
          <sequenceFlow id="ef" sourceRef="es" targetRef="ee"/><endEvent id="ee"/></subProcess>`,
      }),
    );
    expect(outcome.problems).toEqual([expect.objectContaining({ code: 'UNSUPPORTED_ELEMENT', elementId: 'es' })]);
  });

  it('UNSUPPORTED_ELEMENT for definitions the engine cannot load or run', async () => {
    for (const defs of ['<itemDefinition id="Item" structureRef="x"/>', '<globalTask id="GT"/>']) {
      const outcome = await expectInvalid(linear('<task id="t"/>', 't', { defs }));
      expect(codes(outcome), defs).toEqual(['UNSUPPORTED_ELEMENT']);
    }
  });

  it('accepts message flows as documentation: to and from black-box pools, and leaving the process', async () => {
    const blackBox = linear('<receiveTask id="r" messageRef="M"/>', 'r', { defs: '<message id="M"/>' }).replace(
      '</definitions>',
      `<collaboration id="C"><participant id="Pp" processRef="P"/><participant id="Citizen"/>
        <messageFlow id="mf" sourceRef="Citizen" targetRef="r"/></collaboration></definitions>`,
    );
    expect((await validateDiagram(blackBox, { plugins: new Set() })).ok).toBe(true);

    const outgoing = linear('<task id="t"/>', 't').replace(
      '</definitions>',
      `<process id="Q"><startEvent id="qs"/><sequenceFlow id="q1" sourceRef="qs" targetRef="qt"/><task id="qt"/>
        <sequenceFlow id="q2" sourceRef="qt" targetRef="qe"/><endEvent id="qe"/></process>
        <collaboration id="C"><participant id="Pp" processRef="P"/><participant id="Pq" processRef="Q"/>
        <messageFlow id="mf" sourceRef="t" targetRef="qt"/></collaboration></definitions>`,
    );
    expect((await validateDiagram(outgoing, { plugins: new Set() })).ok).toBe(true);
  });

  it('UNSUPPORTED_ELEMENT for a message or signal start event in a non-executable pool', async () => {
    const xml = linear('<task id="t"/>', 't', { defs: '<message id="M"/>' }).replace(
      '</definitions>',
      `<process id="Q"><startEvent id="qs"><messageEventDefinition messageRef="M"/></startEvent></process></definitions>`,
    );
    expect(idsWith(await expectInvalid(xml), 'UNSUPPORTED_ELEMENT')).toEqual(['qs']);
  });

  it('UNSUPPORTED_ELEMENT for listeners without scripts and performers without expression', async () => {
    const listener = await expectInvalid(
      linear('<task id="t"><extensionElements><camunda:executionListener class="org.Foo" event="start"/></extensionElements></task>', 't'),
    );
    expect(idsWith(listener, 'UNSUPPORTED_ELEMENT')).toEqual(['t']);
    const performer = await expectInvalid(linear('<userTask id="u"><potentialOwner id="po"/></userTask>', 'u'));
    expect(idsWith(performer, 'UNSUPPORTED_ELEMENT')).toEqual(['u']);
  });

  it('UNSUPPORTED_ELEMENT for an event-based gateway leading to a task', async () => {
    const outcome = await expectInvalid(
      diagram(`<startEvent id="s"/><sequenceFlow id="f0" sourceRef="s" targetRef="g"/><eventBasedGateway id="g"/>
        <sequenceFlow id="f1" sourceRef="g" targetRef="t"/><task id="t"/><sequenceFlow id="f2" sourceRef="t" targetRef="e"/><endEvent id="e"/>`),
    );
    expect(idsWith(outcome, 'UNSUPPORTED_ELEMENT')).toEqual(['g']);
  });
});

describe('scripts', () => {
  it('SCRIPT_NOT_ALLOWED for script tasks', async () => {
    const outcome = await expectInvalid(linear('<scriptTask id="x" scriptFormat="javascript"><script>process.exit(1)</script></scriptTask>', 'x'));
    expect(outcome.problems).toEqual([expect.objectContaining({ code: 'SCRIPT_NOT_ALLOWED', elementId: 'x' })]);
  });

  it('SCRIPT_NOT_ALLOWED for conditions with a language', async () => {
    const outcome = await expectInvalid(xor(condition('next(null, true)', 'language="javascript"'), '', 'default="fb"'));
    expect(outcome.problems).toEqual([expect.objectContaining({ code: 'SCRIPT_NOT_ALLOWED', elementId: 'fa' })]);
  });

  it('SCRIPT_NOT_ALLOWED for Camunda listeners and input/output with scripts', async () => {
    const script = '<camunda:script scriptFormat="javascript">while(true){}</camunda:script>';
    for (const extension of [
      `<camunda:executionListener event="start">${script}</camunda:executionListener>`,
      `<camunda:inputOutput><camunda:inputParameter name="a">${script}</camunda:inputParameter></camunda:inputOutput>`,
      `<camunda:inputOutput><camunda:outputParameter name="a"><camunda:list><camunda:value>1</camunda:value>${script}</camunda:list></camunda:outputParameter></camunda:inputOutput>`,
    ]) {
      const outcome = await expectInvalid(linear(`<task id="t"><extensionElements>${extension}</extensionElements></task>`, 't'));
      expect(outcome.problems, extension).toEqual([expect.objectContaining({ code: 'SCRIPT_NOT_ALLOWED', elementId: 't' })]);
    }
    const taskListener = await expectInvalid(
      linear(`<userTask id="u"><extensionElements><camunda:taskListener event="create">${script}</camunda:taskListener></extensionElements></userTask>`, 'u'),
    );
    expect(codes(taskListener)).toEqual(['SCRIPT_NOT_ALLOWED']);
    const onProcess = await expectInvalid(
      linear('<task id="t"/>', 't').replace('<startEvent', `<extensionElements><camunda:executionListener event="end">${script}</camunda:executionListener></extensionElements><startEvent`),
    );
    expect(idsWith(onProcess, 'SCRIPT_NOT_ALLOWED')).toEqual(['P']);
  });

  it('SCRIPT_NOT_ALLOWED in a non-executable pool too', async () => {
    const xml = linear('<task id="t"/>', 't').replace('</definitions>', '<process id="Q"><scriptTask id="qs"><script>1</script></scriptTask></process></definitions>');
    expect(idsWith(await expectInvalid(xml), 'SCRIPT_NOT_ALLOWED')).toEqual(['qs']);
  });
});

describe('conditions', () => {
  it('INVALID_CONDITION for JUEL, with a FEEL hint', async () => {
    const outcome = await expectInvalid(xor(condition('${amount &gt; 100}'), condition('${amount &lt;= 100}')));
    expect(idsWith(outcome, 'INVALID_CONDITION').sort()).toEqual(['fa', 'fb']);
    expect(outcome.problems[0]?.message).toContain('= amount > 100');
  });

  it('INVALID_CONDITION with the FEEL parser message', async () => {
    for (const bad of ['amount &gt;', 'a &amp;&amp; b', 'x || y', '!x', "name = 'x'", 'a == 1', 'a === 1', '$x = 1', '"unclosed', '   ', '=']) {
      const outcome = await expectInvalid(xor(condition(bad), '', 'default="fb"'));
      expect(outcome.problems, bad).toEqual([expect.objectContaining({ code: 'INVALID_CONDITION', elementId: 'fa' })]);
    }
    const outcome = await expectInvalid(xor(condition('amount &gt;'), '', 'default="fb"'));
    expect(outcome.problems[0]?.message).toMatch(/Incomplete <Comparison>/);
  });

  it('INVALID_CONDITION for over-long conditions and conditions after a parallel gateway', async () => {
    const long = await expectInvalid(xor(condition(`a = "${'x'.repeat(2000)}"`), '', 'default="fb"'));
    expect(codes(long)).toEqual(['INVALID_CONDITION']);
    const parallel = await expectInvalid(
      diagram(`<startEvent id="s"/><sequenceFlow id="f0" sourceRef="s" targetRef="g"/><parallelGateway id="g"/>
        <sequenceFlow id="f1" sourceRef="g" targetRef="e">${condition('a')}</sequenceFlow><endEvent id="e"/>`),
    );
    expect(idsWith(parallel, 'INVALID_CONDITION')).toEqual(['f1']);
  });

  it('MISSING_CONDITION for a non-default flow without condition', async () => {
    const outcome = await expectInvalid(xor(condition('a'), ''));
    expect(outcome.problems).toEqual([expect.objectContaining({ code: 'MISSING_CONDITION', elementId: 'fb' })]);
  });
});

describe('timers', () => {
  it('INVALID_TIMER for non-ISO values, cron and expressions', async () => {
    for (const definition of [
      '<timeDuration>0 0 9 * * ?</timeDuration>',
      '<timeDuration>5 days</timeDuration>',
      '<timeDuration>${delay}</timeDuration>',
      '<timeDate>2030-01-01T10:00:00</timeDate>',
      '<timeDate>next monday</timeDate>',
      '',
      '<timeDuration>  </timeDuration>',
      '<timeDuration>PT1H</timeDuration><timeDate>2030-01-01T10:00:00Z</timeDate>',
    ]) {
      const outcome = await expectInvalid(timerCatch(definition));
      expect(outcome.problems, definition).toEqual([expect.objectContaining({ code: 'INVALID_TIMER', elementId: 't' })]);
    }
  });

  it('INVALID_TIMER for cycles outside non-interrupting boundaries, and bad cycles', async () => {
    await expectInvalid(timerCatch('<timeCycle>R3/PT1M</timeCycle>'));
    const interrupting = await expectInvalid(
      withBoundary('<boundaryEvent id="b" attachedToRef="work"><timerEventDefinition><timeCycle>R3/PT1M</timeCycle></timerEventDefinition></boundaryEvent>'),
    );
    expect(idsWith(interrupting, 'INVALID_TIMER')).toEqual(['b']);
    for (const cycle of ['R/PT1M', 'R0/PT1M', '0 0/5 * * * ?', 'R3/5 minutes']) {
      const outcome = await expectInvalid(
        withBoundary(`<boundaryEvent id="b" attachedToRef="work" cancelActivity="false"><timerEventDefinition><timeCycle>${cycle}</timeCycle></timerEventDefinition></boundaryEvent>`),
      );
      expect(idsWith(outcome, 'INVALID_TIMER'), cycle).toEqual(['b']);
    }
  });

  it('isValidDuration that rejects or throws leaves the timer invalid', async () => {
    const xml = timerCatch('<timeDuration>5 working days</timeDuration>');
    expect(codes(await expectInvalid(xml, { isValidDuration: () => false }))).toEqual(['INVALID_TIMER']);
    const throwing: ValidateOptions['isValidDuration'] = () => {
      throw new Error('boom');
    };
    expect(codes(await expectInvalid(xml, { isValidDuration: throwing }))).toEqual(['INVALID_TIMER']);
  });
});

describe('plugins and messages', () => {
  it('MISSING_TOPIC for service and send tasks not implemented as External with a topic', async () => {
    for (const task of [
      '<serviceTask id="x"/>',
      '<serviceTask id="x" camunda:class="org.Foo"/>',
      '<serviceTask id="x" camunda:expression="${foo.bar()}"/>',
      '<serviceTask id="x" camunda:type="external"/>',
      '<serviceTask id="x" camunda:topic="echo"/>',
      '<sendTask id="x"/>',
    ]) {
      const outcome = await expectInvalid(linear(task, 'x'));
      expect(outcome.problems, task).toEqual([expect.objectContaining({ code: 'MISSING_TOPIC', elementId: 'x' })]);
    }
  });

  it('UNKNOWN_PLUGIN for a topic that is not an installed plugin', async () => {
    const xml = linear('<serviceTask id="x" camunda:type="external" camunda:topic="mailer"/>', 'x');
    const outcome = await expectInvalid(xml);
    expect(outcome.problems).toEqual([expect.objectContaining({ code: 'UNKNOWN_PLUGIN', elementId: 'x' })]);
    expect(outcome.problems[0]?.message).toContain('mailer');
    const accepted = await validateDiagram(xml, { plugins: new Set(['mailer']) });
    expect(accepted.ok).toBe(true);
  });

  it('MISSING_MESSAGE_REF for receive tasks, message catch and message boundary events', async () => {
    expect(idsWith(await expectInvalid(linear('<receiveTask id="r"/>', 'r')), 'MISSING_MESSAGE_REF')).toEqual(['r']);
    expect(
      idsWith(await expectInvalid(linear('<intermediateCatchEvent id="c"><messageEventDefinition/></intermediateCatchEvent>', 'c')), 'MISSING_MESSAGE_REF'),
    ).toEqual(['c']);
    expect(
      idsWith(await expectInvalid(withBoundary('<boundaryEvent id="b" attachedToRef="work"><messageEventDefinition/></boundaryEvent>')), 'MISSING_MESSAGE_REF'),
    ).toEqual(['b']);
  });
});

describe('the problem list', () => {
  it('is sorted by element id, de-duplicated and capped at 200', async () => {
    let tasks = '';
    for (let i = 0; i < 300; i += 1) tasks += `<task id="t${String(i).padStart(3, '0')}"/>`;
    const outcome = await expectInvalid(diagram(`<startEvent id="s"/><sequenceFlow id="f" sourceRef="s" targetRef="e"/><endEvent id="e"/>${tasks}`));
    expect(outcome.problems).toHaveLength(200);
    const ids = outcome.problems.map((p) => p.elementId ?? '');
    expect(ids).toEqual([...ids].sort());
    const keys = outcome.problems.map((p) => `${p.code}|${p.elementId}|${p.message}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('document-wide problems come first', async () => {
    const xml = linear('<task id="t"/>', 't').replace('isExecutable="true"', '').replace('</definitions>', '<process id="Q"/></definitions>');
    const outcome = await expectInvalid(xml.replace('<task id="t"/>', '<task id="t" bogus="1"/>'));
    expect(outcome.problems[0]?.elementId).toBeUndefined();
  });

  it('never throws on odd options', async () => {
    const xml = fixture('valid/minimal.bpmn');
    const outcome = await validateDiagram(xml, undefined as unknown as ValidateOptions);
    expect(outcome.ok).toBe(true);
    const withBadPlugins = await validateDiagram(linear('<serviceTask id="x" camunda:type="external" camunda:topic="echo"/>', 'x'), {
      plugins: ['echo'] as unknown as Set<string>,
    });
    expect(withBadPlugins).toMatchObject({ ok: false, problems: [{ code: 'UNKNOWN_PLUGIN' }] });
  });
});
