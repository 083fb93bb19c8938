import { readTaskAttributes, type FormField } from './task-attributes.js';
import { DECISION_TOPIC, readDecisionTask, type DecisionTaskSpec } from '../decisions/decision-task.js';
import { insideMultiInstance, readInstanceAttributes, readLoopSpec, type InstanceAttributes, type LoopSpec } from './loop-spec.js';
import { messagingFacts, type MessagingFacts } from './messaging-catalog.js';
import { readCallSpec, versionTagOf, type CallSpec } from './call-activity.js';
import { errorOf, eventSubProcessStarts, scheduleUnitOf, timerStartIds, triggerOf, type EventSubProcessStart, type StartTrigger } from './event-starts.js';

/**
 * Static facts about each element of a procedure version, read once from the moddle tree
 * at compile time, so runs never need to reach into engine internals for them.
 */
export interface ElementInfo extends MessagingFacts {
  id: string;
  type: string;
  name: string;
  candidateGroups: string[];
  assignee?: string;
  topic?: string;
  formKey?: string;
  formFields?: FormField[];
  /** User tasks: ISO 8601 date-time or duration from the task's creation. */
  dueDate?: string;
  message?: { id: string; name: string };
  /** FEEL body of a sequence flow's conditionExpression. */
  condition?: string;
  timer?: { kind: 'timeDuration' | 'timeDate' | 'timeCycle'; text: string };
  properties: Record<string, string>;
  /** Business rule tasks: the decision to evaluate (they run as service tasks of DECISION_TOPIC). */
  decision?: DecisionTaskSpec;
  /** Multi-instance activities: what to run over and collect (loop-spec.ts, multi-instance.ts). */
  loop?: LoopSpec;
  /** A user task inside a multi-instance sub-process: groups, assignee, unit from the instance's item. */
  instanceAttributes?: InstanceAttributes;
  /** Call activities: the called procedure, its binding and mappings (call-activity.ts). */
  call?: CallSpec;
  /** The process: its version tag, for call activities bound by tag. */
  versionTag?: string;
  /** Events: the one trigger they wait for or throw (event-starts.ts). */
  trigger?: StartTrigger;
  /** An event sub-process and its start event: what starts it, whether it interrupts. */
  eventSubProcess?: EventSubProcessStart;
  /** A process's timer start event: the schedule starts its cases (timer-starts.ts). */
  timerStart?: boolean;
  /** A timer start event: the unit owning the cases its schedule starts (event-starts.ts). */
  scheduleUnit?: string;
  /** The process or sub-process the element belongs to. */
  parentId?: string;
  /** Boundary events: the activity they are attached to. */
  attachedTo?: string;
  /** Error events: the bpmn:error thrown or caught (none on a catch: any error). */
  error?: { id: string; code?: string };
}

export type Catalog = Map<string, ElementInfo>;

interface ModdleElement {
  $type: string;
  id?: string;
  name?: string;
  eventDefinitions?: ModdleElement[];
  messageRef?: ModdleElement;
  timeDuration?: { body?: string };
  timeDate?: { body?: string };
  timeCycle?: { body?: string };
  extensionElements?: { values?: ModdleElement[] };
  conditionExpression?: { body?: string };
  values?: ModdleElement[];
  value?: string;
  $parent?: { id?: string };
  attachedToRef?: { id?: string };
}

export function buildCatalog(elementsById: Record<string, unknown>): Catalog {
  const catalog: Catalog = new Map();
  const espStarts = eventSubProcessStarts(elementsById);
  const espOf = new Map([...espStarts.values()].map((start) => [start.espId, start] as const));
  const timerStarts = new Set(timerStartIds(elementsById));
  for (const [id, raw] of Object.entries(elementsById)) {
    const el = raw as ModdleElement;
    if (!el.$type?.startsWith('bpmn:')) continue;
    const task = readTaskAttributes(el);
    const info: ElementInfo = {
      id,
      type: el.$type,
      name: el.name ?? id,
      candidateGroups: task.candidateGroups,
      properties: readProperties(el),
    };
    if (task.assignee) info.assignee = task.assignee;
    if (task.topic) info.topic = task.topic;
    if (el.$type === 'bpmn:BusinessRuleTask') {
      const { spec } = readDecisionTask(el, false);
      if (spec) {
        info.decision = spec;
        info.topic = DECISION_TOPIC;
      }
    }
    if (el.$type === 'bpmn:UserTask') {
      if (task.formKey) info.formKey = task.formKey;
      if (task.formFields.length > 0) info.formFields = task.formFields;
      if (task.dueDate) info.dueDate = task.dueDate;
    }
    const messageRef = el.messageRef ?? el.eventDefinitions?.find((d) => d.messageRef)?.messageRef;
    if (messageRef?.id) info.message = { id: messageRef.id, name: messageRef.name ?? messageRef.id };
    const timerDef = el.eventDefinitions?.find((d) => d.$type === 'bpmn:TimerEventDefinition');
    if (timerDef) info.timer = readTimer(timerDef);
    if (el.conditionExpression?.body) info.condition = el.conditionExpression.body;
    const loop = readLoopSpec(el);
    if (loop) info.loop = loop;
    if (el.$type === 'bpmn:UserTask' && insideMultiInstance(el)) {
      const own = readInstanceAttributes(el).attributes;
      if (Object.keys(own).length > 0) info.instanceAttributes = own;
    }
    Object.assign(info, messagingFacts(el));
    if (el.$type === 'bpmn:CallActivity') info.call = readCallSpec(el);
    const versionTag = el.$type === 'bpmn:Process' ? versionTagOf(el) : undefined;
    if (versionTag) info.versionTag = versionTag;
    const trigger = triggerOf(el);
    if (trigger) info.trigger = trigger;
    const esp = espStarts.get(id) ?? espOf.get(id);
    if (esp) info.eventSubProcess = esp;
    if (timerStarts.has(id)) {
      info.timerStart = true;
      const unit = scheduleUnitOf(el.$parent);
      if (unit) info.scheduleUnit = unit;
    }
    if (el.$parent?.id) info.parentId = el.$parent.id;
    if (el.attachedToRef?.id) info.attachedTo = el.attachedToRef.id;
    const error = errorOf(el as never);
    if (error) info.error = error;
    catalog.set(id, info);
  }
  return catalog;
}

function readTimer(def: ModdleElement): ElementInfo['timer'] {
  for (const kind of ['timeDuration', 'timeDate', 'timeCycle'] as const) {
    const text = def[kind]?.body?.trim();
    if (text) return { kind, text };
  }
  return undefined;
}

/** camunda:properties, as set in the modeler's "Extension properties" panel. */
export function readProperties(el: { extensionElements?: { values?: unknown[] } }): Record<string, string> {
  const result: Record<string, string> = {};
  for (const ext of (el.extensionElements?.values ?? []) as ModdleElement[]) {
    if (ext.$type !== 'camunda:Properties') continue;
    for (const prop of ext.values ?? []) {
      if (prop.name) result[prop.name] = prop.value ?? '';
    }
  }
  return result;
}
