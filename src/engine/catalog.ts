/**
 * Static facts about each element of a procedure version, read once from the moddle tree
 * at compile time, so runs never need to reach into engine internals for them.
 */
export interface ElementInfo {
  id: string;
  type: string;
  name: string;
  candidateGroups: string[];
  assignee?: string;
  topic?: string;
  message?: { id: string; name: string };
  /** FEEL body of a sequence flow's conditionExpression. */
  condition?: string;
  timer?: { kind: 'timeDuration' | 'timeDate' | 'timeCycle'; text: string };
  properties: Record<string, string>;
}

export type Catalog = Map<string, ElementInfo>;

interface ModdleElement {
  $type: string;
  id?: string;
  name?: string;
  candidateGroups?: string;
  assignee?: string;
  topic?: string;
  eventDefinitions?: ModdleElement[];
  messageRef?: ModdleElement;
  timeDuration?: { body?: string };
  timeDate?: { body?: string };
  timeCycle?: { body?: string };
  extensionElements?: { values?: ModdleElement[] };
  conditionExpression?: { body?: string };
  values?: ModdleElement[];
  value?: string;
}

export function buildCatalog(elementsById: Record<string, unknown>): Catalog {
  const catalog: Catalog = new Map();
  for (const [id, raw] of Object.entries(elementsById)) {
    const el = raw as ModdleElement;
    if (!el.$type?.startsWith('bpmn:')) continue;
    const info: ElementInfo = {
      id,
      type: el.$type,
      name: el.name ?? id,
      candidateGroups: splitList(el.candidateGroups),
      properties: readProperties(el),
    };
    if (el.assignee) info.assignee = el.assignee;
    if (el.topic) info.topic = el.topic;
    const messageRef = el.messageRef ?? el.eventDefinitions?.find((d) => d.messageRef)?.messageRef;
    if (messageRef?.id) info.message = { id: messageRef.id, name: messageRef.name ?? messageRef.id };
    const timerDef = el.eventDefinitions?.find((d) => d.$type === 'bpmn:TimerEventDefinition');
    if (timerDef) info.timer = readTimer(timerDef);
    if (el.conditionExpression?.body) info.condition = el.conditionExpression.body;
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

function splitList(value: string | undefined): string[] {
  return value ? value.split(',').map((s) => s.trim()).filter(Boolean) : [];
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
