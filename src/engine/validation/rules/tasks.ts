import type { ModdleElement } from 'bpmn-moddle';
import { looksLikeJuel } from '../feel.js';
import { isIsoDateTime, isIsoDuration } from '../timers.js';
import type { DiagramSummary } from '../index.js';
import { readTaskAttributes } from '../../task-attributes.js';
import { camundaProperties, clip, label, str } from '../model.js';
import type { NodeRule, RuleContext } from './context.js';
import { messageRef } from './triggers.js';
import { checkInstanceAttributes, INSTANCE_ATTRIBUTES, isMultiInstance } from './multi-instance.js';
import { insideMultiInstance } from '../../loop-spec.js';

/** Tasks: plain and manual steps, user tasks, plugin-backed service/send tasks, receive tasks. */

export const plainTasks: NodeRule = {
  types: ['bpmn:Task', 'bpmn:ManualTask'],
  check() {},
};

/** FEEL-valued task attributes (`=...`): only fixed values are read. */
function expressions(task: ModdleElement, found: { attribute: string; value: string }[], ctx: RuleContext): void {
  for (const { attribute, value } of found) {
    ctx.unsupported(task, `${attribute} "${clip(value)}" is a FEEL expression; write a fixed value (expressions in task attributes are not evaluated)`);
  }
}

export const userTasks: NodeRule = {
  types: ['bpmn:UserTask'],
  check(task, ctx) {
    const attributes = readTaskAttributes(task);
    // A multi-instance task's people may come from its item (checked in multi-instance.ts).
    const nested = insideMultiInstance(task);
    const perInstance = isMultiInstance(task) || nested;
    if (nested) checkInstanceAttributes(task, ctx);
    expressions(task, attributes.expressions.filter((e) => !perInstance || !INSTANCE_ATTRIBUTES.has(e.attribute)), ctx);
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
        ctx.report('INVALID_TIMER', `${label(task)}: due date "${clip(value)}" is an expression; write a fixed ISO 8601 date-time or duration`, task);
      } else if (!isIsoDateTime(value) && !isIsoDuration(value) && !ctx.customDuration(value)) {
        ctx.report(
          'INVALID_TIMER',
          `${label(task)}: due date "${clip(value)}" is neither an ISO 8601 date-time with offset (2026-03-01T17:00:00+07:00) nor a duration from the task's creation (P5D)`,
          task,
        );
      } else {
        entry.dueDate = value;
      }
    }
    ctx.summary.userTasks.push(entry);
  },
};

export const pluginTasks: NodeRule = {
  types: ['bpmn:ServiceTask', 'bpmn:SendTask'],
  check(task, ctx) {
    const attributes = readTaskAttributes(task);
    expressions(task, attributes.expressions.filter((e) => e.attribute === 'type'), ctx);
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
        ctx.zeebeMode || attributes.flavour === 'zeebe'
          ? 'in Camunda Modeler (Camunda 8) set Task definition → Type to the plugin name'
          : 'in Camunda Modeler set Implementation to "External" and Topic to the plugin name';
      ctx.report('MISSING_TOPIC', `${label(task)} must be implemented by a plugin: ${advice} (${current})`, task);
      return;
    }
    if (!ctx.options.plugins.has(topic)) {
      const known = [...ctx.options.plugins].sort().join(', ') || 'none';
      ctx.report('UNKNOWN_PLUGIN', `${label(task)} uses plugin "${topic}", which is not installed (installed: ${known})`, task);
      return;
    }
    ctx.summary.serviceTasks.push({ id: task.id ?? '', name: str(task, 'name')?.trim() || task.id || '', topic });
  },
};

export const receiveTasks: NodeRule = {
  types: ['bpmn:ReceiveTask'],
  check(task, ctx) {
    messageRef(task, task, ctx);
  },
};

export const scriptTasks: NodeRule = {
  types: ['bpmn:ScriptTask'],
  check(task, ctx) {
    ctx.report('SCRIPT_NOT_ALLOWED', `${label(task)}: script tasks are not allowed (scripts would run unsandboxed); use a service task backed by a plugin`, task);
  },
};
