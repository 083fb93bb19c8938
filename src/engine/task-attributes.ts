/**
 * Task attributes as Camunda 7 (camunda:*) and Camunda 8 (zeebe:* extension elements) write
 * them, read into one shape. Used by publish validation and by the runtime catalog, so both
 * agree on what a diagram means. Zeebe has no moddle descriptor here: its extension elements
 * arrive as generic elements whose attributes are plain properties.
 */

interface Loose {
  $type?: unknown;
  [key: string]: unknown;
}

export interface FormField {
  id: string;
  label: string;
  type: string;
  defaultValue?: string;
  required?: boolean;
}

export interface TaskAttributes {
  assignee?: string;
  candidateGroups: string[];
  /** camunda:dueDate / zeebe:taskSchedule dueDate, as written (ISO date-time or duration). */
  dueDate?: string;
  formKey?: string;
  formFields: FormField[];
  /** Plugin name: camunda:topic (with camunda:type="external") or zeebe:taskDefinition type. */
  topic?: string;
  /** Where the plugin name came from, for advice fitting the analyst's modeler mode. */
  flavour: 'camunda7' | 'zeebe' | 'none';
  /** Attribute values written as FEEL expressions (`=...`), which are not evaluated here. */
  expressions: { attribute: string; value: string }[];
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function obj(value: unknown): Loose | undefined {
  return typeof value === 'object' && value !== null ? (value as Loose) : undefined;
}

function extensions(element: Loose): Loose[] {
  const values = obj(element.extensionElements)?.values;
  return Array.isArray(values) ? values.map(obj).filter((v): v is Loose => v !== undefined) : [];
}

export function splitList(value: string | undefined): string[] {
  return value ? value.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

/** Zeebe extension elements of a given local name (zeebe:taskDefinition → 'taskDefinition'). */
export function zeebe(element: unknown, localName: string): Loose | undefined {
  const el = obj(element);
  if (!el) return undefined;
  return extensions(el).find((v) => typeof v.$type === 'string' && v.$type.toLowerCase() === `zeebe:${localName.toLowerCase()}`);
}

export function readTaskAttributes(element: unknown): TaskAttributes {
  const el = obj(element) ?? {};
  const result: TaskAttributes = { candidateGroups: [], formFields: [], flavour: 'none', expressions: [] };
  const expression = (attribute: string, value: string | undefined): string | undefined => {
    if (value?.startsWith('=')) {
      result.expressions.push({ attribute, value });
      return undefined;
    }
    return value;
  };

  // Camunda 7 attributes first; Zeebe extension elements override when both are present.
  const assignment = zeebe(el, 'assignmentDefinition');
  const assignee = expression('assignee', text(assignment?.assignee)) ?? text(el.assignee);
  if (assignee) result.assignee = assignee;
  result.candidateGroups = splitList(expression('candidateGroups', text(assignment?.candidateGroups)) ?? text(el.candidateGroups));

  const dueDate = expression('dueDate', text(zeebe(el, 'taskSchedule')?.dueDate)) ?? text(el.dueDate);
  if (dueDate) result.dueDate = dueDate;

  const form = zeebe(el, 'formDefinition');
  const formKey = text(form?.formKey) ?? text(form?.formId) ?? text(form?.externalReference) ?? text(el.formKey);
  if (formKey) result.formKey = formKey;
  for (const ext of extensions(el)) {
    if (ext.$type !== 'camunda:FormData' || !Array.isArray(ext.fields)) continue;
    for (const raw of ext.fields) {
      const field = obj(raw);
      const id = text(field?.id);
      if (!field || !id) continue;
      const entry: FormField = { id, label: text(field.label) ?? id, type: text(field.type) ?? 'string' };
      const defaultValue = text(field.defaultValue);
      if (defaultValue !== undefined) entry.defaultValue = defaultValue;
      const constraints = obj(field.validation)?.constraints;
      if (Array.isArray(constraints) && constraints.some((c) => obj(c)?.name === 'required')) entry.required = true;
      result.formFields.push(entry);
    }
  }

  const taskDefinition = zeebe(el, 'taskDefinition');
  const zeebeType = expression('type', text(taskDefinition?.type));
  if (taskDefinition) {
    result.flavour = 'zeebe';
    if (zeebeType) result.topic = zeebeType;
  } else if (text(el.type) !== undefined || text(el.topic) !== undefined) {
    result.flavour = 'camunda7';
    const topic = text(el.topic);
    if (text(el.type) === 'external' && topic) result.topic = topic;
  }
  return result;
}

/** A Zeebe export: the definitions declare the Zeebe namespace (Camunda Modeler in Camunda 8 mode). */
export function isZeebeDocument(root: unknown): boolean {
  const attrs = obj(obj(root)?.$attrs);
  return attrs !== undefined && Object.values(attrs).some((v) => v === 'http://camunda.org/schema/zeebe/1.0');
}
