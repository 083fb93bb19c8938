/**
 * Static facts about triggered starts the service arms itself: the start events of event
 * sub-processes and a process's timer start event. Read from the moddle tree at compile time.
 *
 * bpmn-elements 17 starts an event sub-process only from an event thrown inside the case
 * (error, escalation, message throw), runs it beside the interrupted flow (it knows no
 * `isInterrupting`) and never arms a timer or waits for an outside message for it; a timer
 * start would wait on an in-process timer. So the engine sees those starts without their
 * trigger (stripTriggers) and event-sub-process-runtime.ts arms, fires and interrupts.
 */

export type StartTrigger = 'message' | 'timer' | 'error' | 'escalation';

export interface EventSubProcessStart {
  /** The event sub-process. */
  espId: string;
  startId: string;
  /** The process or sub-process the event sub-process belongs to. */
  scopeId: string;
  interrupting: boolean;
  trigger: StartTrigger;
  /** Error starts: the bpmn:error caught (none: any error). */
  error?: { id: string; code?: string };
}

interface Node {
  $type: string;
  id?: string;
  $parent?: Node;
  triggeredByEvent?: boolean;
  isInterrupting?: boolean;
  eventDefinitions?: { $type: string; errorRef?: { id?: string; errorCode?: string } }[];
}

const TRIGGERS: Record<string, StartTrigger> = {
  'bpmn:MessageEventDefinition': 'message',
  'bpmn:TimerEventDefinition': 'timer',
  'bpmn:ErrorEventDefinition': 'error',
  'bpmn:EscalationEventDefinition': 'escalation',
};

export function triggerOf(node: { eventDefinitions?: { $type: string }[] }): StartTrigger | undefined {
  const definitions = node.eventDefinitions ?? [];
  return definitions.length === 1 ? TRIGGERS[definitions[0]?.$type ?? ''] : undefined;
}

/** The start event of each event sub-process, by start event id. */
export function eventSubProcessStarts(elementsById: Record<string, unknown>): Map<string, EventSubProcessStart> {
  const starts = new Map<string, EventSubProcessStart>();
  for (const [id, raw] of Object.entries(elementsById)) {
    const node = raw as Node;
    const esp = node.$parent;
    if (node.$type !== 'bpmn:StartEvent' || esp?.$type !== 'bpmn:SubProcess' || esp.triggeredByEvent !== true || !esp.id) continue;
    const trigger = triggerOf(node);
    const scopeId = esp.$parent?.id;
    if (!trigger || !scopeId) continue;
    // An error start always interrupts (BPMN 2.0 §10.3.5); the others unless drawn otherwise.
    const start: EventSubProcessStart = { espId: esp.id, startId: id, scopeId, interrupting: trigger === 'error' || node.isInterrupting !== false, trigger };
    const error = errorOf(node);
    if (error) start.error = error;
    starts.set(id, start);
  }
  return starts;
}

/** The bpmn:error an error event throws or catches. */
export function errorOf(node: { eventDefinitions?: Node['eventDefinitions'] }): { id: string; code?: string } | undefined {
  const ref = node.eventDefinitions?.find((d) => d.$type === 'bpmn:ErrorEventDefinition')?.errorRef;
  if (!ref?.id) return undefined;
  return ref.errorCode ? { id: ref.id, code: ref.errorCode } : { id: ref.id };
}

/** Top-level timer start events (a procedure that runs on a schedule). */
export function timerStartIds(elementsById: Record<string, unknown>): string[] {
  return Object.entries(elementsById)
    .filter(([, raw]) => {
      const node = raw as Node;
      return node.$type === 'bpmn:StartEvent' && node.$parent?.$type === 'bpmn:Process' && triggerOf(node) === 'timer';
    })
    .map(([id]) => id);
}

interface PropertyHolder {
  extensionElements?: { values?: { $type?: string; values?: unknown[]; $children?: unknown[]; properties?: unknown[] }[] };
}

/**
 * The unit owning a scheduled process's cases: its `unitId` extension property, written as
 * camunda:properties (Camunda 7) or zeebe:properties (Camunda 8, read as generic elements).
 */
export function scheduleUnitOf(process: unknown, name = 'unitId'): string | undefined {
  for (const ext of (process as PropertyHolder | undefined)?.extensionElements?.values ?? []) {
    const type = String(ext.$type ?? '').toLowerCase();
    if (type !== 'camunda:properties' && type !== 'zeebe:properties') continue;
    for (const entry of [...(ext.values ?? []), ...(ext.$children ?? []), ...(ext.properties ?? [])] as { name?: unknown; value?: unknown }[]) {
      if (entry.name === name && typeof entry.value === 'string' && entry.value.trim()) return entry.value.trim();
    }
  }
  return undefined;
}

interface SerializedActivity {
  id: string;
  behaviour?: { eventDefinitions?: unknown[] };
}

/** Removes from the engine's view the triggers the service arms itself (see the file comment). */
export function stripTriggers(sourceContext: unknown, ids: ReadonlySet<string>): void {
  const activities = (sourceContext as { elements?: { activities?: SerializedActivity[] } }).elements?.activities ?? [];
  for (const activity of activities) {
    if (ids.has(activity.id) && activity.behaviour) delete activity.behaviour.eventDefinitions;
  }
}
