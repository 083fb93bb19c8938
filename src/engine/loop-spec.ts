import { zeebe } from './task-attributes.js';

/**
 * A multi-instance marker as Camunda 7 (camunda:collection / camunda:elementVariable, bodies
 * of loopCardinality and completionCondition) or Camunda 8 (zeebe:loopCharacteristics
 * inputCollection / inputElement / outputCollection / outputElement) writes it, read into one
 * shape with every expression turned into the FEEL source the runtime evaluates. Read by
 * publish validation and by the runtime catalog, so both agree on what the diagram means.
 */

export interface LoopSpec {
  flavour: 'camunda7' | 'zeebe';
  sequential: boolean;
  /** FEEL giving the list to run over. */
  collection?: string;
  /** The name each instance sees its item under. */
  elementVariable?: string;
  /** FEEL giving the number of instances. */
  cardinality?: string;
  /** FEEL condition ending the activity early. */
  completionCondition?: string;
  /** Case variable receiving the instances' outputs, in input order. */
  outputCollection: string;
  /** FEEL giving one instance's output (default: what its task or plugin returned). */
  outputElement?: string;
  /** Task attributes naming each instance's own people or unit (FEEL over the instance's item). */
  attributes: { candidateGroups?: string; assignee?: string; unit?: string };
  /** What could not be read, in the words of the analyst's modeler. */
  problems: { setting: string; value: string; why: string }[];
}

interface Loose {
  [key: string]: unknown;
}

const obj = (value: unknown): Loose | undefined => (typeof value === 'object' && value !== null ? (value as Loose) : undefined);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);
const bodyOf = (value: unknown): string | undefined => text(obj(value)?.body);

/** A plain name or dotted path, which FEEL and JUEL read the same way. */
const PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The FEEL source of an expression as written: `=expr` (Camunda 8), a bare name or path,
 * `${name}` (Camunda 7 with a name or path only, read as that path), a number. Other JUEL
 * is `undefined`: it is not evaluated.
 */
export function feelOf(raw: string): string | undefined {
  const value = raw.trim();
  if (value.startsWith('=')) return value.slice(1).trim();
  const juel = /^[$#]\{\s*(.*?)\s*\}$/s.exec(value);
  if (juel) return PATH.test(juel[1] ?? '') ? juel[1] : undefined;
  if (value.includes('${') || value.includes('#{')) return undefined;
  return value;
}

/** Default output variable when the diagram names none (Camunda 7 has no setting for it). */
export function defaultOutputCollection(activityId: string): string {
  return `${activityId}_outputs`;
}

/** The loop marker of an activity, or undefined when it has none or it is a standard loop. */
export function readLoopSpec(activity: unknown): LoopSpec | undefined {
  const el = obj(activity);
  const loop = obj(el?.loopCharacteristics);
  if (!el || !loop || loop.$type !== 'bpmn:MultiInstanceLoopCharacteristics') return undefined;
  const activityId = text(el.id) ?? 'activity';
  const z = zeebe(loop, 'loopCharacteristics');
  const flavour = z ? 'zeebe' : 'camunda7';
  const spec: LoopSpec = { flavour, sequential: loop.isSequential === true, outputCollection: defaultOutputCollection(activityId), attributes: {}, problems: [] };
  const feel = (setting: string, raw: string | undefined, apply: (source: string) => void) => {
    if (raw === undefined) return;
    const source = feelOf(raw);
    if (source === undefined || source === '') spec.problems.push({ setting, value: raw, why: 'juel' });
    else apply(source);
  };
  const name = (setting: string, raw: string | undefined, apply: (name: string) => void) => {
    if (raw === undefined) return;
    if (VARIABLE_NAME.test(raw)) apply(raw);
    else spec.problems.push({ setting, value: raw, why: 'name' });
  };

  if (z) {
    feel('inputCollection', text(z.inputCollection), (s) => (spec.collection = s));
    name('inputElement', text(z.inputElement), (n) => (spec.elementVariable = n));
    name('outputCollection', text(z.outputCollection), (n) => (spec.outputCollection = n));
    feel('outputElement', text(z.outputElement), (s) => (spec.outputElement = s));
  } else {
    feel('collection', text(loop.collection), (s) => (spec.collection = s));
    name('elementVariable', text(loop.elementVariable), (n) => (spec.elementVariable = n));
    // Camunda 7 has no output setting: extension properties of the activity name them.
    const properties = readProperties(el);
    name('outputCollection', properties.outputCollection, (n) => (spec.outputCollection = n));
    feel('outputElement', properties.outputElement, (s) => (spec.outputElement = s));
  }
  const own = readInstanceAttributes(el);
  spec.attributes = own.attributes;
  spec.problems.push(...own.problems);
  feel('loopCardinality', bodyOf(loop.loopCardinality), (s) => (spec.cardinality = s));
  feel('completionCondition', bodyOf(loop.completionCondition), (s) => (spec.completionCondition = s));
  return spec;
}

/** Extension properties (camunda:properties, or zeebe:properties read as generic elements). */
function readProperties(el: Loose): Record<string, string> {
  const result: Record<string, string> = {};
  const values = obj(el.extensionElements)?.values;
  const listOf = (value: unknown): Loose[] => (Array.isArray(value) ? value.map(obj).filter((v): v is Loose => v !== undefined) : []);
  for (const ext of listOf(values)) {
    const type = String(ext.$type ?? '').toLowerCase();
    if (type !== 'camunda:properties' && type !== 'zeebe:properties') continue;
    for (const entry of [...listOf(ext.values), ...listOf(ext.$children), ...listOf(ext.properties)]) {
      const key = text(entry.name);
      const value = text(entry.value);
      if (key && value) result[key] = value;
    }
  }
  return result;
}

export type InstanceAttributes = LoopSpec['attributes'];

/** Groups, assignee and unit written as expressions of an instance's item (`${dept}`, `=dept`). */
export function readInstanceAttributes(activity: unknown): { attributes: InstanceAttributes; problems: LoopSpec['problems'] } {
  const el = obj(activity) ?? {};
  const result: { attributes: InstanceAttributes; problems: LoopSpec['problems'] } = { attributes: {}, problems: [] };
  const assignment = zeebe(el, 'assignmentDefinition');
  const attribute = (key: keyof InstanceAttributes, raw: string | undefined) => {
    const source = attributeExpression(raw);
    if (source === '') result.problems.push({ setting: key, value: raw ?? '', why: 'juel' });
    else if (source !== undefined) result.attributes[key] = source;
  };
  attribute('candidateGroups', text(assignment?.candidateGroups) ?? text(el.candidateGroups));
  attribute('assignee', text(assignment?.assignee) ?? text(el.assignee));
  attribute('unit', readProperties(el).unit);
  return result;
}

/** A user task inside a multi-instance sub-process: its attributes may name the instance's item. */
export function insideMultiInstance(activity: unknown): boolean {
  let current = obj(obj(activity)?.$parent);
  for (let hops = 0; current && hops < 64; hops += 1) {
    if (current.$type === 'bpmn:SubProcess' && obj(current.loopCharacteristics)?.$type === 'bpmn:MultiInstanceLoopCharacteristics') return true;
    current = obj(current.$parent);
  }
  return false;
}

/**
 * A task attribute that names the instance's own group, assignee or unit: `${dept}` (Camunda 7)
 * or `=dept` (Camunda 8). Its FEEL source, or undefined for a fixed value.
 */
export function attributeExpression(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const value = raw.trim();
  if (!value.startsWith('=') && !value.includes('${') && !value.includes('#{')) return undefined;
  return feelOf(value) ?? '';
}
