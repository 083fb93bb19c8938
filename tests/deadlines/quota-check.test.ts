import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createModdle } from '../../src/engine/moddle.js';
import { checkQuotas } from '../../src/deadlines/quota-check.js';

const supplementXml = readFileSync('tests/fixtures/deadlines/supplement.bpmn', 'utf8').replace('CLOCK_MODE', 'restart');
const MINUTES_PER_DAY = 450;

async function check(xml: string) {
  const { elementsById } = await createModdle().fromXML(xml);
  return checkQuotas(elementsById as Record<string, unknown>, 'dl_supplement', MINUTES_PER_DAY);
}

describe('publish-time quota validation', () => {
  it('accepts quotas that fit, counting the supplement loop once', async () => {
    expect(await check(supplementXml)).toEqual([]);
  });

  it('refuses quotas that add up to more than the statutory time on some path', async () => {
    const problems = await check(supplementXml.replace('value="2 working days"', 'value="1.5 working days"'));
    expect(problems).toEqual([expect.objectContaining({ code: 'QUOTA_EXCEEDS_STATUTORY_TIME', elementId: 'dl_supplement' })]);
  });

  it('refuses a user task without a quota when the procedure has a statutory time', async () => {
    const noQuota = supplementXml.replace(
      /<userTask id="decide" name="Decide">[\s\S]*?<\/userTask>/,
      '<userTask id="decide" name="Decide"/>',
    );
    expect(await check(noQuota)).toEqual([expect.objectContaining({ code: 'MISSING_QUOTA', elementId: 'decide' })]);
  });

  it('refuses unparseable or wall-clock durations', async () => {
    const bad = supplementXml.replace('value="1 working days"', 'value="one day"').replace('value="2 working days"', 'value="P2D"');
    const codes = (await check(bad)).map((p) => [p.code, p.elementId]);
    expect(codes).toEqual(expect.arrayContaining([['INVALID_DURATION', 'review'], ['INVALID_DURATION', 'dl_supplement']]));
  });

  it('asks nothing of procedures without a statutory time', async () => {
    const untimed = supplementXml
      .replace(/<camunda:property name="statutoryTime"[^>]*\/>/, '')
      .replace(/<camunda:property name="quota"[^>]*\/>/g, '');
    expect(await check(untimed)).toEqual([]);
  });
});
