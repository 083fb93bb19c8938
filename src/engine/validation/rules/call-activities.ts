import type { ModdleElement } from 'bpmn-moddle';
import { readCallSpec } from '../../call-activity.js';
import { label, prop, str } from '../model.js';
import type { NodeRule } from './context.js';

/**
 * Call activities: the child is a case of another published procedure (src/cases/call-activities.ts).
 * The called key must be fixed text: an expression would pick the procedure from case data,
 * which nobody reviewed at publish. The key need not be published yet (a group is published
 * in any order); a key missing when a case gets there is an incident CALLED_PROCEDURE_NOT_FOUND.
 */

const EXPRESSION = /\$\{|#\{|^\s*=/;

/** The process the element belongs to (its id is the procedure key being published). */
function processOf(node: ModdleElement): ModdleElement | undefined {
  let current: ModdleElement | undefined = node;
  for (let hops = 0; current && hops < 70; hops++) {
    if (current.$type === 'bpmn:Process') return current;
    current = prop(current, '$parent') as ModdleElement | undefined;
  }
  return undefined;
}

export const callActivityRule: NodeRule = {
  types: ['bpmn:CallActivity'],
  check(node, ctx) {
    const spec = readCallSpec(node);
    const where = label(node);
    const zeebe = spec.flavour === 'zeebe';
    const setting = zeebe ? 'Called element → Process ID' : 'Called element (calledElement)';
    if (spec.calledElement === '') {
      ctx.report('CALL_ELEMENT_MISSING', `${where}: name the procedure it calls in ${setting} / hoạt động gọi chưa ghi mã thủ tục được gọi`, node);
    } else if (EXPRESSION.test(spec.calledElement)) {
      ctx.report(
        'CALL_ELEMENT_EXPRESSION',
        `${where}: ${setting} "${spec.calledElement.slice(0, 80)}" is an expression; write the procedure key itself (draw a gateway to choose between procedures) / mã thủ tục được gọi phải là giá trị cố định`,
        node,
      );
    } else if (spec.calledElement === processOf(node)?.id) {
      ctx.report('CALL_SELF', `${where}: the procedure calls itself; a case would start copies of itself without end / thủ tục không được tự gọi chính nó`, node);
    }
    for (const problem of spec.problems) ctx.report(problem.code, `${where}: ${problem.message}`, node);
    for (const attribute of ['variableMappingClass', 'variableMappingDelegateExpression', 'caseRef']) {
      if (str(node, attribute)) ctx.report('CALL_MAPPING_UNSUPPORTED', `${where}: camunda:${attribute} runs Java code the service does not have; map variables with camunda:in / camunda:out`, node);
    }
  },
};
