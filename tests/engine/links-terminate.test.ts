import { describe, expect, it } from 'vitest';
import { driver } from './inclusive-steps.js';

// Step by step with the engine state through JSON between steps (as stored); the same shapes
// run through the API in links-terminate-service.test.ts.
const doc = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="http://example.org">
<process id="P" isExecutable="true"><startEvent id="s"/>${body}</process></definitions>`;
const f = (id: string, from: string, to: string) => `<sequenceFlow id="${id}" sourceRef="${from}" targetRef="${to}"/>`;

describe('link events and terminate end events in sub-processes', () => {
  it('a link throw continues at its catch; the catch is no task of the inbox', async () => {
    const d = await driver(
      doc(`${f('f0', 's', 'A')}<userTask id="A"/>${f('f1', 'A', 'lt')}
        <intermediateThrowEvent id="lt"><linkEventDefinition id="l1" name="toB"/></intermediateThrowEvent>
        <intermediateCatchEvent id="lc"><linkEventDefinition id="l2" name="toB"/></intermediateCatchEvent>
        ${f('f2', 'lc', 'B')}<userTask id="B"/>${f('f3', 'B', 'e')}<endEvent id="e"/>`),
      {},
    );
    await d.start();
    expect(d.waiting()).toEqual(['A']);
    expect(d.entered).not.toContain('lc'); // waiting for its throw is not a step of the case
    await d.complete('A');
    expect(d.waiting()).toEqual(['B']);
    expect(d.entered).toEqual(['s', 'A', 'lt', 'lc', 'B']);
    await d.complete('B');
    expect(d.status()).toBe('completed');
  });

  it('a terminate end event inside a sub-process ends that sub-process, not the case', async () => {
    const xml = doc(`${f('f0', 's', 'sub')}
      <subProcess id="sub"><startEvent id="ss"/>${f('g0', 'ss', 'fk')}<parallelGateway id="fk"/>${f('g1', 'fk', 'A')}${f('g2', 'fk', 'T')}
        <userTask id="A"/><userTask id="T"/>${f('g3', 'A', 'se')}<endEvent id="se"/>
        ${f('g4', 'T', 'te')}<endEvent id="te"><terminateEventDefinition/></endEvent></subProcess>
      ${f('f1', 'sub', 'after')}<userTask id="after"/>${f('f2', 'after', 'e')}<endEvent id="e"/>`);
    const d = await driver(xml, {});
    await d.start();
    expect(d.waiting()).toEqual(['A', 'T']);
    await d.complete('T');
    expect(d.status()).toBe('active');
    expect(d.waiting()).toEqual(['after']);
    await d.complete('after');
    expect(d.status()).toBe('completed');
    expect(d.entered.filter((id) => id === 'after')).toHaveLength(1);
  });

  it('a terminate end event at the top level ends the case', async () => {
    const d = await driver(
      doc(`${f('f0', 's', 'fk')}<parallelGateway id="fk"/>${f('g1', 'fk', 'A')}${f('g2', 'fk', 'T')}<userTask id="A"/><userTask id="T"/>
        ${f('g3', 'A', 'e')}<endEvent id="e"/>${f('g4', 'T', 'te')}<endEvent id="te"><terminateEventDefinition/></endEvent>`),
      {},
    );
    await d.start();
    await d.complete('T');
    expect(d.status()).toBe('completed');
    expect(d.waiting()).toEqual([]);
  });
});
