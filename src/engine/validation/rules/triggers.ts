import type { ModdleElement } from 'bpmn-moddle';
import { looksLikeJuel } from '../feel.js';
import { isIsoCycle, isIsoDateTime, isIsoDuration } from '../timers.js';
import { bodyOf, label, ref, str } from '../model.js';
import type { RuleContext } from './context.js';

/** What events and receive tasks wait for: a message definition, a timer value. */

export function messageRef(owner: ModdleElement, holder: ModdleElement, ctx: RuleContext): void {
  const message = ref(holder, 'messageRef');
  if (!message || message.$type !== 'bpmn:Message') {
    ctx.report(
      'MISSING_MESSAGE_REF',
      `${label(owner)} waits for a message but does not reference one; choose or create a message (Camunda Modeler: "Global message reference")`,
      owner,
    );
    return;
  }
  const id = message.id ?? '';
  if (!ctx.messageIds.has(id)) {
    ctx.messageIds.add(id);
    ctx.summary.messages.push({ id, name: str(message, 'name')?.trim() || id });
  }
}

export function timer(owner: ModdleElement, definition: ModdleElement, mayCycle: boolean, ctx: RuleContext): void {
  const present = (['timeDuration', 'timeDate', 'timeCycle'] as const)
    .map((kind) => ({ kind, body: bodyOf(ref(definition, kind)) }))
    .filter((t) => t.body !== undefined && t.body !== '');
  const first = present[0];
  if (!first) {
    ctx.report('INVALID_TIMER', `${label(owner)}: the timer has no duration, date or cycle`, owner);
    return;
  }
  if (present.length > 1) {
    ctx.report('INVALID_TIMER', `${label(owner)}: a timer has exactly one of duration, date or cycle`, owner);
    return;
  }
  const value = first.body ?? '';
  const shown = value.length > 60 ? `${value.slice(0, 60)}…` : value;
  if (looksLikeJuel(value)) {
    ctx.report('INVALID_TIMER', `${label(owner)}: timer "${shown}" is an expression; write a fixed ISO 8601 value`, owner);
    return;
  }
  switch (first.kind) {
    case 'timeDuration':
      if (!isIsoDuration(value) && !ctx.customDuration(value)) {
        ctx.report('INVALID_TIMER', `${label(owner)}: duration "${shown}" is not an ISO 8601 duration such as PT30M, P2D or P1W`, owner);
      }
      return;
    case 'timeDate':
      if (!isIsoDateTime(value)) {
        ctx.report(
          'INVALID_TIMER',
          `${label(owner)}: date "${shown}" is not an ISO 8601 date-time with offset, such as 2026-03-01T09:00:00+01:00 or 2026-03-01T08:00:00Z`,
          owner,
        );
      }
      return;
    case 'timeCycle':
      if (!mayCycle) {
        ctx.report('INVALID_TIMER', `${label(owner)}: cycles are only allowed on non-interrupting boundary timers; use a duration or a date`, owner);
      } else if (!isIsoCycle(value)) {
        ctx.report('INVALID_TIMER', `${label(owner)}: cycle "${shown}" must be R<count>/<ISO 8601 duration>, such as R3/PT10M (cron is not supported)`, owner);
      }
      return;
  }
}
