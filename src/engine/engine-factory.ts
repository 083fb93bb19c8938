import { Engine } from 'bpmn-engine';
import { Timers } from 'bpmn-elements';
import type { EventEmitter } from 'node:events';
import type { CompiledProcedure } from './procedure-compiler.js';
import { evaluateCondition } from './feel.js';
import { engineTimerText } from './timer-due.js';
import { multiInstanceMax, type MultiInstanceRuntime } from './multi-instance.js';

/** Called when the engine starts a plugin-backed service task; `complete` finishes it now. */
export type ServiceCall = (
  executionId: string,
  activityId: string,
  complete: (output: unknown) => void,
  /** Fails the task with a BPMN error a plugin raised (plugin-errors.ts). */
  fail: (error: Error) => void,
) => void;

export interface EngineHooks {
  caseId: string;
  /** The case variables: FEEL conditions read exactly this object, nothing else. */
  variables: Record<string, unknown>;
  listener: EventEmitter;
  onServiceCall: ServiceCall;
  /** Multi-instance activities' settings and list snapshots (multi-instance.ts). */
  loops?: MultiInstanceRuntime;
}

/** No in-process timers: every timer fires from a BullMQ job through cancelActivity. */
function inertTimers(): Timers {
  return new Timers({ setTimeout: (() => undefined) as never, clearTimeout: () => undefined });
}

/** Scripts never run: `vm` is not a sandbox. Publishing refuses them; this is the backstop. */
const refusingScripts = {
  register(): void {},
  getScript(language: string | undefined, owner: { id: string }) {
    if (!language) return undefined; // plain conditionExpression: an expression, not a script
    return {
      execute(_scope: unknown, callback: (err: Error) => void) {
        callback(new Error(`script (${language}) in <${owner.id}> is not allowed`));
      },
    };
  },
};

/**
 * The single place that knows how bpmn-engine is configured for a case: timers, scripts,
 * expressions and service tasks are all injected here, so the diagram cannot reach the host.
 */
export function createEngine(procedure: CompiledProcedure, hooks: EngineHooks): Engine {
  const timerTexts = new Map<string, string>();
  const serviceActivities = new Set<string>();
  const conditions = new Set<string>();
  for (const info of procedure.catalog.values()) {
    if (info.condition) conditions.add(info.condition);
    if (info.timer) timerTexts.set(info.timer.text, engineTimerText(info.timer));
    if (info.topic) serviceActivities.add(info.id);
  }

  const expressions = {
    resolveExpression(expression: string, message?: unknown) {
      const loop = hooks.loops?.resolve(expression, message as never);
      if (loop) return loop.value;
      const timerText = timerTexts.get(expression);
      if (timerText !== undefined) return timerText;
      if (conditions.has(expression)) return evaluateCondition(expression, hooks.variables);
      // Names of messages, errors and the like are literal text: no `${}` interpolation.
      return expression;
    },
    isExpression: () => false,
    hasExpression: () => false,
  };

  const extensions = {
    multiInstance(activity: never) {
      hooks.loops?.extend(activity);
    },
    pluginServiceTask(activity: { id: string; behaviour: Record<string, unknown> }) {
      if (!serviceActivities.has(activity.id)) return;
      activity.behaviour.Service = function PluginService() {
        return {
          execute(message: { content: { executionId: string } }, callback: (err: Error | null, output?: unknown) => void) {
            hooks.onServiceCall(message.content.executionId, activity.id, (output) => callback(null, output), (error) => callback(error));
          },
        };
      };
    },
  };

  return new Engine({
    name: hooks.caseId,
    sourceContext: procedure.sourceContext as never,
    listener: hooks.listener,
    timers: inertTimers(),
    scripts: refusingScripts as never,
    expressions: expressions as never,
    extensions: extensions as never,
    // Every parallel instance at once: each is a task of its own (the count is capped at its start).
    settings: { disableTrackState: true, batchSize: multiInstanceMax() },
  });
}
