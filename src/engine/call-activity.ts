import { createHash } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import type { CallWait } from '../domain/case.js';
import { zeebe } from './task-attributes.js';

/*
 * Call activities as Camunda 7 (calledElement + camunda:calledElementBinding, camunda:in /
 * camunda:out) and Camunda 8 (zeebe:calledElement, zeebe:ioMapping) write them, read into one
 * shape; and the pure parts of running one: the wait, the child's id, the variable mappings.
 * The child case itself is started and resumed by src/cases/call-activities.ts.
 */

export type CallBinding = { kind: 'latest' } | { kind: 'version'; version: number } | { kind: 'versionTag'; versionTag: string };

/** One variable mapping: `source` is a variable name or dotted path, `target` a variable name. */
export interface VariableMapping {
  source: string;
  target: string;
}

export interface CallSpec {
  calledElement: string;
  binding: CallBinding;
  /** Every variable passes (camunda:in variables="all", Zeebe's default), besides the mappings. */
  inAll: boolean;
  inputs: VariableMapping[];
  outAll: boolean;
  outputs: VariableMapping[];
  /** The child's unit: a unit id, or `=path` naming a case variable that holds one; absent: the parent's unit. */
  unit?: string;
  flavour: 'camunda7' | 'zeebe';
  /** What cannot run, for publish validation (the runtime never sees a refused diagram). */
  problems: { code: string; message: string }[];
}

interface Loose {
  $type?: unknown;
  [key: string]: unknown;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);
const list = (value: unknown): Loose[] => (Array.isArray(value) ? (value as Loose[]) : []);
const extensions = (el: Loose): Loose[] => list((el.extensionElements as Loose | undefined)?.values);

/** A variable name or dotted path, optionally written as Zeebe's `=path`. */
const PATH = /^=?\s*([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\s*$/;
export const isPlainPath = (text: string): boolean => PATH.test(text);
const pathOf = (text: string): string => (PATH.exec(text)?.[1] ?? text).trim();

/** The `unit` extension property (camunda:properties or zeebe:properties). */
function unitProperty(el: Loose): string | undefined {
  for (const ext of extensions(el)) {
    const type = String(ext.$type ?? '').toLowerCase();
    if (type !== 'camunda:properties' && type !== 'zeebe:properties') continue;
    const props = [...list(ext.values), ...list(ext.$children), ...list(ext.properties)];
    for (const prop of props) if (prop.name === 'unit') return str(prop.value);
  }
  return undefined;
}

function mapping(source: string | undefined, target: string | undefined, problems: CallSpec['problems'], what: string): VariableMapping | null {
  if (!source || !target) {
    problems.push({ code: 'CALL_MAPPING_INVALID', message: `${what} needs both source and target` });
    return null;
  }
  if (!isPlainPath(source) || !/^[A-Za-z_$][\w$]*$/.test(target.replace(/^=/, ''))) {
    problems.push({ code: 'CALL_MAPPING_UNSUPPORTED', message: `${what} ${source} → ${target}: only a variable name or dotted path is mapped, not an expression` });
    return null;
  }
  return { source: pathOf(source), target: target.replace(/^=/, '') };
}

export function readCallSpec(element: unknown): CallSpec {
  const el = element as Loose;
  const problems: CallSpec['problems'] = [];
  const zeebeCalled = zeebe(el, 'calledElement');
  const unit = unitProperty(el);
  if (zeebeCalled) {
    const io = zeebe(el, 'ioMapping');
    const children = (name: string) => [...list(io?.$children), ...list(io?.[name]), ...list(io?.values)].filter((c) => String(c.$type ?? '').toLowerCase() === `zeebe:${name}`);
    const inputs = children('input').map((m) => mapping(str(m.source), str(m.target), problems, 'zeebe:input')).filter((m): m is VariableMapping => m !== null);
    const outputs = children('output').map((m) => mapping(str(m.source), str(m.target), problems, 'zeebe:output')).filter((m): m is VariableMapping => m !== null);
    const bindingType = str(zeebeCalled.bindingType) ?? 'latest';
    const versionTag = str(zeebeCalled.versionTag);
    let binding: CallBinding = { kind: 'latest' };
    if (bindingType === 'versionTag') {
      if (versionTag) binding = { kind: 'versionTag', versionTag };
      else problems.push({ code: 'CALL_BINDING_INVALID', message: 'bindingType versionTag needs zeebe:calledElement versionTag' });
    } else if (bindingType !== 'latest' && bindingType !== 'deployment') {
      problems.push({ code: 'CALL_BINDING_INVALID', message: `binding type '${bindingType}' is not one of latest, deployment, versionTag` });
    }
    return {
      calledElement: str(zeebeCalled.processId) ?? '',
      binding,
      // Zeebe passes every parent variable unless input mappings are drawn, and every child variable back by default.
      inAll: str(zeebeCalled.propagateAllParentVariables) !== 'false' && inputs.length === 0,
      inputs,
      outAll: str(zeebeCalled.propagateAllChildVariables) !== 'false',
      outputs,
      ...(unit ? { unit } : {}),
      flavour: 'zeebe',
      problems,
    };
  }
  const inputs: VariableMapping[] = [];
  const outputs: VariableMapping[] = [];
  let inAll = false;
  let outAll = false;
  for (const ext of extensions(el)) {
    const type = ext.$type;
    if (type !== 'camunda:In' && type !== 'camunda:Out') continue;
    const what = type === 'camunda:In' ? 'camunda:in' : 'camunda:out';
    if (str(ext.businessKey) !== undefined) {
      problems.push({ code: 'CALL_MAPPING_UNSUPPORTED', message: `${what} businessKey is not passed: the child case has its own id and links to its parent` });
      continue;
    }
    if (str(ext.variables) === 'all') {
      if (type === 'camunda:In') inAll = true;
      else outAll = true;
      continue;
    }
    if (str(ext.sourceExpression) !== undefined) {
      problems.push({ code: 'CALL_MAPPING_UNSUPPORTED', message: `${what} sourceExpression is not evaluated: map a variable (source) instead` });
      continue;
    }
    const m = mapping(str(ext.source), str(ext.target), problems, what);
    if (m) (type === 'camunda:In' ? inputs : outputs).push(m);
  }
  const bindingText = str(el.calledElementBinding) ?? 'latest';
  let binding: CallBinding = { kind: 'latest' };
  if (bindingText === 'version') {
    const version = Number(str(el.calledElementVersion));
    if (Number.isInteger(version) && version > 0) binding = { kind: 'version', version };
    else problems.push({ code: 'CALL_BINDING_INVALID', message: `camunda:calledElementVersion '${str(el.calledElementVersion) ?? ''}' is not a version number` });
  } else if (bindingText === 'versionTag') {
    const versionTag = str(el.calledElementVersionTag);
    if (versionTag) binding = { kind: 'versionTag', versionTag };
    else problems.push({ code: 'CALL_BINDING_INVALID', message: 'camunda:calledElementBinding="versionTag" needs camunda:calledElementVersionTag' });
  } else if (bindingText !== 'latest' && bindingText !== 'deployment') {
    problems.push({ code: 'CALL_BINDING_INVALID', message: `camunda:calledElementBinding '${bindingText}' is not one of latest, version, versionTag, deployment` });
  }
  return { calledElement: str(el.calledElement) ?? '', binding, inAll, inputs, outAll, outputs, ...(unit ? { unit } : {}), flavour: 'camunda7', problems };
}

/** The child's case id: the same on every replica and after any restart, a fresh one per retry. */
export function childCaseIdFor(caseId: string, executionId: string, attempt: number): string {
  const hex = createHash('sha256').update(`${caseId}/${executionId}/${attempt}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export const callJobId = (caseId: string, executionId: string, attempt: number): string => `call-${caseId}-${executionId}-${attempt}`;

export function callWaitFor(caseId: string, api: { id: string; executionId: string }, calledElement: string, since: string, attempt = 0): CallWait {
  return {
    kind: 'call',
    executionId: api.executionId,
    activityId: api.id,
    activityExecutionId: api.executionId,
    since,
    calledElement,
    attempt,
    jobId: callJobId(caseId, api.executionId, attempt),
    childCaseId: childCaseIdFor(caseId, api.executionId, attempt),
  };
}

/** The same call after an incident retry: a new attempt, child and start job. */
export const retriedCallWait = (caseId: string, wait: CallWait): CallWait =>
  callWaitFor(caseId, { id: wait.activityId, executionId: wait.executionId }, wait.calledElement, wait.since, wait.attempt + 1);

function read(variables: Record<string, unknown>, path: string): unknown {
  let current: unknown = variables;
  for (const part of path.split('.')) {
    if (typeof current !== 'object' || current === null || !Object.prototype.hasOwnProperty.call(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function mapped(all: boolean, mappings: VariableMapping[], from: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = all ? { ...from } : {};
  for (const m of mappings) {
    const value = read(from, m.source);
    if (value !== undefined) result[m.target] = value;
  }
  return result;
}

/** The child's start data from the parent's variables. */
export const childInput = (spec: CallSpec, parent: Record<string, unknown>) => mapped(spec.inAll, spec.inputs, parent);
/** What goes back to the parent from the child's variables. */
export const parentOutput = (spec: CallSpec, child: Record<string, unknown>) => mapped(spec.outAll, spec.outputs, child);

/** The child's unit: the diagram's fixed unit, a variable's value, else the parent's unit. */
export function childUnit(spec: CallSpec, parent: Record<string, unknown>, parentUnit: string | null): string | null {
  if (!spec.unit) return parentUnit;
  if (!spec.unit.startsWith('=')) return spec.unit;
  const value = read(parent, pathOf(spec.unit));
  return typeof value === 'string' && value !== '' ? value : null;
}

interface PostponedApi {
  id: string;
  executionId: string;
  getPostponed?: () => PostponedApi[];
  sendApiMessage?: (action: string, content?: unknown) => void;
}

function findPostponed(apis: PostponedApi[], executionId: string, depth = 0): PostponedApi | undefined {
  if (depth > 32) return undefined;
  for (const api of apis) {
    if (api.executionId === executionId) return api;
    const inner = (api.getPostponed?.() ?? []).filter((a) => a.executionId !== api.executionId);
    const found = findPostponed(inner, executionId, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/**
 * Throws a BPMN error at a waiting call activity: bpmn-elements turns the 'error' api message
 * into an ActivityError carrying `code`, which an error boundary event with that errorCode catches.
 */
export function throwAtCall(execution: { getPostponed(): unknown[] } | undefined, executionId: string, code: string, message: string): boolean {
  const api = execution ? findPostponed(execution.getPostponed() as PostponedApi[], executionId) : undefined;
  if (!api?.sendApiMessage) return false;
  api.sendApiMessage('error', { message, code });
  return true;
}

/**
 * Error end events the case throws and nothing inside it catches: bpmn-engine ends the process
 * normally after an uncaught error end, so a child's error is seen here and handed to its parent.
 */
export function trackErrorEnds(listener: EventEmitter): () => { code: string; message: string } | undefined {
  const thrown: { code: string; message: string }[] = [];
  listener.on('activity.throw', (api: { content?: { type?: string; message?: { code?: unknown; name?: unknown; id?: unknown } } }) => {
    const content = api.content;
    if (content?.type !== 'bpmn:ErrorEventDefinition') return;
    const code = content.message?.code;
    thrown.push({ code: typeof code === 'string' && code !== '' ? code : String(content.message?.id ?? 'error'), message: String(content.message?.name ?? code ?? 'error') });
  });
  listener.on('activity.catch', (api: { content?: { type?: string } }) => {
    if (api.content?.type === 'bpmn:ErrorEventDefinition') thrown.pop();
  });
  return () => thrown[thrown.length - 1];
}

/** A process's version tag: camunda:versionTag, or Zeebe's zeebe:versionTag value. */
export function versionTagOf(process: unknown): string | undefined {
  return str((process as Loose).versionTag) ?? str(zeebe(process, 'versionTag')?.value);
}
