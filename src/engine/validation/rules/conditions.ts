import type { ModdleElement } from 'bpmn-moddle';
import { feelSource, feelSyntaxError, looksLikeJuel, UNBOUNDED_PREFIX } from '../feel.js';
import { bodyOf, clip, label, ref, typeName } from '../model.js';
import type { RuleContext } from './context.js';
import { scriptCondition } from './scripts.js';

/** The FEEL condition of a sequence flow (checked once per flow, by scope.ts). */
export function condition(flow: ModdleElement, source: ModdleElement | undefined, ctx: RuleContext): void {
  const expression = ref(flow, 'conditionExpression');
  if (!expression) return;
  if (scriptCondition(flow, ctx)) return;
  if (source && (source.$type === 'bpmn:ParallelGateway' || source.$type === 'bpmn:EventBasedGateway')) {
    ctx.report('INVALID_CONDITION', `${label(flow)}: flows leaving a ${typeName(source)} cannot have conditions`, flow);
    return;
  }
  const source_ = feelSource(bodyOf(expression) ?? '');
  if (source_ === '') {
    ctx.report('INVALID_CONDITION', `${label(flow)}: the condition is empty; write a FEEL condition such as = amount > 100, or remove it`, flow);
    return;
  }
  if (looksLikeJuel(source_)) {
    ctx.report(
      'INVALID_CONDITION',
      `${label(flow)}: "${clip(source_)}" is a JUEL/\${...} expression; write the condition in FEEL, e.g. = amount > 100`,
      flow,
    );
    return;
  }
  ctx.feelCharacters += source_.length;
  if (ctx.feelCharacters > ctx.options.maxFeelCharacters) {
    ctx.report(
      'FEEL_TOO_LARGE',
      `${label(flow)}: not checked, the conditions of this diagram have more than ${ctx.options.maxFeelCharacters} characters in total`,
      flow,
    );
    return;
  }
  const error = feelSyntaxError(source_);
  if (error?.startsWith(UNBOUNDED_PREFIX)) {
    ctx.report('UNBOUNDED_EXPRESSION', `${label(flow)}: "${clip(source_)}": ${error.slice(UNBOUNDED_PREFIX.length).trim()}`, flow);
  } else if (error !== undefined) {
    ctx.report('INVALID_CONDITION', `${label(flow)}: "${clip(source_)}" is not a valid FEEL expression: ${error}`, flow);
  }
}
