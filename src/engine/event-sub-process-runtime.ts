import type { MessageWait, TimerWait, Wait } from '../domain/case.js';
import type { Catalog, ElementInfo } from './catalog.js';
import type { EventSubProcessStart } from './event-starts.js';
import { timerDue, type DurationResolver } from './timer-due.js';

/*
 * What the service adds to bpmn-elements for event sub-processes (see event-starts.ts):
 * - message and timer starts are waits of the case, one per running scope (the process or a
 *   sub-process) and start, armed when the scope runs; firing one runs the event sub-process;
 * - an interrupting event sub-process discards everything else running in its scope, and its
 *   scope's other starts are disarmed.
 * What was fired and interrupted is kept beside the engine state (`eventSubProcesses`), so a
 * duration timer fires once per scope and wait ids stay deterministic across steps and replicas.
 */

export const ESP_STATE_KEY = 'eventSubProcesses';

interface EspState {
  /** Times each start fired, by `<scope execution id>/<start id>`. */
  fired: Record<string, number>;
  /** Scope execution ids an interrupting event sub-process took over. */
  interrupted: string[];
}

interface ActivityApiLike {
  id: string;
  executionId: string;
  content?: { parent?: { id?: string; executionId?: string } };
  owner?: { isRunning?: boolean; execution?: { source?: { execution?: ScopeExecution } } };
  getPostponed?: () => ActivityApiLike[];
  discard?: () => void;
}

interface ScopeExecution {
  executionId?: string;
  completed?: boolean;
  getActivityById(id: string): ChildActivity | undefined;
  getPostponed(): ActivityApiLike[];
}

interface ChildActivity {
  type?: string;
  isRunning?: boolean;
  run(content?: unknown): void;
  broker?: { publish(exchange: string, routingKey: string, content: unknown, properties?: unknown): void };
}

interface EngineLike {
  execution?: {
    definitions?: { getRunningProcesses?: () => { id: string; executionId?: string; execution?: ScopeExecution }[] }[];
    getPostponed(): ActivityApiLike[];
  };
}

interface Scope {
  id: string;
  executionId: string;
  execution: ScopeExecution;
}

/** The saved engine state without our record (the engine is given only its own). */
export function splitEngineState(state: unknown): { engine: unknown; esp: EspState } {
  const copy = JSON.parse(JSON.stringify(state)) as Record<string, unknown> | null;
  const saved = copy?.[ESP_STATE_KEY] as Partial<EspState> | undefined;
  if (copy) delete copy[ESP_STATE_KEY];
  return { engine: copy, esp: { fired: { ...(saved?.fired ?? {}) }, interrupted: [...(saved?.interrupted ?? [])] } };
}

export class EventSubProcessRuntime {
  private readonly starts: EventSubProcessStart[];
  private readonly pendingInterrupts: { scopeExecutionId: string; espExecutionId: string }[] = [];
  private readonly pendingErrors: { activityId: string; executionId: string; code: string; start: EventSubProcessStart }[] = [];

  constructor(
    private readonly catalog: Catalog,
    private readonly esp: EspState,
    private readonly jobId: (executionId: string) => string,
  ) {
    this.starts = [...catalog.values()].flatMap((i) => (i.eventSubProcess && i.eventSubProcess.startId === i.id ? [i.eventSubProcess] : []));
  }

  get active(): boolean {
    return this.starts.length > 0;
  }

  /** Listener of 'activity.start': an interrupting event sub-process that just started. */
  onStart(api: ActivityApiLike): void {
    const info = this.catalog.get(api.id);
    const start = info?.eventSubProcess;
    if (!start || start.espId !== api.id || !start.interrupting) return;
    const scopeExecutionId = api.content?.parent?.executionId;
    if (scopeExecutionId) this.pendingInterrupts.push({ scopeExecutionId, espExecutionId: api.executionId });
  }

  /**
   * A plugin's BPMN error on a service task: bpmn-elements gives a task's failure to a boundary
   * error event, never to an error event sub-process. When the nearest catcher going outwards is
   * an event sub-process, the error is thrown to it after the step settles (as an error end
   * event would throw it); otherwise the task fails natively (caught by a boundary, or an incident).
   */
  routeServiceError(activityId: string, executionId: string, code: string): 'native' | 'event sub-process' {
    const start = this.errorStartFor(activityId, code);
    if (!start) return 'native';
    this.pendingErrors.push({ activityId, executionId, code, start });
    return 'event sub-process';
  }

  /** Discards what runs beside each interrupting event sub-process that started; true when anything happened. */
  interrupt(engine: EngineLike): boolean {
    let any = this.throwPendingErrors(engine);
    for (let next = this.pendingInterrupts.shift(); next; next = this.pendingInterrupts.shift()) {
      const scope = this.scopes(engine).find((s) => s.executionId === next.scopeExecutionId);
      if (!this.esp.interrupted.includes(next.scopeExecutionId)) this.esp.interrupted.push(next.scopeExecutionId);
      if (!scope) continue;
      for (const sibling of scope.execution.getPostponed()) {
        if (sibling.executionId === next.espExecutionId || sibling.executionId === scope.executionId) continue;
        sibling.discard?.();
        any = true;
      }
    }
    return any;
  }

  /** Runs the event sub-process of an armed start; false when it is no longer armed. */
  fire(engine: EngineLike, wait: Wait): boolean {
    const start = this.startOf(wait);
    if (!start) return false;
    const scope = this.scopes(engine).find((s) => s.executionId === wait.activityExecutionId);
    const esp = scope?.execution.getActivityById(start.espId);
    if (!scope || !esp || esp.isRunning || this.esp.interrupted.includes(scope.executionId)) return false;
    const key = `${scope.executionId}/${start.startId}`;
    this.esp.fired[key] = (this.esp.fired[key] ?? 0) + 1;
    esp.run();
    return true;
  }

  isArmedStart(wait: Wait): boolean {
    return this.startOf(wait) !== undefined;
  }

  /**
   * The armed message and timer starts after the step: kept as they were when still armed
   * (same id, same due instant), new ones for scopes that started running.
   */
  armedWaits(engine: EngineLike, previous: readonly Wait[], now: Date, resolveDuration: DurationResolver): Wait[] {
    if (!this.active) return [];
    const scopes = this.scopes(engine);
    const running = new Set(scopes.map((s) => s.executionId));
    // Records of scopes that ended are dropped: the state stays as small as what runs.
    for (const key of Object.keys(this.esp.fired)) if (!running.has(key.split('/')[0] ?? '')) delete this.esp.fired[key];
    this.esp.interrupted = this.esp.interrupted.filter((id) => running.has(id));
    const since = now.toISOString();
    const waits: Wait[] = [];
    for (const scope of scopes) {
      if (this.esp.interrupted.includes(scope.executionId)) continue;
      const runningChildren = new Set(scope.execution.getPostponed().map((a) => a.id));
      for (const start of this.starts) {
        if (start.scopeId !== scope.id || (start.trigger !== 'message' && start.trigger !== 'timer')) continue;
        if (runningChildren.has(start.espId)) continue; // bpmn-elements runs one instance at a time
        const info = this.catalog.get(start.startId);
        const count = this.esp.fired[`${scope.executionId}/${start.startId}`] ?? 0;
        if (!info || !this.mayFireAgain(info, count)) continue;
        const executionId = `${start.startId}_${scope.executionId}_${count}`;
        const kept = previous.find((w) => w.executionId === executionId);
        if (kept) {
          waits.push(kept);
          continue;
        }
        const base = { executionId, activityId: start.startId, activityExecutionId: scope.executionId, since };
        if (start.trigger === 'message' && info.message) {
          const wait: MessageWait = { ...base, kind: 'message', messageId: info.message.id, messageName: info.message.name };
          waits.push(wait);
        } else if (start.trigger === 'timer' && info.timer) {
          const wait: TimerWait = {
            ...base,
            kind: 'timer',
            expireAt: timerDue(info.timer, now, resolveDuration).toISOString(),
            jobId: this.jobId(executionId),
            timerType: `${start.interrupting ? 'interrupting' : 'non-interrupting'} event sub-process`,
            definition: info.timer.text,
          };
          waits.push(wait);
        }
      }
    }
    return waits;
  }

  private errorStartFor(activityId: string, code: string): EventSubProcessStart | undefined {
    const catches = (error: { code?: string } | undefined) => error?.code === undefined || error.code === code;
    let current = activityId;
    for (let hops = 0; hops < 64; hops++) {
      for (const info of this.catalog.values()) {
        if (info.type === 'bpmn:BoundaryEvent' && info.attachedTo === current && info.trigger === 'error' && catches(info.error)) return undefined;
      }
      const scopeId = this.catalog.get(current)?.parentId;
      if (!scopeId) return undefined;
      const start = this.starts.find((s) => s.trigger === 'error' && s.scopeId === scopeId && catches(s.error));
      if (start) return start;
      current = scopeId;
    }
    return undefined;
  }

  /** Throws each routed error from its task, delegated outwards like an error end event's throw. */
  private throwPendingErrors(engine: EngineLike): boolean {
    let any = false;
    for (let next = this.pendingErrors.shift(); next; next = this.pendingErrors.shift()) {
      const scopeId = this.catalog.get(next.activityId)?.parentId;
      const scope = this.scopes(engine).find((s) => s.id === scopeId && s.execution.getPostponed().some((a) => a.executionId === next.executionId));
      const task = scope?.execution.getActivityById(next.activityId);
      if (!scope || !task?.broker) continue;
      const content = {
        id: next.activityId,
        type: task.type,
        executionId: next.executionId,
        parent: { id: scope.id, executionId: scope.executionId },
        message: { id: next.start.error?.id, code: next.code },
        state: 'throw',
      };
      task.broker.publish('event', 'activity.throw', content, { type: 'throw', delegate: true });
      any = true;
    }
    return any;
  }

  state(): EspState {
    return this.esp;
  }

  /** A duration or a date fires once per scope; a cycle R<n> n times; a message each time it comes. */
  private mayFireAgain(info: ElementInfo, count: number): boolean {
    if (info.trigger === 'message') return true;
    if (info.timer?.kind === 'timeCycle') return count < Number(/^R(\d+)\//.exec(info.timer.text)?.[1] ?? 1);
    return count === 0;
  }

  private startOf(wait: Wait): EventSubProcessStart | undefined {
    const start = this.catalog.get(wait.activityId)?.eventSubProcess;
    return start && start.startId === wait.activityId && (start.trigger === 'message' || start.trigger === 'timer') ? start : undefined;
  }

  /** The running process and every running (event) sub-process, with their executions. */
  private scopes(engine: EngineLike): Scope[] {
    const scopes: Scope[] = [];
    for (const definition of engine.execution?.definitions ?? []) {
      for (const process of definition.getRunningProcesses?.() ?? []) {
        if (process.execution && process.executionId && !process.execution.completed) scopes.push({ id: process.id, executionId: process.executionId, execution: process.execution });
      }
    }
    const visit = (apis: ActivityApiLike[], depth: number) => {
      if (depth > 32) return;
      for (const api of apis) {
        const execution = api.owner?.execution?.source?.execution;
        if (!execution || scopes.some((s) => s.executionId === api.executionId)) continue;
        if (!this.catalog.get(api.id)?.type.endsWith('SubProcess')) continue;
        scopes.push({ id: api.id, executionId: api.executionId, execution });
        visit(execution.getPostponed(), depth + 1);
      }
    };
    visit(engine.execution?.getPostponed() ?? [], 0);
    return scopes;
  }
}
