/**
 * What a procedure's elements say about messages and signals beyond the message reference
 * (catalog.ts): signal references, where a message catch takes its correlation value, and
 * which start events start the process itself (not an event sub-process).
 */
import { zeebe } from './task-attributes.js';

interface Node {
  $type: string;
  id?: string;
  name?: string;
  $parent?: Node;
  eventDefinitions?: Node[];
  signalRef?: Node;
  messageRef?: Node;
  extensionElements?: { values?: Node[] };
  values?: Node[];
  value?: string;
}

export interface MessagingFacts {
  signal?: { id: string; name: string };
  /** Where a message catch takes its correlation value: a variable path (`dossierCode`, `applicant.id`). */
  correlationKey?: string;
  /** A start event directly under its process: what triggers it. */
  processStart?: 'none' | 'message' | 'signal' | 'other';
}

/** Camunda 7 has no correlation setting: the analyst adds the extension property `correlationKey`. */
export const CORRELATION_PROPERTY = 'correlationKey';

function camundaProperty(el: Node, name: string): string | undefined {
  for (const ext of el.extensionElements?.values ?? []) {
    if (ext.$type !== 'camunda:Properties') continue;
    const prop = (ext.values ?? []).find((p) => p.name === name);
    if (prop?.value?.trim()) return prop.value.trim();
  }
  return undefined;
}

/** The correlation expression as written: on the message (zeebe:subscription) or the element (camunda property). */
export function correlationSource(el: Node): string | undefined {
  const message = el.messageRef ?? el.eventDefinitions?.find((d) => d.messageRef)?.messageRef;
  const subscription = message ? zeebe(message, 'subscription') : undefined;
  const fromZeebe = typeof subscription?.correlationKey === 'string' ? subscription.correlationKey.trim() : undefined;
  return fromZeebe || camundaProperty(el, CORRELATION_PROPERTY);
}

/** `=a.b` or `a.b` → `a.b`; anything else (a FEEL computation) is not a path: undefined. */
export function correlationPath(source: string): string | undefined {
  const path = source.startsWith('=') ? source.slice(1).trim() : source;
  return /^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$/.test(path) ? path : undefined;
}

export function messagingFacts(raw: unknown): MessagingFacts {
  const el = raw as Node;
  const facts: MessagingFacts = {};
  const signalRef = el.eventDefinitions?.find((d) => d.$type === 'bpmn:SignalEventDefinition')?.signalRef;
  if (signalRef?.id) facts.signal = { id: signalRef.id, name: signalRef.name?.trim() || signalRef.id };
  const source = correlationSource(el);
  const path = source ? correlationPath(source) : undefined;
  if (path) facts.correlationKey = path;
  if (el.$type === 'bpmn:StartEvent' && el.$parent?.$type === 'bpmn:Process') {
    const defs = el.eventDefinitions ?? [];
    const only = defs.length === 1 ? defs[0]?.$type : undefined;
    facts.processStart =
      defs.length === 0 ? 'none' : only === 'bpmn:MessageEventDefinition' ? 'message' : only === 'bpmn:SignalEventDefinition' ? 'signal' : 'other';
  }
  return facts;
}
