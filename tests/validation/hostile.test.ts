import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { PROBLEM_CODES, validateDiagram } from '../../src/engine/validation/index.js';
import { codes, condition, diagram, expectInvalid, expectValid, fixture, xor } from './helpers.js';

const HEAD = '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"><process id="p">';
const TAIL = '</process></definitions>';

/** Runs `work` while measuring the longest stall of the event loop. */
async function withLoopWatch<T>(work: () => Promise<T>): Promise<{ result: T; maxStallMs: number; elapsedMs: number }> {
  let last = performance.now();
  let maxStallMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxStallMs = Math.max(maxStallMs, now - last);
    last = now;
  }, 20);
  const started = performance.now();
  try {
    const result = await work();
    return { result, maxStallMs: Math.max(maxStallMs, performance.now() - last), elapsedMs: performance.now() - started };
  } finally {
    clearInterval(timer);
  }
}

describe('hostile XML', () => {
  it('billion laughs is refused before parsing', async () => {
    const xml = `<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
${HEAD}<documentation>&lol9;</documentation>${TAIL}`;
    const outcome = await expectInvalid(xml);
    expect(outcome.problems).toEqual([expect.objectContaining({ code: 'XML_FORBIDDEN' })]);
  });

  it('an ENTITY declaration alone, and a lower-case doctype, are refused', async () => {
    expect(codes(await expectInvalid(`<!ENTITY x "y">${HEAD}${TAIL}`))).toEqual(['XML_FORBIDDEN']);
    expect(codes(await expectInvalid(`<!doctype html>${HEAD}${TAIL}`))).toEqual(['XML_FORBIDDEN']);
  });

  it('10 000-deep nesting is refused before parsing', async () => {
    const { result, elapsedMs } = await withLoopWatch(() => expectInvalid(`${HEAD}${'<a>'.repeat(10_000)}${'</a>'.repeat(10_000)}${TAIL}`));
    expect(codes(result)).toEqual(['XML_TOO_DEEP']);
    expect(elapsedMs).toBeLessThan(500);
  });

  it('a 3 MiB body is refused by size', async () => {
    const xml = `${HEAD}<documentation>${'x'.repeat(3 * 1024 * 1024)}</documentation>${TAIL}`;
    const { result, elapsedMs } = await withLoopWatch(() => expectInvalid(xml));
    expect(result.problems).toEqual([expect.objectContaining({ code: 'XML_TOO_LARGE' })]);
    expect(elapsedMs).toBeLessThan(500);
  });

  it('2 MiB of unknown elements is refused by count before parsing', async () => {
    let body = '';
    for (let i = 0; body.length < 2 * 1024 * 1024 - 200; i += 1) body += `<foo id="z${i}"/>`;
    expect(codes(await expectInvalid(`${HEAD}${body}${TAIL}`))).toEqual(['TOO_MANY_ELEMENTS']);
  });

  it('unknown elements just under the element limit (quadratic in bpmn-moddle) are capped: reported, not counted one by one', async () => {
    let body = '';
    for (let i = 0; i < 50_000; i += 1) body += `<foo id="z${i}"/>\n`;
    const result = await expectInvalid(`${HEAD}${body}${TAIL}`);
    expect(codes(result)).toContain('MODDLE_WARNING');
    expect(result.problems.filter((p) => p.code === 'MODDLE_WARNING').length).toBeLessThanOrEqual(201);
    expect(result.problems.some((p) => /more unknown or misplaced elements were not reported/.test(p.message))).toBe(true);
  });

  it('malformed attributes and undeclared prefixes, which the parser only warns about, are refused before parsing', async () => {
    expect(codes(await expectInvalid(`${HEAD}<task id="a" x/>${TAIL}`))).toEqual(['XML_MALFORMED']);
    expect(codes(await expectInvalid(`${HEAD}<task id="a" id="b"/>${TAIL}`))).toEqual(['XML_MALFORMED']);
    expect(codes(await expectInvalid(`${HEAD}<task id="a" q:x="1"/>${TAIL}`))).toEqual(['XML_MALFORMED']);
    expect(codes(await expectInvalid(`${HEAD}<task id="a" ${Array.from({ length: 70 }, (_, i) => `a${i}="1"`).join(' ')}/>${TAIL}`))).toEqual([
      'TOO_MANY_ATTRIBUTES',
    ]);
  });

  it('a large but regular diagram (~1 MiB) is still accepted', async () => {
    let body = '<startEvent id="s"/><sequenceFlow id="fs" sourceRef="s" targetRef="t0"/>';
    let i = 0;
    for (; body.length < 1024 * 1024; i += 1) body += `<task id="t${i}"/><sequenceFlow id="f${i}" sourceRef="t${i}" targetRef="t${i + 1}"/>`;
    body += `<endEvent id="t${i}"/>`;
    await expectValid(diagram(body));
  });

  it('the same large diagram gets the same answer on a saturated machine (no clock decides)', async () => {
    let body = '<startEvent id="s"/><sequenceFlow id="fs" sourceRef="s" targetRef="t0"/>';
    let i = 0;
    for (; body.length < 1024 * 1024; i += 1) body += `<task id="t${i}"/><sequenceFlow id="f${i}" sourceRef="t${i}" targetRef="t${i + 1}"/>`;
    body += `<endEvent id="t${i}"/>`;
    // Two threads spinning on a 2-core machine: the validation gets a fraction of a core.
    const spinners = [0, 1].map(() => new Worker('for (;;) {}', { eval: true }));
    try {
      const outcome = await expectValid(diagram(body));
      expect(outcome.processId).toBe('P');
    } finally {
      await Promise.all(spinners.map((w) => w.terminate()));
    }
  });

  it('many heavy conditions stay within the FEEL character budget', async () => {
    let flows = '';
    for (let k = 0; k < 400; k += 1) {
      flows += `<sequenceFlow id="c${k}" sourceRef="gw" targetRef="a">${condition('x.y[1] '.repeat(140))}</sequenceFlow>`;
    }
    const xml = xor(condition('a'), condition('b')).replace('<task id="a"/>', `${flows}<task id="a"/>`);
    expect(codes(await expectInvalid(xml))).toEqual(['FEEL_TOO_LARGE', 'INVALID_CONDITION']);
  });

  it('truncated and corrupted documents always get an answer with known codes', async () => {
    const sources = [fixture('valid/modeler-user-task.bpmn'), fixture('valid/collaboration.bpmn'), fixture('valid/timers.bpmn')];
    let seed = 42;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const junk = ['<', '>', '"', "'", '&', '&#0;', '<!--', ']]>', '<![CDATA[', '</', '/>', '\u0000', '<?', '=', ' id="x"', '&lol;'];
    for (let round = 0; round < 150; round += 1) {
      const source = sources[round % sources.length] ?? '';
      let xml = source.slice(0, random(source.length + 1));
      if (round % 2 === 1) {
        xml = source;
        for (let k = 0; k < 5; k += 1) {
          const at = random(xml.length);
          xml = xml.slice(0, at) + (junk[random(junk.length)] ?? '') + xml.slice(at + random(3));
        }
      }
      const outcome = await validateDiagram(xml, { plugins: new Set(['echo']) });
      if (!outcome.ok) {
        expect(outcome.problems.length).toBeGreaterThan(0);
        for (const p of outcome.problems) expect(PROBLEM_CODES as readonly string[]).toContain(p.code);
      }
    }
  });
});
