import type { ModdleElement } from 'bpmn-moddle';
import { clip, containsScript, label, list, ref, str, typeName } from '../model.js';
import type { RuleContext } from './context.js';

/** Scripts and listeners in Camunda extension elements. */
export function scriptsIn(element: ModdleElement, ctx: RuleContext): void {
  const extensions = ref(element, 'extensionElements');
  if (!extensions) return;
  for (const value of list(extensions, 'values')) {
    const listener = value.$type === 'camunda:ExecutionListener' || value.$type === 'camunda:TaskListener';
    const script = containsScript(value);
    if (script) {
      const what = listener ? `a ${typeName(value).replace('camunda:', '')} with a script` : `a script in ${value.$type}`;
      ctx.report('SCRIPT_NOT_ALLOWED', `${label(element)}: ${what} is not allowed (scripts would run unsandboxed)`, element);
    } else if (listener) {
      ctx.unsupported(element, `${value.$type.replace('camunda:', '')}s are not run by this service; use a service task backed by a plugin`);
    }
  }
}

/** A condition with a language attribute is a script for bpmn-engine. Returns true when reported. */
export function scriptCondition(flow: ModdleElement, ctx: RuleContext): boolean {
  const expression = ref(flow, 'conditionExpression');
  const language = expression ? str(expression, 'language') : undefined;
  if (!expression || language === undefined) return false;
  ctx.report(
    'SCRIPT_NOT_ALLOWED',
    `${label(flow)}: a condition with a script language ("${clip(language)}") is not allowed; remove the language and write FEEL`,
    flow,
  );
  return true;
}

/** Performers (bpmn:resources) without an assignment expression make the engine's loader fail. */
export function resources(element: ModdleElement, ctx: RuleContext): void {
  for (const resource of list(element, 'resources')) {
    if (!ref(resource, 'resourceAssignmentExpression')) {
      ctx.unsupported(
        element,
        `${typeName(resource)} without a resource assignment expression cannot be loaded; assign people with camunda:assignee / camunda:candidateGroups instead`,
      );
    }
  }
}
