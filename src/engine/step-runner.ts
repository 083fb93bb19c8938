import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { TaskWait, Wait } from '../domain/case.js';
import type { FormField } from './task-attributes.js';
import type { CompiledProcedure } from './procedure-compiler.js';
import { createEngine } from './engine-factory.js';
import { timerDue, type DurationResolver } from './timer-due.js';
import { MultiInstanceRuntime } from './multi-instance.js';
import { callWaitFor, throwAtCall, trackErrorEnds } from './call-activity.js';
import { startGate, type StartTrigger } from './start-gate.js';
import { ESP_STATE_KEY, EventSubProcessRuntime, splitEngineState } from './event-sub-process-runtime.js';
import { RaisedBpmnError } from './plugin-errors.js';

/** What moves the case forward in this step. */
export type StepAction =
  /** `trigger`: the message or signal start event that starts the case (the others are discarded). */
  | { type: 'start'; trigger?: StartTrigger }
  /** Message or signal waits taken in one engine run, in order (src/messaging/). */
  | { type: 'deliver'; waits: Wait[] }
  | { type: 'signal'; wait: Wait }
  | { type: 'fireTimer'; wait: Wait }
  /** Several due timers of one case in one engine run, in order (src/scheduler/timer-batch.ts). */
  | { type: 'fireTimers'; waits: Wait[] }
  | { type: 'completeService'; wait: Wait; output: unknown }
  /** The plugin raised a BPMN error (plugin-errors.ts): the service task fails with its code. */
  | { type: 'failService'; wait: Wait; error: { code: string; message: string } }
  /** A child case ended with a BPMN error: thrown at the call activity waiting for it. */
  | { type: 'callError'; wait: Wait; code: string; message: string }
  | { type: 'resume' };

export interface StepInput {
  procedure: CompiledProcedure;
  caseId: string;
  engineState: unknown | null;
  /** Mutated in place by the caller before the step; conditions read it. */
  variables: Record<string, unknown>;
  waits: Wait[];
  action: StepAction;
  now: Date;
  resolveDuration: DurationResolver;
}

export interface StepEvent {
  type: 'step.entered' | 'step.completed' | 'step.cancelled';
  activityId: string;
  activityType: string;
  executionId: string;
}

export interface StepOutcome {
  engineState: unknown;
  status: 'active' | 'completed' | 'error';
  error?: Error;
  waits: Wait[];
  events: StepEvent[];
  /** False when the targeted wait was gone by the time the action ran. */
  actionApplied: boolean;
  /** fireTimers: the execution ids that fired (an earlier one may have removed a later one). */
  fired: string[];
  /** An error end event nothing in the case caught ended it (a child hands it to its parent). */
  endError?: { code: string; message: string };
  /** Signals thrown by throw events during the step (broadcast to other cases after the commit). */
  signalsThrown: { id: string; name: string }[];
}

interface ActivityApi {
  id: string;
  type: string;
  executionId: string;
  content: { executionId?: string; parent?: { executionId?: string } };
}

/** What a user task's diagram says about its form and due instant (camunda:* or zeebe:*). */
export interface TaskForm {
  formKey?: string;
  formFields?: FormField[];
  /** The diagram's due date of the task, resolved when the task opened. */
  dueDate?: string;
}

const SETTLE_ROUNDS = 50;

/**
 * One load → act → save cycle on a fresh engine. bpmn-engine advances synchronously through
 * its broker; the few ticks of settling catch the rest. Nothing here performs I/O.
 */
export async function runStep(input: StepInput): Promise<StepOutcome> {
  const { procedure, action, now } = input;
  const waits = new Map(input.waits.map((w) => [w.executionId, w] as const));
  const entered = new Set<string>(input.waits.map((w) => w.activityExecutionId));
  const events: StepEvent[] = [];
  let activity = 0;
  let engineError: Error | undefined;

  const serviceOutput =
    action.type === 'completeService' ? { executionId: action.wait.executionId, output: action.output } : null;
  const serviceError = action.type === 'failService' ? { executionId: action.wait.executionId, ...action.error } : null;

  const listener = new EventEmitter();
  const errorEnd = trackErrorEnds(listener);
  const since = now.toISOString();
  const info = (id: string) => procedure.catalog.get(id);
  const loops = new MultiInstanceRuntime(procedure.catalog, input.variables);
  let completeInstance: (() => void) | undefined;
  const saved = splitEngineState(input.engineState);
  const esp = new EventSubProcessRuntime(procedure.catalog, saved.esp, (id) => jobIdFor('timer', input.caseId, id));
  const record = (type: StepEvent['type'], api: ActivityApi) =>
    events.push({ type, activityId: api.id, activityType: api.type, executionId: api.executionId });

  // A link catch starts with the case and waits inside the engine: it is entered when its throw fires.
  const gate = startGate(procedure.catalog, action);
  const signalsThrown: { id: string; name: string }[] = [];
  listener.on('activity.enter', (api: ActivityApi & { discard(): void }) => gate.onEnter(api));
  listener.on('activity.signal', (api: ActivityApi) => {
    const thrown = (api.content as { message?: { id?: string; name?: string } }).message;
    if (thrown?.id) signalsThrown.push({ id: thrown.id, name: thrown.name ?? thrown.id });
  });
  const isLinkCatch = (id: string) => {
    const el = info(id);
    return el?.type === 'bpmn:IntermediateCatchEvent' && !el.message && !el.timer;
  };
  listener.on('activity.start', (api: ActivityApi) => {
    activity++;
    entered.add(api.executionId);
    esp.onStart(api);
    if (!isLinkCatch(api.id)) record('step.entered', api);
  });
  // An interrupted task only 'leaves'; a discarded one may not have started: record each once.
  const closed = new Set<string>();
  const close = (type: StepEvent['type'], api: ActivityApi) => {
    activity++;
    removeWaitsOf(waits, api.executionId);
    if (isLinkCatch(api.id)) {
      if (type === 'step.completed' && !closed.has(api.executionId)) record('step.entered', api);
      entered.add(api.executionId);
    }
    if (closed.has(api.executionId) || !entered.has(api.executionId)) return;
    closed.add(api.executionId);
    if (isLinkCatch(api.id) && type !== 'step.completed') return; // a link never caught is no step
    record(type, api);
  };
  listener.on('activity.end', (api: ActivityApi) => close('step.completed', api));
  listener.on('activity.discard', (api: ActivityApi) => close('step.cancelled', api));
  listener.on('activity.leave', (api: ActivityApi) => close('step.cancelled', api));
  listener.on('activity.wait', (api: ActivityApi) => {
    activity++;
    if (waits.has(api.executionId)) return; // re-emitted on resume
    if (gate.onWait(api as ActivityApi & { signal(payload?: unknown): void })) return; // the start event that starts the case
    if ((api.content as { link?: unknown }).link) return; // a link catch waits for its throw inside the engine
    if ((api.content as { type?: string }).type === 'bpmn:ErrorEventDefinition') return; // an error boundary waits inside the engine
    const el = info(api.id);
    if (el?.trigger && el.trigger !== 'message') return; // error / escalation catches wait inside the engine
    const base = { executionId: api.executionId, activityId: api.id, activityExecutionId: api.executionId, since };
    if (el?.message) {
      waits.set(api.executionId, { ...base, kind: 'message', messageId: el.message.id, messageName: el.message.name });
    } else if (el?.signal) {
      waits.set(api.executionId, { ...base, kind: 'signal', signalId: el.signal.id, signalName: el.signal.name });
    } else {
      const task: TaskWait & TaskForm = {
        ...base,
        kind: 'task',
        taskId: randomUUID(),
        name: el?.name ?? api.id,
        candidateGroups: el?.candidateGroups ?? [],
        ...(el?.assignee ? { assignee: el.assignee } : {}),
        ...(el?.formKey ? { formKey: el.formKey } : {}),
        ...(el?.formFields ? { formFields: el.formFields } : {}),
      };
      // One instance of a multi-instance task: its index, and the people or unit of its item.
      Object.assign(task, loops.taskFields(api));
      if (el?.dueDate) {
        // Validated at publish: a date-time, or a duration from the task's creation.
        const kind = /^\d{4}-/.test(el.dueDate) ? 'timeDate' : 'timeDuration';
        task.dueDate = timerDue({ kind, text: el.dueDate }, now, input.resolveDuration).toISOString();
      }
      waits.set(api.executionId, task);
    }
  });
  listener.on('activity.timer', (api: ActivityApi) => {
    activity++;
    const timerExecutionId = api.content.executionId ?? api.executionId;
    if (waits.has(timerExecutionId)) return;
    const spec = info(api.id)?.timer;
    if (!spec) throw new Error(`timer <${api.id}> has no definition`);
    waits.set(timerExecutionId, {
      kind: 'timer',
      executionId: timerExecutionId,
      activityId: api.id,
      activityExecutionId: api.content.parent?.executionId ?? api.executionId,
      since,
      expireAt: timerDue(spec, now, input.resolveDuration).toISOString(),
      jobId: jobIdFor('timer', input.caseId, timerExecutionId),
      timerType: spec.kind,
      definition: spec.text,
    });
  });

  // A call activity waits for its child case (src/cases/call-activities.ts starts it).
  listener.on('activity.call', (api: ActivityApi) => {
    activity++;
    if (waits.has(api.executionId)) return;
    waits.set(api.executionId, callWaitFor(input.caseId, api, info(api.id)?.call?.calledElement ?? '', since));
  });

  const engine = createEngine(procedure, {
    caseId: input.caseId,
    variables: input.variables,
    loops,
    listener,
    onServiceCall(executionId, activityId, complete, fail) {
      activity++;
      if (serviceOutput?.executionId === executionId) {
        // An instance completed while its loop is being resumed is lost to the loop's count: after resume.
        if (loops.loopOfExecution(activityId, executionId).loop) return void (completeInstance = () => complete(serviceOutput.output));
        return complete(serviceOutput.output);
      }
      if (serviceError?.executionId === executionId) {
        // An error event sub-process's catch is thrown after settling; the task stays until it interrupts.
        if (esp.routeServiceError(activityId, executionId, serviceError.code) === 'native') fail(new RaisedBpmnError(serviceError.code, serviceError.message));
        return;
      }
      if (waits.has(executionId)) return; // called again on resume: still pending
      waits.set(executionId, {
        kind: 'service',
        executionId,
        activityId,
        activityExecutionId: executionId,
        since,
        topic: info(activityId)?.topic ?? '',
        attempt: 0,
        jobId: jobIdFor('svc', input.caseId, executionId, 0),
        ...loops.loopOfExecution(activityId, executionId),
      });
    },
  });
  engine.on('error', (err: Error) => {
    engineError = err;
  });

  const settle = async () => {
    for (let round = 0; round < SETTLE_ROUNDS; round++) {
      const before = activity;
      await new Promise((resolve) => setImmediate(resolve));
      if (activity === before) break;
    }
    if (esp.interrupt(engine as never)) await settle();
  };

  let actionApplied = true;
  const fired: string[] = [];
  try {
    if (action.type === 'start') {
      await engine.execute();
    } else {
      engine.recover(saved.engine as never);
      await engine.resume();
    }
    await settle();
    if (completeInstance) {
      completeInstance();
      await settle();
    }
    if (action.type === 'signal' || action.type === 'fireTimer') {
      actionApplied = act(engine, action.wait, waits, esp);
      await settle();
    }
    if (action.type === 'fireTimers' || action.type === 'deliver') {
      for (const wait of action.waits) {
        if (act(engine, wait, waits, esp)) fired.push(wait.executionId);
        await settle();
      }
      actionApplied = fired.length > 0;
    }
    if (action.type === 'callError') {
      actionApplied = waits.has(action.wait.executionId) && throwAtCall(engine.execution, action.wait.executionId, action.code, action.message);
      await settle();
    }
  } catch (err) {
    engineError ??= err as Error;
  }

  const state = (await engine.getState()) as { definitions?: { source?: unknown }[] };
  for (const definition of state.definitions ?? []) delete definition.source;
  const postponed = engineError ? [] : engine.execution?.getPostponed() ?? [];
  const armed = engineError ? [] : esp.armedWaits(engine as never, input.waits, now, input.resolveDuration);
  if (esp.active) (state as Record<string, unknown>)[ESP_STATE_KEY] = esp.state();
  engine.stop();

  // The engine is the truth about what still waits; drop anything it no longer holds.
  const pending = new Set(withNested(postponed).map((a) => a.executionId));
  const finalWaits = [...[...waits.values()].filter((w) => pending.has(w.activityExecutionId) && !esp.isArmedStart(w)), ...armed];

  if (engineError) return { engineState: state, status: 'error', error: engineError, waits: input.waits, events, actionApplied, fired, signalsThrown };
  const status = engine.state === 'idle' && finalWaits.length === 0 ? 'completed' : 'active';
  const endError = status === 'completed' ? errorEnd() : undefined;
  return { engineState: state, status, waits: finalWaits, events, actionApplied, fired, signalsThrown, ...(endError ? { endError } : {}) };
}

interface PostponedApi {
  executionId: string;
  owner?: object;
  getPostponed?: () => PostponedApi[];
  /** A multi-instance activity's other executions: its instances. */
  getExecuting?: () => PostponedApi[];
}

/**
 * The engine lists a running sub-process, not what waits inside it, and a multi-instance
 * activity, not its instances: descend into each activity once (an instance of a
 * multi-instance sub-process lists all its siblings' work again).
 */
function withNested(apis: PostponedApi[]): PostponedApi[] {
  const found = new Map<string, PostponedApi>();
  const descended = new Set<object>();
  const queue = [...apis];
  for (let api = queue.shift(); api; api = queue.shift()) {
    if (!found.has(api.executionId)) found.set(api.executionId, api);
    if (api.owner && descended.has(api.owner)) continue;
    if (api.owner) descended.add(api.owner);
    queue.push(...(api.getPostponed?.() ?? []), ...(api.getExecuting?.() ?? []));
  }
  return [...found.values()];
}

function act(engine: ReturnType<typeof createEngine>, wait: Wait, waits: Map<string, Wait>, esp: EventSubProcessRuntime): boolean {
  if (!waits.has(wait.executionId)) return false;
  const execution = engine.execution;
  if (!execution) return false;
  if (esp.isArmedStart(wait)) return esp.fire(engine as never, wait); // an event sub-process's message or timer
  if (wait.kind === 'timer') {
    execution.cancelActivity({ id: wait.activityId, executionId: wait.executionId });
  } else if (wait.kind === 'message') {
    execution.signal({ id: wait.messageId, executionId: wait.activityExecutionId });
  } else if (wait.kind === 'signal') {
    execution.signal({ id: wait.signalId, executionId: wait.activityExecutionId });
  } else if (wait.kind === 'task') {
    // By execution only: a task inside a multi-instance sub-process exists once per instance,
    // and bpmn-elements hands a signal naming the task's id to every one of them.
    execution.signal({ executionId: wait.executionId });
  } else {
    execution.signal({ id: wait.activityId, executionId: wait.executionId });
  }
  return true;
}

function removeWaitsOf(waits: Map<string, Wait>, executionId: string): void {
  for (const [key, wait] of waits) {
    if (wait.executionId === executionId || wait.activityExecutionId === executionId) waits.delete(key);
  }
}

/** BullMQ job ids: deterministic so re-emitted waits dedupe; no ':' allowed. */
export function jobIdFor(kind: 'timer' | 'svc', caseId: string, executionId: string, attempt?: number): string {
  return [kind, caseId, executionId, ...(attempt === undefined ? [] : [String(attempt)])].join('-');
}
