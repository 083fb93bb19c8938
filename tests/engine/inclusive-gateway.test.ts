import * as Elements from 'bpmn-elements';
import serializer, { TypeResolver } from 'moddle-context-serializer';
import { describe, expect, it } from 'vitest';
import { validateDiagram } from '../../src/engine/validation/index.js';
import { compileProcedure } from '../../src/engine/procedure-compiler.js';
import { runStep } from '../../src/engine/step-runner.js';
import { isoDurationResolver } from '../../src/engine/timer-due.js';
import { driver } from './inclusive-steps.js';

// Inclusive blocks driven step by step, the engine state through JSON between steps (as stored).
const doc = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="http://example.org">
<process id="P" isExecutable="true"><startEvent id="s"/>${body}<endEvent id="e"/></process></definitions>`;
const flow = (id: string, from: string, to: string, condition?: string) =>
  condition ? `<sequenceFlow id="${id}" sourceRef="${from}" targetRef="${to}"><conditionExpression>${condition}</conditionExpression></sequenceFlow>` : `<sequenceFlow id="${id}" sourceRef="${from}" targetRef="${to}"/>`;

/** s → fork {a: A, b: B, default: D} → join → after → e (user tasks). */
const basic = doc(`${flow('f0', 's', 'fork')}<inclusiveGateway id="fork" default="fd"/>
  ${flow('fa', 'fork', 'A', 'a')}${flow('fb', 'fork', 'B', 'b')}${flow('fd', 'fork', 'D')}
  <userTask id="A"/><userTask id="B"/><userTask id="D"/>
  ${flow('ja', 'A', 'join')}${flow('jb', 'B', 'join')}${flow('jd', 'D', 'join')}
  <inclusiveGateway id="join"/>${flow('fe', 'join', 'after')}<userTask id="after"/>${flow('fz', 'after', 'e')}`);

const count = (entered: string[], id: string) => entered.filter((x) => x === id).length;

describe('inclusive fork and join', () => {
  it('takes every flow whose condition holds and joins exactly those', async () => {
    const d = await driver(basic, { a: true, b: true });
    await d.start();
    expect(d.waiting()).toEqual(['A', 'B']);
    await d.complete('B');
    expect(d.waiting()).toEqual(['A']);
    await d.complete('A');
    expect(d.waiting()).toEqual(['after']);
    await d.complete('after');
    expect(d.status()).toBe('completed');
    expect(count(d.entered, 'join')).toBe(1);
    expect(count(d.entered, 'D')).toBe(0);
  });

  it('one branch: the join does not wait for the branches not taken', async () => {
    const d = await driver(basic, { a: false, b: true });
    await d.start();
    expect(d.waiting()).toEqual(['B']);
    await d.complete('B');
    expect(d.waiting()).toEqual(['after']);
  });

  it('the default flow when no condition holds', async () => {
    const d = await driver(basic, { a: false, b: null });
    await d.start();
    expect(d.waiting()).toEqual(['D']);
    await d.complete('D');
    expect(d.waiting()).toEqual(['after']);
  });

  it('no condition holds and no default: a coded error, not a silent stop', async () => {
    const xml = basic.replace(' default="fd"', '').replace(flow('fd', 'fork', 'D'), flow('fd', 'fork', 'D', 'false'));
    const d = await driver(xml, { a: false, b: false });
    await expect(d.start()).rejects.toThrow(/INCLUSIVE_NO_FLOW: no condition of inclusive gateway <fork> holds/);
  });

  it('the stock bpmn-elements inclusive join fires once per branch (the failing shape the adapter replaces)', async () => {
    const outcome = await validateDiagram(basic, { plugins: new Set() });
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.problems));
    const procedure = compileProcedure('P', 1, outcome.moddleContext);
    const stock = { ...procedure, sourceContext: serializer(outcome.moddleContext as never, TypeResolver(Elements as never)) };
    const run = await runStep({ procedure: stock, caseId: 'c', engineState: null, variables: { a: true, b: true }, waits: [], action: { type: 'start' }, now: new Date(), resolveDuration: isoDurationResolver });
    const entered = run.events.filter((e) => e.type === 'step.entered').map((e) => e.activityId);
    const waitsA = run.waits.find((w) => w.activityId === 'A');
    const afterA = await runStep({ procedure: stock, caseId: 'c', engineState: run.engineState, variables: { a: true, b: true }, waits: run.waits, action: { type: 'signal', wait: waitsA! }, now: new Date(), resolveDuration: isoDurationResolver });
    // B is still open, yet the stock join already let the case through to "after".
    expect(entered).not.toContain('after');
    expect(afterA.waits.map((w) => w.activityId).sort()).toEqual(['B', 'after']);
  });

  it('a branch that loops before reaching the join', async () => {
    const xml = doc(`${flow('f0', 's', 'fork')}<inclusiveGateway id="fork"/>
      ${flow('fa', 'fork', 'A1', 'a')}${flow('fb', 'fork', 'B', 'b')}
      <userTask id="A1"/>${flow('fa2', 'A1', 'redo')}<exclusiveGateway id="redo" default="fdone"/>
      ${flow('fagain', 'redo', 'A1', 'again')}${flow('fdone', 'redo', 'join')}
      <userTask id="B"/>${flow('jb', 'B', 'join')}
      <inclusiveGateway id="join"/>${flow('fe', 'join', 'after')}<userTask id="after"/>${flow('fz', 'after', 'e')}`);
    const vars: Record<string, unknown> = { a: true, b: true, again: true };
    const d = await driver(xml, vars);
    await d.start();
    await d.complete('A1'); // loops back
    expect(d.waiting()).toEqual(['A1', 'B']);
    vars.again = false;
    await d.complete('A1'); // reaches the join, which still waits for B
    expect(d.waiting()).toEqual(['B']);
    await d.complete('B');
    expect(d.waiting()).toEqual(['after']);
    expect(count(d.entered, 'join')).toBe(1);
  });

  it('a block inside a loop: each round joins the branches of that round', async () => {
    const xml = doc(`${flow('f0', 's', 'm')}<exclusiveGateway id="m"/>${flow('fm', 'm', 'fork')}<inclusiveGateway id="fork"/>
      ${flow('fa', 'fork', 'A', 'a')}${flow('fb', 'fork', 'B', 'b')}
      <userTask id="A"/><userTask id="B"/>${flow('ja', 'A', 'join')}${flow('jb', 'B', 'join')}
      <inclusiveGateway id="join"/>${flow('fe', 'join', 'check')}<userTask id="check"/>${flow('fc', 'check', 'again')}
      <exclusiveGateway id="again" default="fend"/>${flow('fback', 'again', 'm', 'round = 1')}${flow('fend', 'again', 'e')}`);
    const vars: Record<string, unknown> = { a: true, b: true, round: 1 };
    const d = await driver(xml, vars);
    await d.start();
    await d.complete('A');
    await d.complete('B');
    expect(d.waiting()).toEqual(['check']);
    vars.b = false;
    await d.complete('check'); // round 2: only A
    expect(d.waiting()).toEqual(['A']);
    vars.round = 2;
    await d.complete('A');
    expect(d.waiting()).toEqual(['check']);
    await d.complete('check');
    expect(d.status()).toBe('completed');
    expect(count(d.entered, 'join')).toBe(2);
  });

  it('nested blocks', async () => {
    const xml = doc(`${flow('f0', 's', 'outer')}<inclusiveGateway id="outer"/>
      ${flow('o1', 'outer', 'inner', 'x')}${flow('o2', 'outer', 'C', 'c')}
      <inclusiveGateway id="inner"/>${flow('i1', 'inner', 'A', 'a')}${flow('i2', 'inner', 'B', 'b')}
      <userTask id="A"/><userTask id="B"/>${flow('ia', 'A', 'innerJoin')}${flow('ib', 'B', 'innerJoin')}
      <inclusiveGateway id="innerJoin"/>${flow('ij', 'innerJoin', 'outerJoin')}
      <userTask id="C"/>${flow('jc', 'C', 'outerJoin')}
      <inclusiveGateway id="outerJoin"/>${flow('fe', 'outerJoin', 'after')}<userTask id="after"/>${flow('fz', 'after', 'e')}`);
    const d = await driver(xml, { x: true, c: true, a: true, b: true });
    await d.start();
    expect(d.waiting()).toEqual(['A', 'B', 'C']);
    await d.complete('A');
    await d.complete('C');
    expect(d.waiting()).toEqual(['B']);
    await d.complete('B');
    expect(d.waiting()).toEqual(['after']);
    const d2 = await driver(xml, { x: true, c: false, a: false, b: true });
    await d2.start();
    expect(d2.waiting()).toEqual(['B']);
    await d2.complete('B');
    expect(d2.waiting()).toEqual(['after']);
  });

  it('a branch whose exclusive gateway skips its task: the join still waits for the other branch', async () => {
    const xml = doc(`${flow('f0', 's', 'fork')}<inclusiveGateway id="fork"/>
      ${flow('fa', 'fork', 'x', 'a')}${flow('fb', 'fork', 'B', 'b')}
      <exclusiveGateway id="x" default="fskip"/>${flow('fdo', 'x', 'A1', 'needed')}${flow('fskip', 'x', 'merge')}
      <userTask id="A1"/>${flow('fa1', 'A1', 'merge')}<exclusiveGateway id="merge"/>${flow('fm', 'merge', 'join')}
      <userTask id="B"/>${flow('jb', 'B', 'join')}
      <inclusiveGateway id="join"/>${flow('fe', 'join', 'after')}<userTask id="after"/>${flow('fz', 'after', 'e')}`);
    const skip = await driver(xml, { a: true, b: true, needed: false });
    await skip.start();
    expect(skip.waiting()).toEqual(['B']);
    await skip.complete('B');
    expect(skip.waiting()).toEqual(['after']);
    const doIt = await driver(xml, { a: true, b: true, needed: true });
    await doIt.start();
    await doIt.complete('B');
    expect(doIt.waiting()).toEqual(['A1']);
    await doIt.complete('A1');
    expect(doIt.waiting()).toEqual(['after']);
    expect(count(doIt.entered, 'after')).toBe(1);
  });

  it('inside a sub-process', async () => {
    const xml = doc(`${flow('f0', 's', 'sub')}<subProcess id="sub"><startEvent id="ss"/>${flow('g0', 'ss', 'fork')}
      <inclusiveGateway id="fork"/>${flow('fa', 'fork', 'A', 'a')}${flow('fb', 'fork', 'B', 'b')}
      <userTask id="A"/><userTask id="B"/>${flow('ja', 'A', 'join')}${flow('jb', 'B', 'join')}
      <inclusiveGateway id="join"/>${flow('g9', 'join', 'se')}<endEvent id="se"/></subProcess>
      ${flow('f8', 'sub', 'after')}<userTask id="after"/>${flow('f9', 'after', 'e')}`);
    const d = await driver(xml, { a: true, b: true });
    await d.start();
    await d.complete('A');
    expect(d.waiting()).toEqual(['B']);
    await d.complete('B');
    expect(d.waiting()).toEqual(['after']);
    await d.complete('after');
    expect(d.status()).toBe('completed');
  });
});

describe('inclusive gateways at publish', () => {
  const problems = async (xml: string) => {
    const outcome = await validateDiagram(xml, { plugins: new Set() });
    return outcome.ok ? [] : outcome.problems;
  };

  it('a join that closes no inclusive fork is refused with what to draw instead', async () => {
    const xml = basic.replace('<inclusiveGateway id="fork" default="fd"/>', '<exclusiveGateway id="fork" default="fd"/>');
    const found = await problems(xml);
    expect(found).toEqual([expect.objectContaining({ code: 'INCLUSIVE_JOIN_UNMATCHED', elementId: 'join' })]);
    expect(found[0]?.message).toMatch(/use an exclusive gateway.*cổng loại trừ/s);
  });

  it('a branch that ends before the join, a parallel join inside the block, a gateway that joins and splits', async () => {
    const early = basic.replace(flow('jd', 'D', 'join'), `${flow('jd', 'D', 'e2')}<endEvent id="e2"/>`);
    expect((await problems(early)).map((p) => p.code)).toEqual(['INCLUSIVE_JOIN_UNMATCHED']);
    const andJoin = doc(`${flow('f0', 's', 'fork')}<inclusiveGateway id="fork"/>${flow('fa', 'fork', 'A', 'a')}${flow('fb', 'fork', 'B', 'b')}
      <task id="A"/><task id="B"/>${flow('ja', 'A', 'and')}${flow('jb', 'B', 'and')}<parallelGateway id="and"/>${flow('fx', 'and', 'C')}<task id="C"/>
      ${flow('fc', 'C', 'join')}${flow('fc2', 'fork', 'join', 'z')}<inclusiveGateway id="join"/>${flow('fe', 'join', 'e')}`);
    expect((await problems(andJoin)).map((p) => `${p.code}:${p.elementId}`)).toContain('INCLUSIVE_BLOCK_SHAPE:and');
    const mixed = doc(`${flow('f0', 's', 'g')}${flow('f1', 's', 'g')}<inclusiveGateway id="g"/>${flow('fa', 'g', 'e', 'a')}${flow('fb', 'g', 'e', 'b')}`);
    expect((await problems(mixed)).map((p) => p.code)).toContain('INCLUSIVE_BLOCK_SHAPE');
  });

  it('a fork without a join publishes (branches may end on their own)', async () => {
    const xml = doc(`${flow('f0', 's', 'fork')}<inclusiveGateway id="fork"/>${flow('fa', 'fork', 'A', 'a')}${flow('fb', 'fork', 'e', 'b')}<task id="A"/>${flow('fz', 'A', 'e')}`);
    expect(await problems(xml)).toEqual([]);
  });

  it('complex gateways stay refused, saying what to draw', async () => {
    const xml = basic.replace('<inclusiveGateway id="join"/>', '<complexGateway id="join"/>');
    const found = await problems(xml);
    expect(found.map((p) => p.code)).toEqual(['UNSUPPORTED_ELEMENT']);
    expect(found[0]?.message).toMatch(/Draw an inclusive gateway.*cổng bao hàm/s);
  });
});
