import { describe, expect, it } from 'vitest';
import { codes, diagram, expectInvalid, expectValid, idsWith } from './helpers.js';

const throwLink = (id: string, name: string) => `<intermediateThrowEvent id="${id}"><linkEventDefinition id="${id}_d" name="${name}"/></intermediateThrowEvent>`;
const catchLink = (id: string, name: string) => `<intermediateCatchEvent id="${id}"><linkEventDefinition id="${id}_d" name="${name}"/></intermediateCatchEvent>`;
/** s → A → throw "name" … catch "name" → B → e */
const paired = (throwName: string, catchName: string, extra = '') =>
  diagram(`<startEvent id="s"/><sequenceFlow id="f0" sourceRef="s" targetRef="A"/><task id="A"/><sequenceFlow id="f1" sourceRef="A" targetRef="lt"/>
    ${throwLink('lt', throwName)}${catchLink('lc', catchName)}<sequenceFlow id="f2" sourceRef="lc" targetRef="B"/><task id="B"/>
    <sequenceFlow id="f3" sourceRef="B" targetRef="e"/><endEvent id="e"/>${extra}`);

describe('link events', () => {
  it('a throw and a catch of the same name publish (neither a dead end nor unreachable)', async () => {
    await expectValid(paired('sang-buoc-2', 'sang-buoc-2'));
  });

  it('an unmatched link name is refused with a code and a sentence in Vietnamese and English', async () => {
    const outcome = await expectInvalid(paired('sang-buoc-2', 'sang-buoc-3'));
    expect(codes(outcome)).toContain('LINK_UNMATCHED');
    expect(idsWith(outcome, 'LINK_UNMATCHED')).toEqual(['lc', 'lt']);
    const message = outcome.problems.find((p) => p.elementId === 'lt')?.message ?? '';
    expect(message).toMatch(/no link catch event named "sang-buoc-2".*draw one with that name/);
    expect(message).toMatch(/không có sự kiện bắt liên kết tên "sang-buoc-2"/);
  });

  it('two catches of one name, a nameless link, a throw with an outgoing flow', async () => {
    const twice = await expectInvalid(paired('x', 'x', `${catchLink('lc2', 'x')}<sequenceFlow id="f4" sourceRef="lc2" targetRef="e"/>`));
    expect(idsWith(twice, 'LINK_AMBIGUOUS')).toEqual(['lc', 'lc2']);
    const nameless = await expectInvalid(paired('', ''));
    expect(idsWith(nameless, 'LINK_UNMATCHED')).toEqual(['lc', 'lt']);
    const onward = await expectInvalid(paired('x', 'x', '<sequenceFlow id="f5" sourceRef="lt" targetRef="B"/>'));
    expect(idsWith(onward, 'LINK_UNMATCHED')).toEqual(['lt']);
  });

  it('a link does not jump out of its sub-process', async () => {
    const xml = diagram(`<startEvent id="s"/><sequenceFlow id="f0" sourceRef="s" targetRef="sub"/>
      <subProcess id="sub"><startEvent id="ss"/><sequenceFlow id="g0" sourceRef="ss" targetRef="lt"/>${throwLink('lt', 'ra')}</subProcess>
      <sequenceFlow id="f1" sourceRef="sub" targetRef="e"/>${catchLink('lc', 'ra')}<sequenceFlow id="f2" sourceRef="lc" targetRef="e"/><endEvent id="e"/>`);
    const outcome = await expectInvalid(xml);
    expect(idsWith(outcome, 'LINK_UNMATCHED')).toEqual(['lc', 'lt']);
  });

  it('one catch name in a sub-process and around it is ambiguous (a link thrown inside would reach both)', async () => {
    const xml = diagram(`<startEvent id="s"/><sequenceFlow id="f0" sourceRef="s" targetRef="sub"/>
      <subProcess id="sub"><startEvent id="ss"/><sequenceFlow id="g0" sourceRef="ss" targetRef="slt"/>${throwLink('slt', 'x')}${catchLink('slc', 'x')}
        <sequenceFlow id="g1" sourceRef="slc" targetRef="se"/><endEvent id="se"/></subProcess>
      <sequenceFlow id="f1" sourceRef="sub" targetRef="plt"/>${throwLink('plt', 'x')}${catchLink('plc', 'x')}<sequenceFlow id="f2" sourceRef="plc" targetRef="e"/><endEvent id="e"/>`);
    const outcome = await expectInvalid(xml);
    expect(idsWith(outcome, 'LINK_AMBIGUOUS').sort()).toEqual(['plc', 'slc']);
  });

  it('other throw and catch kinds stay refused, naming what can be drawn', async () => {
    const outcome = await expectInvalid(
      diagram(`<startEvent id="s"/><sequenceFlow id="f0" sourceRef="s" targetRef="t"/><intermediateThrowEvent id="t"><compensateEventDefinition/></intermediateThrowEvent>
        <sequenceFlow id="f1" sourceRef="t" targetRef="e"/><endEvent id="e"/>`),
    );
    expect(outcome.problems.find((p) => p.elementId === 't')?.message).toMatch(/use a plain intermediate event or a link event/);
  });
});
