import { validateDiagram } from '../../src/engine/validation/index.js';
import { compileProcedure } from '../../src/engine/procedure-compiler.js';
import { runStep, type StepOutcome } from '../../src/engine/step-runner.js';
import { isoDurationResolver } from '../../src/engine/timer-due.js';
import type { Wait } from '../../src/domain/case.js';

/** Drives a diagram step by step the way the case service does: state through JSON between steps. */
export async function driver(xml: string, variables: Record<string, unknown>) {
  const outcome = await validateDiagram(xml, { plugins: new Set() });
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.problems));
  const procedure = compileProcedure(outcome.processId, 1, outcome.moddleContext);
  let state: unknown = null;
  let waits: Wait[] = [];
  const entered: string[] = [];
  let last: StepOutcome | undefined;
  const step = async (action: Parameters<typeof runStep>[0]['action']) => {
    last = await runStep({ procedure, caseId: 'c1', engineState: state, variables, waits, action, now: new Date(), resolveDuration: isoDurationResolver });
    if (last.status === 'error') throw last.error ?? new Error('engine error');
    state = JSON.parse(JSON.stringify(last.engineState));
    waits = JSON.parse(JSON.stringify(last.waits)) as Wait[];
    entered.push(...last.events.filter((e) => e.type === 'step.entered').map((e) => e.activityId));
    return last;
  };
  return {
    start: () => step({ type: 'start' }),
    complete: (activityId: string) => {
      const wait = waits.find((w) => w.activityId === activityId);
      if (!wait) throw new Error(`no wait at ${activityId}; waiting: ${waits.map((w) => w.activityId).join(', ')}`);
      return step({ type: 'signal', wait });
    },
    waiting: () => waits.map((w) => w.activityId).sort(),
    status: () => last?.status,
    entered,
  };
}
