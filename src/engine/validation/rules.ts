import type { ModdleElement } from 'bpmn-moddle';
import { feelSource, feelSyntaxError, looksLikeJuel, UNBOUNDED_PREFIX } from './feel.js';
import { isIsoCycle, isIsoDateTime, isIsoDuration } from './timers.js';
import type { DiagramSummary, Problem } from './index.js';
import { isZeebeDocument, readTaskAttributes } from '../task-attributes.js';
import {
  bodyOf,
  camundaProperties,
  clip,
  containsScript,
  eventKinds,
  idOf,
  instanceOf,
  isEventSubProcess,
  label,
  list,
  prop,
  ref,
  str,
  typeName,
} from './model.js';

/*
 * Checks of the parsed model against what our runtime runs: bpmn-engine for the flow,
 * plugins (external service tasks) for work, FEEL for conditions, our scheduler for timers.
 */

export interface RuleOptions {
  plugins: ReadonlySet<string>;
  isValidDuration: (text: string) => boolean;
  /** Characters of FEEL parsed per diagram; conditions beyond it are refused unchecked. */
  maxFeelCharacters: number;
}

export type RulesOutcome =
  | { kind: 'checked'; process: ModdleElement; summary: DiagramSummary }
  | { kind: 'no-process' };

const DEFINITIONS_CHILDREN = new Set([
  'bpmn:Process',
  'bpmn:Collaboration',
  'bpmn:Message',
  'bpmn:Error',
  'bpmn:Category',
  'bpmn:DataStore',
]);

const SUPPORTED_END = new Set(['bpmn:TerminateEventDefinition', 'bpmn:ErrorEventDefinition']);
const SUPPORTED_BOUNDARY = new Set(['bpmn:TimerEventDefinition', 'bpmn:MessageEventDefinition', 'bpmn:ErrorEventDefinition']);
const ARTIFACTS = new Set(['bpmn:TextAnnotation', 'bpmn:Association', 'bpmn:Group']);
const DATA = new Set(['bpmn:DataObject', 'bpmn:DataObjectReference', 'bpmn:DataStoreReference']);

// ---------------------------------------------------------------- the checker

class Checker {
  readonly problems: Problem[] = [];
  private feelCharacters = 0;
  readonly summary: DiagramSummary = { userTasks: [], serviceTasks: [], messages: [], processProperties: {} };
  private readonly messageIds = new Set<string>();
  /** Camunda Modeler in Camunda 8 mode: advice names Zeebe properties, not Camunda 7 ones. */
  private zeebeMode = false;

  constructor(private readonly options: RuleOptions) {}

  report(code: string, message: string, element?: ModdleElement | string): void {
    const elementId = typeof element === 'string' ? element : idOf(element);
    const p: Problem = { code, message };
    if (elementId !== undefined) p.elementId = elementId;
    this.problems.push(p);
  }

  unsupported(element: ModdleElement, why: string): void {
    this.report('UNSUPPORTED_ELEMENT', `${label(element)}: ${why}`, element);
  }

  // ------------------------------------------------------------ definitions level

  definitions(root: ModdleElement): RulesOutcome {
    if (root.$type !== 'bpmn:Definitions') {
      this.report('XML_MALFORMED', `the root element is ${root.$type}, not bpmn:Definitions`);
      return { kind: 'no-process' };
    }
    this.zeebeMode = isZeebeDocument(root);
    for (const imported of list(root, 'imports')) {
      this.report('UNSUPPORTED_ELEMENT', `imports of other documents are not supported (${str(imported, 'location') ?? '?'})`, root);
    }
    const rootElements = list(root, 'rootElements');
    for (const element of rootElements) {
      if (!DEFINITIONS_CHILDREN.has(element.$type)) {
        this.unsupported(element, 'this definition is not supported by the runtime');
      } else if (element.$type === 'bpmn:Collaboration') {
        this.collaboration(element);
      }
    }

    const processes = rootElements.filter((e) => e.$type === 'bpmn:Process');
    if (processes.length === 0) {
      this.report('NO_PROCESS', 'the document contains no process');
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
        this.report(
          'AMBIGUOUS_PROCESS',
          `the document has ${processes.length} processes (${ids}) and ${executable.length} of them marked executable; ` +
            'mark exactly one as executable (Camunda Modeler: select the pool, "Executable")',
        );
      }
    }
    if (!process) return { kind: 'no-process' };
    for (const other of processes) if (other !== process) this.passiveProcess(other);
    this.executableProcess(process);
    return { kind: 'checked', process, summary: this.summary };
  }

  private collaboration(collaboration: ModdleElement): void {
    for (const key of ['conversations', 'conversationLinks', 'conversationAssociations', 'choreographyRef', 'correlationKeys']) {
      const value = prop(collaboration, key);
      if (Array.isArray(value) && value.length > 0) this.unsupported(collaboration, `${key} are not supported`);
    }
    for (const artifact of list(collaboration, 'artifacts')) {
      if (!ARTIFACTS.has(artifact.$type)) this.unsupported(artifact, 'this artifact is not supported');
    }
  }

  /**
   * A process other than the executable one never runs from the engine's execute(), but
   * bpmn-elements starts a non-executable process whose start event waits for a message or
   * signal when one with that id is delivered. Refuse such starts and any script in it.
   */
  private passiveProcess(process: ModdleElement): void {
    this.scriptsIn(process);
    const visit = (container: ModdleElement, depth: number): void => {
      if (depth > 64) return;
      for (const element of list(container, 'flowElements')) {
        this.scriptsIn(element);
        if (element.$type === 'bpmn:ScriptTask') {
          this.report('SCRIPT_NOT_ALLOWED', `${label(element)}: script tasks are not allowed`, element);
        }
        if (element.$type === 'bpmn:SequenceFlow') this.scriptCondition(element);
        const triggers = list(element, 'eventDefinitions').map((d) => d.$type);
        const startable = triggers.includes('bpmn:MessageEventDefinition') || triggers.includes('bpmn:SignalEventDefinition');
        if (element.$type === 'bpmn:StartEvent' && container === process && startable) {
          this.unsupported(
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

  // ------------------------------------------------------------ the executable process

  private executableProcess(process: ModdleElement): void {
    this.scriptsIn(process);
    this.resources(process);
    this.summary.processProperties = camundaProperties(process);
    this.scope(process, 0);
  }

  /** One process or embedded sub-process: its elements, its connectivity. */
  private scope(container: ModdleElement, depth: number): void {
    const elements = list(container, 'flowElements');
    const nodes = new Set<ModdleElement>();
    const flows: ModdleElement[] = [];
    for (const element of elements) {
      if (element.$type === 'bpmn:SequenceFlow') flows.push(element);
      else if (instanceOf(element, 'bpmn:FlowNode')) nodes.add(element);
      else if (!DATA.has(element.$type)) this.unsupported(element, 'this element is not supported by the runtime');
    }
    for (const artifact of list(container, 'artifacts')) {
      if (!ARTIFACTS.has(artifact.$type)) this.unsupported(artifact, 'this artifact is not supported');
    }

    for (const node of nodes) this.node(node, depth);

    // Start events.
    const noneStarts = [...nodes].filter((n) => n.$type === 'bpmn:StartEvent' && list(n, 'eventDefinitions').length === 0);
    const where = container.$type === 'bpmn:Process' ? `process ${container.id ?? '?'}` : `sub-process ${container.id ?? '?'}`;
    if (noneStarts.length !== 1) {
      this.report(
        'NO_NONE_START_EVENT',
        `${where} must have exactly one start event without a trigger; it has ${noneStarts.length}`,
        container,
      );
    }

    // Sequence flows.
    const outgoing = new Map<ModdleElement, ModdleElement[]>();
    const incoming = new Map<ModdleElement, ModdleElement[]>();
    for (const node of nodes) {
      outgoing.set(node, []);
      incoming.set(node, []);
    }
    for (const flow of flows) {
      this.scriptsIn(flow);
      const source = ref(flow, 'sourceRef');
      const target = ref(flow, 'targetRef');
      const sourceOk = source !== undefined && nodes.has(source);
      const targetOk = target !== undefined && nodes.has(target);
      if (!sourceOk) {
        this.report(
          'FLOW_SOURCE_MISSING',
          `sequence flow ${flow.id ?? '?'} has ${source ? `a source (${source.id ?? '?'}) outside ${where}` : 'no resolvable source'}`,
          flow,
        );
      }
      if (!targetOk) {
        this.report(
          'FLOW_TARGET_MISSING',
          `sequence flow ${flow.id ?? '?'} has ${target ? `a target (${target.id ?? '?'}) outside ${where}` : 'no resolvable target'}`,
          flow,
        );
      }
      if (sourceOk) outgoing.get(source)?.push(flow);
      if (targetOk) incoming.get(target)?.push(flow);
      this.condition(flow, sourceOk ? source : undefined);
    }

    // Gateways.
    for (const node of nodes) this.gateway(node, outgoing.get(node) ?? []);

    // Boundary events belong to the activity they are attached to.
    const boundaries = new Map<ModdleElement, ModdleElement[]>();
    for (const node of nodes) {
      if (node.$type !== 'bpmn:BoundaryEvent') continue;
      const host = ref(node, 'attachedToRef');
      if (!host || !nodes.has(host) || !instanceOf(host, 'bpmn:Activity')) {
        this.unsupported(node, `a boundary event must be attached to an activity of ${where}`);
        continue;
      }
      const attached = boundaries.get(host) ?? [];
      attached.push(node);
      boundaries.set(host, attached);
    }

    // Dead ends.
    for (const node of nodes) {
      if (isEventSubProcess(node)) continue;
      if (node.$type === 'bpmn:EndEvent') continue;
      if ((outgoing.get(node) ?? []).length === 0) {
        this.report(
          'DEAD_END',
          `${label(node)} has no outgoing sequence flow: the case would stop there without reaching an end event`,
          node,
        );
      }
    }

    // Reachability from the start event(s).
    const reached = new Set<ModdleElement>();
    const queue: ModdleElement[] = [...noneStarts];
    while (queue.length > 0) {
      const node = queue.pop();
      if (!node || reached.has(node)) continue;
      reached.add(node);
      for (const boundary of boundaries.get(node) ?? []) queue.push(boundary);
      for (const flow of outgoing.get(node) ?? []) {
        const target = ref(flow, 'targetRef');
        if (target && nodes.has(target)) queue.push(target);
      }
    }
    for (const node of nodes) {
      if (reached.has(node) || node.$type === 'bpmn:StartEvent' || node.$type === 'bpmn:BoundaryEvent' || isEventSubProcess(node)) {
        continue;
      }
      if (noneStarts.length === 0) continue; // already reported: NO_NONE_START_EVENT
      const why = (incoming.get(node) ?? []).length === 0 ? 'has no incoming sequence flow' : 'cannot be reached from the start event';
      this.report('UNREACHABLE', `${label(node)} ${why}`, node);
    }
  }

  /** Performers (bpmn:resources) without an assignment expression make the engine's loader fail. */
  private resources(element: ModdleElement): void {
    for (const resource of list(element, 'resources')) {
      if (!ref(resource, 'resourceAssignmentExpression')) {
        this.unsupported(
          element,
          `${typeName(resource)} without a resource assignment expression cannot be loaded; assign people with camunda:assignee / camunda:candidateGroups instead`,
        );
      }
    }
  }

  private node(node: ModdleElement, depth: number): void {
    this.scriptsIn(node);
    this.resources(node);
    if (instanceOf(node, 'bpmn:Activity')) {
      const loop = ref(node, 'loopCharacteristics');
      if (loop) {
        const kind = loop.$type === 'bpmn:StandardLoopCharacteristics' ? 'loops' : 'multi-instance';
        this.unsupported(node, `${kind} (${typeName(loop)}) are not supported yet`);
      }
      if (prop(node, 'isForCompensation') === true) this.unsupported(node, 'compensation handlers are not supported');
    }

    const definitions = list(node, 'eventDefinitions');
    switch (node.$type) {
      case 'bpmn:StartEvent':
        if (definitions.length > 0) {
          this.unsupported(node, `${eventKinds(node)} start events are not supported; use a start event without a trigger`);
        }
        return;
      case 'bpmn:EndEvent':
        if (definitions.length > 1 || (definitions.length === 1 && !SUPPORTED_END.has(definitions[0]?.$type ?? ''))) {
          this.unsupported(node, `${eventKinds(node)} end events are not supported; use a plain, terminate or error end event`);
        }
        return;
      case 'bpmn:IntermediateThrowEvent':
        if (definitions.length > 0) {
          this.unsupported(node, `${eventKinds(node)} throw events are not supported; only a plain intermediate event is`);
        }
        return;
      case 'bpmn:IntermediateCatchEvent': {
        const definition = definitions[0];
        if (definitions.length !== 1 || !definition) {
          this.unsupported(node, 'an intermediate catch event needs exactly one trigger: a message or a timer');
        } else if (definition.$type === 'bpmn:MessageEventDefinition') {
          this.messageRef(node, definition);
        } else if (definition.$type === 'bpmn:TimerEventDefinition') {
          this.timer(node, definition, false);
        } else {
          this.unsupported(node, `${eventKinds(node)} catch events are not supported; use a message or timer event`);
        }
        return;
      }
      case 'bpmn:BoundaryEvent': {
        const definition = definitions[0];
        if (definitions.length !== 1 || !definition || !SUPPORTED_BOUNDARY.has(definition.$type)) {
          this.unsupported(node, `${eventKinds(node) || 'untriggered'} boundary events are not supported; use a timer, message or error boundary event`);
        } else if (definition.$type === 'bpmn:MessageEventDefinition') {
          this.messageRef(node, definition);
        } else if (definition.$type === 'bpmn:TimerEventDefinition') {
          this.timer(node, definition, prop(node, 'cancelActivity') === false);
        }
        return;
      }
      case 'bpmn:Task':
      case 'bpmn:ManualTask':
        return;
      case 'bpmn:UserTask':
        this.userTask(node);
        return;
      case 'bpmn:ServiceTask':
      case 'bpmn:SendTask':
        this.pluginTask(node);
        return;
      case 'bpmn:ReceiveTask':
        this.messageRef(node, node);
        return;
      case 'bpmn:ScriptTask':
        this.report('SCRIPT_NOT_ALLOWED', `${label(node)}: script tasks are not allowed (scripts would run unsandboxed); use a service task backed by a plugin`, node);
        return;
      case 'bpmn:BusinessRuleTask':
        this.unsupported(node, 'business rule (DMN) tasks are not supported');
        return;
      case 'bpmn:CallActivity':
        this.unsupported(node, 'call activities are not supported; model the called steps in this process or in an embedded sub-process');
        return;
      case 'bpmn:ExclusiveGateway':
      case 'bpmn:ParallelGateway':
      case 'bpmn:EventBasedGateway':
        return;
      case 'bpmn:InclusiveGateway':
      case 'bpmn:ComplexGateway':
        this.unsupported(node, `${typeName(node)}s are not supported (their joins are unreliable in the engine); use exclusive and parallel gateways`);
        return;
      case 'bpmn:SubProcess':
        if (prop(node, 'triggeredByEvent') === true) {
          this.unsupported(node, 'event sub-processes are not supported; use boundary events');
        } else if (depth >= 16) {
          this.unsupported(node, 'sub-processes are nested too deeply');
        } else {
          this.scope(node, depth + 1);
        }
        return;
      case 'bpmn:Transaction':
        this.unsupported(node, 'transactions are not supported');
        return;
      case 'bpmn:AdHocSubProcess':
        this.unsupported(node, 'ad-hoc sub-processes are not supported');
        return;
      default:
        this.unsupported(node, 'this element is not supported by the runtime');
    }
  }

  private userTask(task: ModdleElement): void {
    const attributes = readTaskAttributes(task);
    this.expressions(task, attributes.expressions);
    const entry: DiagramSummary['userTasks'][number] = {
      id: task.id ?? '',
      name: str(task, 'name')?.trim() || task.id || '',
      candidateGroups: attributes.candidateGroups,
      properties: camundaProperties(task),
    };
    if (attributes.assignee) entry.assignee = attributes.assignee;
    if (attributes.formKey) entry.formKey = attributes.formKey;
    if (attributes.formFields.length > 0) entry.formFields = attributes.formFields;
    if (attributes.dueDate !== undefined) {
      const value = attributes.dueDate;
      if (looksLikeJuel(value)) {
        this.report('INVALID_TIMER', `${label(task)}: due date "${clip(value)}" is an expression; write a fixed ISO 8601 date-time or duration`, task);
      } else if (!isIsoDateTime(value) && !isIsoDuration(value) && !this.customDuration(value)) {
        this.report(
          'INVALID_TIMER',
          `${label(task)}: due date "${clip(value)}" is neither an ISO 8601 date-time with offset (2026-03-01T17:00:00+07:00) nor a duration from the task's creation (P5D)`,
          task,
        );
      } else {
        entry.dueDate = value;
      }
    }
    this.summary.userTasks.push(entry);
  }

  /** FEEL-valued task attributes (`=...`): only fixed values are read. */
  private expressions(task: ModdleElement, found: { attribute: string; value: string }[]): void {
    for (const { attribute, value } of found) {
      this.unsupported(task, `${attribute} "${clip(value)}" is a FEEL expression; write a fixed value (expressions in task attributes are not evaluated)`);
    }
  }

  private pluginTask(task: ModdleElement): void {
    const attributes = readTaskAttributes(task);
    this.expressions(task, attributes.expressions.filter((e) => e.attribute === 'type'));
    const topic = attributes.topic;
    if (!topic) {
      if (attributes.expressions.length > 0) return;
      const type = str(task, 'type')?.trim();
      const current =
        attributes.flavour === 'zeebe'
          ? 'its task definition has no type'
          : type
            ? `its implementation is "${type}"`
            : str(task, 'topic')
              ? 'its implementation type is not "external"'
              : 'it names no plugin';
      const advice =
        this.zeebeMode || attributes.flavour === 'zeebe'
          ? 'in Camunda Modeler (Camunda 8) set Task definition → Type to the plugin name'
          : 'in Camunda Modeler set Implementation to "External" and Topic to the plugin name';
      this.report('MISSING_TOPIC', `${label(task)} must be implemented by a plugin: ${advice} (${current})`, task);
      return;
    }
    if (!this.options.plugins.has(topic)) {
      const known = [...this.options.plugins].sort().join(', ') || 'none';
      this.report('UNKNOWN_PLUGIN', `${label(task)} uses plugin "${topic}", which is not installed (installed: ${known})`, task);
      return;
    }
    this.summary.serviceTasks.push({ id: task.id ?? '', name: str(task, 'name')?.trim() || task.id || '', topic });
  }

  private messageRef(owner: ModdleElement, holder: ModdleElement): void {
    const message = ref(holder, 'messageRef');
    if (!message || message.$type !== 'bpmn:Message') {
      this.report(
        'MISSING_MESSAGE_REF',
        `${label(owner)} waits for a message but does not reference one; choose or create a message (Camunda Modeler: "Global message reference")`,
        owner,
      );
      return;
    }
    const id = message.id ?? '';
    if (!this.messageIds.has(id)) {
      this.messageIds.add(id);
      this.summary.messages.push({ id, name: str(message, 'name')?.trim() || id });
    }
  }

  private timer(owner: ModdleElement, definition: ModdleElement, mayCycle: boolean): void {
    const present = (['timeDuration', 'timeDate', 'timeCycle'] as const)
      .map((kind) => ({ kind, body: bodyOf(ref(definition, kind)) }))
      .filter((t) => t.body !== undefined && t.body !== '');
    const first = present[0];
    if (!first) {
      this.report('INVALID_TIMER', `${label(owner)}: the timer has no duration, date or cycle`, owner);
      return;
    }
    if (present.length > 1) {
      this.report('INVALID_TIMER', `${label(owner)}: a timer has exactly one of duration, date or cycle`, owner);
      return;
    }
    const value = first.body ?? '';
    const shown = value.length > 60 ? `${value.slice(0, 60)}…` : value;
    if (looksLikeJuel(value)) {
      this.report('INVALID_TIMER', `${label(owner)}: timer "${shown}" is an expression; write a fixed ISO 8601 value`, owner);
      return;
    }
    switch (first.kind) {
      case 'timeDuration':
        if (!isIsoDuration(value) && !this.customDuration(value)) {
          this.report('INVALID_TIMER', `${label(owner)}: duration "${shown}" is not an ISO 8601 duration such as PT30M, P2D or P1W`, owner);
        }
        return;
      case 'timeDate':
        if (!isIsoDateTime(value)) {
          this.report(
            'INVALID_TIMER',
            `${label(owner)}: date "${shown}" is not an ISO 8601 date-time with offset, such as 2026-03-01T09:00:00+01:00 or 2026-03-01T08:00:00Z`,
            owner,
          );
        }
        return;
      case 'timeCycle':
        if (!mayCycle) {
          this.report('INVALID_TIMER', `${label(owner)}: cycles are only allowed on non-interrupting boundary timers; use a duration or a date`, owner);
        } else if (!isIsoCycle(value)) {
          this.report('INVALID_TIMER', `${label(owner)}: cycle "${shown}" must be R<count>/<ISO 8601 duration>, such as R3/PT10M (cron is not supported)`, owner);
        }
        return;
    }
  }

  private customDuration(text: string): boolean {
    try {
      return this.options.isValidDuration(text) === true;
    } catch {
      return false;
    }
  }

  private gateway(node: ModdleElement, outgoing: ModdleElement[]): void {
    if (node.$type === 'bpmn:ExclusiveGateway' && outgoing.length > 1) {
      const defaultFlow = ref(node, 'default');
      for (const flow of outgoing) {
        if (flow === defaultFlow || ref(flow, 'conditionExpression')) continue;
        this.report(
          'MISSING_CONDITION',
          `${label(flow)} leaves ${label(node)} without a condition; give it a FEEL condition or make it the default flow`,
          flow,
        );
      }
    }
    if (node.$type === 'bpmn:EventBasedGateway') {
      for (const flow of outgoing) {
        const target = ref(flow, 'targetRef');
        if (!target) continue;
        const definition = list(target, 'eventDefinitions')[0];
        const fits =
          target.$type === 'bpmn:ReceiveTask' ||
          (target.$type === 'bpmn:IntermediateCatchEvent' &&
            (definition?.$type === 'bpmn:MessageEventDefinition' || definition?.$type === 'bpmn:TimerEventDefinition'));
        if (!fits) {
          this.unsupported(node, `an event-based gateway must lead to message or timer catch events or receive tasks, not to ${label(target)}`);
        }
      }
    }
  }

  private condition(flow: ModdleElement, source: ModdleElement | undefined): void {
    const expression = ref(flow, 'conditionExpression');
    if (!expression) return;
    if (this.scriptCondition(flow)) return;
    if (source && (source.$type === 'bpmn:ParallelGateway' || source.$type === 'bpmn:EventBasedGateway')) {
      this.report('INVALID_CONDITION', `${label(flow)}: flows leaving a ${typeName(source)} cannot have conditions`, flow);
      return;
    }
    const source_ = feelSource(bodyOf(expression) ?? '');
    if (source_ === '') {
      this.report('INVALID_CONDITION', `${label(flow)}: the condition is empty; write a FEEL condition such as = amount > 100, or remove it`, flow);
      return;
    }
    if (looksLikeJuel(source_)) {
      this.report(
        'INVALID_CONDITION',
        `${label(flow)}: "${clip(source_)}" is a JUEL/\${...} expression; write the condition in FEEL, e.g. = amount > 100`,
        flow,
      );
      return;
    }
    this.feelCharacters += source_.length;
    if (this.feelCharacters > this.options.maxFeelCharacters) {
      this.report(
        'FEEL_TOO_LARGE',
        `${label(flow)}: not checked, the conditions of this diagram have more than ${this.options.maxFeelCharacters} characters in total`,
        flow,
      );
      return;
    }
    const error = feelSyntaxError(source_);
    if (error?.startsWith(UNBOUNDED_PREFIX)) {
      this.report('UNBOUNDED_EXPRESSION', `${label(flow)}: "${clip(source_)}": ${error.slice(UNBOUNDED_PREFIX.length).trim()}`, flow);
    } else if (error !== undefined) {
      this.report('INVALID_CONDITION', `${label(flow)}: "${clip(source_)}" is not a valid FEEL expression: ${error}`, flow);
    }
  }

  /** A condition with a language attribute is a script for bpmn-engine. Returns true when reported. */
  private scriptCondition(flow: ModdleElement): boolean {
    const expression = ref(flow, 'conditionExpression');
    const language = expression ? str(expression, 'language') : undefined;
    if (!expression || language === undefined) return false;
    this.report(
      'SCRIPT_NOT_ALLOWED',
      `${label(flow)}: a condition with a script language ("${clip(language)}") is not allowed; remove the language and write FEEL`,
      flow,
    );
    return true;
  }

  /** Scripts and listeners in Camunda extension elements. */
  private scriptsIn(element: ModdleElement): void {
    const extensions = ref(element, 'extensionElements');
    if (!extensions) return;
    for (const value of list(extensions, 'values')) {
      const listener = value.$type === 'camunda:ExecutionListener' || value.$type === 'camunda:TaskListener';
      const script = containsScript(value);
      if (script) {
        const what = listener ? `a ${typeName(value).replace('camunda:', '')} with a script` : `a script in ${value.$type}`;
        this.report('SCRIPT_NOT_ALLOWED', `${label(element)}: ${what} is not allowed (scripts would run unsandboxed)`, element);
      } else if (listener) {
        this.unsupported(element, `${value.$type.replace('camunda:', '')}s are not run by this service; use a service task backed by a plugin`);
      }
    }
  }
}

export function checkModel(root: ModdleElement, options: RuleOptions): { outcome: RulesOutcome; problems: Problem[] } {
  const checker = new Checker(options);
  const outcome = checker.definitions(root);
  return { outcome, problems: checker.problems };
}
