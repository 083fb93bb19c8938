import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateDiagram, type InvalidOutcome, type ValidateOptions, type ValidOutcome } from '../../src/engine/validation/index.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const fixturesDir = path.join(repoRoot, 'tests/fixtures/diagrams');

export function fixture(name: string): string {
  return readFileSync(path.join(fixturesDir, name), 'utf8');
}

export const defaultOptions: ValidateOptions = { plugins: new Set(['echo']) };

export function validate(xml: string, options: Partial<ValidateOptions> = {}): Promise<ValidOutcome | InvalidOutcome> {
  return validateDiagram(xml, { ...defaultOptions, ...options });
}

export async function expectInvalid(xml: string, options: Partial<ValidateOptions> = {}): Promise<InvalidOutcome> {
  const outcome = await validate(xml, options);
  if (outcome.ok) throw new Error(`expected the diagram to be refused, it was accepted as ${outcome.processId}`);
  return outcome;
}

export async function expectValid(xml: string, options: Partial<ValidateOptions> = {}): Promise<ValidOutcome> {
  const outcome = await validate(xml, options);
  if (!outcome.ok) throw new Error(`expected the diagram to be accepted:\n${outcome.problems.map((p) => `${p.code} ${p.elementId ?? ''} ${p.message}`).join('\n')}`);
  return outcome;
}

export function codes(outcome: InvalidOutcome): string[] {
  return [...new Set(outcome.problems.map((p) => p.code))].sort();
}

/** Ids of the elements that carry a problem with this code. */
export function idsWith(outcome: InvalidOutcome, code: string): (string | undefined)[] {
  return outcome.problems.filter((p) => p.code === code).map((p) => p.elementId);
}

const NS =
  'xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" ' +
  'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';

/** A definitions document around one process whose content is `body`. */
export function diagram(body: string, { defs = '', processAttrs = 'isExecutable="true"', after = '' } = {}): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions ${NS} id="Definitions_test" targetNamespace="http://example.org/test">
  ${defs}
  <process id="P" ${processAttrs}>
    ${body}
  </process>
  ${after}
</definitions>`;
}

/** start → `element` (whose id is `id`) → end, plus `extra` inside the process. */
export function linear(element: string, id: string, options: { defs?: string; extra?: string } = {}): string {
  return diagram(
    `<startEvent id="start"/>
    <sequenceFlow id="f_in" sourceRef="start" targetRef="${id}"/>
    ${element}
    <sequenceFlow id="f_out" sourceRef="${id}" targetRef="end"/>
    <endEvent id="end"/>
    ${options.extra ?? ''}`,
    { defs: options.defs ?? '' },
  );
}

/** start → user task "work" (with boundary `boundary`, flowing to end "b_end") → end. */
export function withBoundary(boundary: string, options: { defs?: string } = {}): string {
  return linear('<userTask id="work"/>', 'work', {
    defs: options.defs ?? '',
    extra: `${boundary}<sequenceFlow id="f_b" sourceRef="b" targetRef="b_end"/><endEvent id="b_end"/>`,
  });
}

export function timerCatch(definition: string): string {
  return linear(`<intermediateCatchEvent id="t"><timerEventDefinition>${definition}</timerEventDefinition></intermediateCatchEvent>`, 't');
}

/** start → exclusive gateway "gw" → two tasks → end, with the given flow contents. */
export function xor(first: string, second: string, gatewayAttrs = ''): string {
  return diagram(`<startEvent id="start"/>
    <sequenceFlow id="f0" sourceRef="start" targetRef="gw"/>
    <exclusiveGateway id="gw" ${gatewayAttrs}/>
    <sequenceFlow id="fa" sourceRef="gw" targetRef="a">${first}</sequenceFlow>
    <sequenceFlow id="fb" sourceRef="gw" targetRef="b">${second}</sequenceFlow>
    <task id="a"/><task id="b"/>
    <sequenceFlow id="fa2" sourceRef="a" targetRef="end"/>
    <sequenceFlow id="fb2" sourceRef="b" targetRef="end"/>
    <endEvent id="end"/>`);
}

export function condition(body: string, attrs = ''): string {
  return `<conditionExpression xsi:type="tFormalExpression" ${attrs}>${body}</conditionExpression>`;
}
