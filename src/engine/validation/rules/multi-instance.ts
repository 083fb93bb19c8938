import type { ModdleElement } from 'bpmn-moddle';
import { readInstanceAttributes, readLoopSpec, type LoopSpec } from '../../loop-spec.js';
import { feelSyntaxError, UNBOUNDED_PREFIX } from '../feel.js';
import { clip, label, prop } from '../model.js';
import type { RuleContext } from './context.js';

/**
 * Multi-instance markers (loop-spec.ts reads both modeler modes): user tasks, plugin tasks and
 * embedded sub-processes, over a collection or a cardinality, with an optional FEEL
 * completion condition. Problems name the setting as the analyst's modeler shows it.
 */

export const MULTI_INSTANCE_CODE = 'INVALID_MULTI_INSTANCE';

const HOSTS = new Set(['bpmn:UserTask', 'bpmn:ServiceTask', 'bpmn:SendTask', 'bpmn:SubProcess']);

/** The task attributes an instance may compute from its item (tasks.ts lets them through). */
export const INSTANCE_ATTRIBUTES: ReadonlySet<string> = new Set(['candidateGroups', 'assignee']);

export function isMultiInstance(node: ModdleElement): boolean {
  return (prop(node, 'loopCharacteristics') as ModdleElement | undefined)?.$type === 'bpmn:MultiInstanceLoopCharacteristics';
}

/** Setting names as Camunda Modeler shows them in each mode. */
function settingName(spec: LoopSpec, setting: string): string {
  const c8: Record<string, string> = {
    collection: 'Input collection', inputCollection: 'Input collection', inputElement: 'Input element',
    outputCollection: 'Output collection', outputElement: 'Output element', loopCardinality: 'Loop cardinality',
    completionCondition: 'Completion condition', candidateGroups: 'Candidate groups', assignee: 'Assignee', unit: 'extension property "unit"',
  };
  const c7: Record<string, string> = {
    collection: 'Multi instance → Collection (camunda:collection)', elementVariable: 'Multi instance → Element variable',
    loopCardinality: 'Multi instance → Loop cardinality', completionCondition: 'Multi instance → Completion condition',
    outputCollection: 'extension property "outputCollection"', outputElement: 'extension property "outputElement"',
    candidateGroups: 'Candidate groups', assignee: 'Assignee', unit: 'extension property "unit"',
  };
  return (spec.flavour === 'zeebe' ? c8 : c7)[setting] ?? setting;
}

/** A user task inside a multi-instance sub-process: its groups, assignee or unit may name the item. */
export function checkInstanceAttributes(task: ModdleElement, ctx: RuleContext): void {
  const { attributes, problems } = readInstanceAttributes(task);
  const spec: LoopSpec = { flavour: ctx.zeebeMode ? 'zeebe' : 'camunda7', sequential: false, outputCollection: '', attributes, problems };
  reportProblems(task, spec, ctx);
  checkExpressions(task, spec, Object.entries(attributes), ctx);
}

export function checkMultiInstance(node: ModdleElement, ctx: RuleContext): void {
  const spec = readLoopSpec(node);
  if (!spec) return;
  const report = (message: string) => ctx.report(MULTI_INSTANCE_CODE, `${label(node)}: ${message}`, node);
  if (!HOSTS.has(node.$type) || prop(node, 'triggeredByEvent') === true) {
    ctx.unsupported(node, 'multi-instance runs on user tasks, service tasks backed by a plugin and embedded sub-processes only; draw the repeated work as one of these');
    return;
  }
  reportProblems(node, spec, ctx);
  const zeebeMode = spec.flavour === 'zeebe' || ctx.zeebeMode;
  if (spec.collection === undefined && spec.cardinality === undefined && !spec.problems.some((p) => p.setting.endsWith('ollection') || p.setting === 'loopCardinality')) {
    const setting = zeebeMode ? 'Multi-instance → Input collection (e.g. =departments)' : 'Multi instance → Collection (e.g. departments) or Loop cardinality (e.g. 3)';
    report(`a multi-instance activity needs a list to run over or a number of instances: set ${setting}`);
  }
  if (spec.collection !== undefined && spec.cardinality !== undefined) {
    report(`set either ${settingName(spec, 'collection')} or ${settingName(spec, 'loopCardinality')}, not both (the number of instances would be ambiguous)`);
  }
  if (spec.elementVariable !== undefined && spec.collection === undefined) {
    report(`${settingName(spec, spec.flavour === 'zeebe' ? 'inputElement' : 'elementVariable')} is set without a collection to take items from`);
  }
  if (node.$type === 'bpmn:SubProcess' && spec.outputElement !== undefined) {
    report(`${settingName(spec, 'outputElement')} is not supported on sub-processes; collect each instance's result with a multi-instance task inside or after it`);
  }
  const expressions: [string, string | undefined][] = [
    ['collection', spec.collection],
    ['loopCardinality', spec.cardinality],
    ['completionCondition', spec.completionCondition],
    ['outputElement', spec.outputElement],
    ...Object.entries(spec.attributes),
  ];
  checkExpressions(node, spec, expressions, ctx);
}

function reportProblems(node: ModdleElement, spec: LoopSpec, ctx: RuleContext): void {
  const report = (message: string) => ctx.report(MULTI_INSTANCE_CODE, `${label(node)}: ${message}`, node);
  const zeebeMode = spec.flavour === 'zeebe' || ctx.zeebeMode;
  for (const p of spec.problems) {
    const where = `${settingName(spec, p.setting)} "${clip(p.value)}"`;
    if (p.setting === 'completionCondition') {
      const example = zeebeMode ? '=numberOfCompletedInstances >= 2' : 'nrOfCompletedInstances >= 2';
      ctx.report('INVALID_CONDITION', `${label(node)}: ${where} is a JUEL/\${...} expression; write the condition in FEEL, e.g. ${example}`, node);
    } else if (p.why === 'name') {
      report(`${where} must be a variable name (letters, digits, _), e.g. ${p.setting.startsWith('output') ? 'opinions' : 'department'}`);
    } else {
      const example = zeebeMode ? '=departments' : 'departments or ${departments}';
      report(`${where} is an expression that is not evaluated; write a FEEL expression or a variable name, e.g. ${example}`);
    }
  }
}

function checkExpressions(node: ModdleElement, spec: LoopSpec, expressions: [string, string | undefined][], ctx: RuleContext): void {
  const report = (message: string) => ctx.report(MULTI_INSTANCE_CODE, `${label(node)}: ${message}`, node);
  for (const [setting, source] of expressions) {
    if (source === undefined) continue;
    ctx.feelCharacters += source.length;
    const error = feelSyntaxError(source);
    if (error === undefined) continue;
    const what = `${settingName(spec, setting)} "${clip(source)}"`;
    if (error.startsWith(UNBOUNDED_PREFIX)) ctx.report('UNBOUNDED_EXPRESSION', `${label(node)}: ${what}: ${error.slice(UNBOUNDED_PREFIX.length).trim()}`, node);
    else if (setting === 'completionCondition') ctx.report('INVALID_CONDITION', `${label(node)}: ${what} is not a valid FEEL expression: ${error}`, node);
    else report(`${what} is not a valid FEEL expression: ${error}`);
  }
}
