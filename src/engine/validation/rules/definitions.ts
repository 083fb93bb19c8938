import type { ModdleElement } from 'bpmn-moddle';
import type { DiagramSummary } from '../index.js';
import { isZeebeDocument } from '../../task-attributes.js';
import { camundaProperties, eventKinds, instanceOf, label, list, prop, str } from '../model.js';
import type { RuleContext } from './context.js';
import { isArtifact } from './scope.js';
import { resources, scriptCondition, scriptsIn } from './scripts.js';

/** The document level: which definitions may appear, which process runs. */

export type RulesOutcome =
  | { kind: 'checked'; process: ModdleElement; summary: DiagramSummary }
  | { kind: 'no-process' };

const DEFINITIONS_CHILDREN = new Set(['bpmn:Process', 'bpmn:Collaboration', 'bpmn:Message', 'bpmn:Error', 'bpmn:Escalation', 'bpmn:Signal', 'bpmn:Category', 'bpmn:DataStore']);

export function checkDefinitions(root: ModdleElement, ctx: RuleContext): RulesOutcome {
  if (root.$type !== 'bpmn:Definitions') {
    ctx.report('XML_MALFORMED', `the root element is ${root.$type}, not bpmn:Definitions`);
    return { kind: 'no-process' };
  }
  ctx.zeebeMode = isZeebeDocument(root);
  for (const imported of list(root, 'imports')) {
    ctx.report('UNSUPPORTED_ELEMENT', `imports of other documents are not supported (${str(imported, 'location') ?? '?'})`, root);
  }
  const rootElements = list(root, 'rootElements');
  for (const element of rootElements) {
    if (!DEFINITIONS_CHILDREN.has(element.$type)) {
      ctx.unsupported(element, 'this definition is not supported by the runtime');
    } else if (element.$type === 'bpmn:Collaboration') {
      collaboration(element, ctx);
    }
  }

  const processes = rootElements.filter((e) => e.$type === 'bpmn:Process');
  if (processes.length === 0) {
    ctx.report('NO_PROCESS', 'the document contains no process');
    return { kind: 'no-process' };
  }
  let process: ModdleElement | undefined;
  if (processes.length === 1) {
    process = processes[0];
  } else {
    const executable = processes.filter((p) => prop(p, 'isExecutable') === true);
    if (executable.length === 1) {
      process = executable[0];
    } else {
      const ids = processes.map((p) => p.id ?? '?').join(', ');
      ctx.report(
        'AMBIGUOUS_PROCESS',
        `the document has ${processes.length} processes (${ids}) and ${executable.length} of them marked executable; ` +
          'mark exactly one as executable (Camunda Modeler: select the pool, "Executable")',
      );
    }
  }
  if (!process) return { kind: 'no-process' };
  for (const other of processes) if (other !== process) passiveProcess(other, ctx);
  scriptsIn(process, ctx);
  resources(process, ctx);
  ctx.summary.processProperties = camundaProperties(process);
  ctx.checkScope(process, 0);
  return { kind: 'checked', process, summary: ctx.summary };
}

function collaboration(collaboration: ModdleElement, ctx: RuleContext): void {
  for (const key of ['conversations', 'conversationLinks', 'conversationAssociations', 'choreographyRef', 'correlationKeys']) {
    const value = prop(collaboration, key);
    if (Array.isArray(value) && value.length > 0) ctx.unsupported(collaboration, `${key} are not supported`);
  }
  for (const artifact of list(collaboration, 'artifacts')) {
    if (!isArtifact(artifact)) ctx.unsupported(artifact, 'this artifact is not supported');
  }
}

/**
 * A process other than the executable one never runs from the engine's execute(), but
 * bpmn-elements starts a non-executable process whose start event waits for a message or
 * signal when one with that id is delivered. Refuse such starts and any script in it.
 */
function passiveProcess(process: ModdleElement, ctx: RuleContext): void {
  scriptsIn(process, ctx);
  const visit = (container: ModdleElement, depth: number): void => {
    if (depth > 64) return;
    for (const element of list(container, 'flowElements')) {
      scriptsIn(element, ctx);
      if (element.$type === 'bpmn:ScriptTask') {
        ctx.report('SCRIPT_NOT_ALLOWED', `${label(element)}: script tasks are not allowed`, element);
      }
      if (element.$type === 'bpmn:SequenceFlow') scriptCondition(element, ctx);
      const triggers = list(element, 'eventDefinitions').map((d) => d.$type);
      const startable = triggers.includes('bpmn:MessageEventDefinition') || triggers.includes('bpmn:SignalEventDefinition');
      if (element.$type === 'bpmn:StartEvent' && container === process && startable) {
        ctx.unsupported(
          element,
          `a ${eventKinds(element)} start event in process ${process.id ?? '?'}, which is not the executable process, ` +
            'would be started by the engine when a matching message or signal arrives',
        );
      }
      if (instanceOf(element, 'bpmn:SubProcess')) visit(element, depth + 1);
    }
  };
  visit(process, 0);
}
