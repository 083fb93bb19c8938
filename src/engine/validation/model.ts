import type { ModdleElement } from 'bpmn-moddle';

/** Defensive access to bpmn-moddle elements: analysts' files can hold anything. */

export const EVENT_LABEL: Record<string, string> = {
  'bpmn:MessageEventDefinition': 'message',
  'bpmn:TimerEventDefinition': 'timer',
  'bpmn:SignalEventDefinition': 'signal',
  'bpmn:ErrorEventDefinition': 'error',
  'bpmn:EscalationEventDefinition': 'escalation',
  'bpmn:CompensateEventDefinition': 'compensation',
  'bpmn:ConditionalEventDefinition': 'conditional',
  'bpmn:LinkEventDefinition': 'link',
  'bpmn:TerminateEventDefinition': 'terminate',
  'bpmn:CancelEventDefinition': 'cancel',
};

export function isElement(value: unknown): value is ModdleElement {
  return typeof value === 'object' && value !== null && typeof (value as { $type?: unknown }).$type === 'string';
}

export function prop(element: ModdleElement, name: string): unknown {
  try {
    return element[name];
  } catch {
    return undefined;
  }
}

export function str(element: ModdleElement, name: string): string | undefined {
  const value = prop(element, name);
  return typeof value === 'string' ? value : undefined;
}

export function list(element: ModdleElement, name: string): ModdleElement[] {
  const value = prop(element, name);
  return Array.isArray(value) ? value.filter(isElement) : [];
}

export function ref(element: ModdleElement, name: string): ModdleElement | undefined {
  const value = prop(element, name);
  return isElement(value) ? value : undefined;
}

export function instanceOf(element: ModdleElement, type: string): boolean {
  try {
    return typeof element.$instanceOf === 'function' && element.$instanceOf(type);
  } catch {
    return element.$type === type;
  }
}

export function typeName(element: ModdleElement): string {
  return element.$type.replace(/^bpmn:/, '');
}

export function label(element: ModdleElement): string {
  const id = typeof element.id === 'string' ? element.id : '?';
  const name = str(element, 'name')?.replace(/\s+/g, ' ').trim().slice(0, 80);
  return name ? `${typeName(element)} '${name}' (${id})` : `${typeName(element)} ${id}`;
}

export function idOf(element: ModdleElement | undefined): string | undefined {
  for (let current = element, hops = 0; current && hops < 100; current = current.$parent, hops += 1) {
    if (typeof current.id === 'string' && current.id !== '') return current.id;
  }
  return undefined;
}

export function bodyOf(expression: ModdleElement | undefined): string | undefined {
  if (!expression) return undefined;
  const body = str(expression, 'body');
  return body === undefined ? undefined : body.trim();
}

export function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

export function isEventSubProcess(node: ModdleElement): boolean {
  return instanceOf(node, 'bpmn:SubProcess') && prop(node, 'triggeredByEvent') === true;
}

export function eventKinds(node: ModdleElement): string {
  return list(node, 'eventDefinitions')
    .map((d) => EVENT_LABEL[d.$type] ?? typeName(d))
    .join('/');
}

export function containsScript(root: ModdleElement): boolean {
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number): boolean => {
    if (depth > 32 || typeof value !== 'object' || value === null || seen.has(value)) return false;
    seen.add(value);
    if (Array.isArray(value)) return value.some((v) => visit(v, depth + 1));
    if (!isElement(value)) return false;
    if (value.$type === 'camunda:Script') return true;
    for (const key of Object.keys(value)) {
      if (key === '$parent' || key === '$attrs' || key === '$descriptor' || key === '$model') continue;
      if (visit((value as Record<string, unknown>)[key], depth + 1)) return true;
    }
    return false;
  };
  return visit(root, 0);
}

/** camunda:properties of an element's extensionElements, as name → value. */
export function camundaProperties(element: ModdleElement): Record<string, string> {
  const result: Record<string, string> = {};
  const extensions = ref(element, 'extensionElements');
  if (!extensions) return result;
  for (const value of list(extensions, 'values')) {
    if (value.$type !== 'camunda:Properties') continue;
    for (const property of list(value, 'values')) {
      const name = str(property, 'name');
      if (name !== undefined && name !== '') result[name] = str(property, 'value') ?? '';
    }
  }
  return result;
}
