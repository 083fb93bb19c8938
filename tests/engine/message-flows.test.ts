import { describe, expect, it } from 'vitest';
import { validateDiagram } from '../../src/engine/validation/index.js';
import { compileProcedure } from '../../src/engine/procedure-compiler.js';
import { runStep } from '../../src/engine/step-runner.js';
import { isoDurationResolver } from '../../src/engine/timer-due.js';
import { linear } from '../validation/helpers.js';

describe('message flows are documentation', () => {
  it("a flow leaving the case does not start the other pool's process", async () => {
    const xml = linear('<task id="t"/>', 't').replace(
      '</definitions>',
      `<process id="Q"><startEvent id="qs"/><sequenceFlow id="q1" sourceRef="qs" targetRef="qt"/><task id="qt"/>
        <sequenceFlow id="q2" sourceRef="qt" targetRef="qe"/><endEvent id="qe"/></process>
        <collaboration id="C"><participant id="Pp" processRef="P"/><participant id="Pq" processRef="Q"/>
        <messageFlow id="mf" sourceRef="t" targetRef="qt"/></collaboration></definitions>`,
    );
    const outcome = await validateDiagram(xml, { plugins: new Set() });
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.problems));
    const procedure = compileProcedure(outcome.processId, 1, outcome.moddleContext);
    const step = await runStep({
      procedure,
      caseId: 'c1',
      engineState: null,
      variables: {},
      waits: [],
      action: { type: 'start' },
      now: new Date(),
      resolveDuration: isoDurationResolver,
    });
    expect(step.status).toBe('completed');
    const entered = step.events.filter((e) => e.type === 'step.entered').map((e) => e.activityId);
    expect(entered).toEqual(['start', 't', 'end']);
  });
});
