import type { ModdleElement } from 'bpmn-moddle';
import { looksLikeJuel } from '../feel.js';
import { bodyOf, label, list, ref } from '../model.js';
import { parseSchedule } from '../../timer-schedule.js';
import { scheduleUnitOf } from '../../event-starts.js';
import type { RuleContext } from './context.js';

/** The process property naming the unit that owns the cases a schedule starts. */
export const SCHEDULE_UNIT_PROPERTY = 'unitId';

/** A process's timer start event: its schedule, and the unit its cases belong to. */
export function timerStartSchedule(node: ModdleElement, ctx: RuleContext): void {
  const definition = list(node, 'eventDefinitions')[0];
  const present = (['timeDuration', 'timeDate', 'timeCycle'] as const)
    .map((kind) => ({ kind, body: definition ? bodyOf(ref(definition, kind)) : undefined }))
    .filter((t) => t.body !== undefined && t.body !== '');
  const first = present[0];
  if (!first || present.length > 1) {
    ctx.report('INVALID_TIMER', `${label(node)}: a timer start event has exactly one date (timeDate) or cycle (timeCycle)`, node);
    return;
  }
  const text = first.body ?? '';
  const shown = text.length > 60 ? `${text.slice(0, 60)}…` : text;
  if (looksLikeJuel(text) || text.length > 120) {
    ctx.report('INVALID_TIMER', `${label(node)}: timer "${shown}" must be a fixed date, cycle or cron expression`, node);
    return;
  }
  const schedule = parseSchedule(first.kind, text);
  if ('error' in schedule) ctx.report('INVALID_TIMER', `${label(node)}: ${schedule.error}`, node);
  if (!scheduleUnitOf(node.$parent, SCHEDULE_UNIT_PROPERTY)) {
    ctx.report(
      'TIMER_START_UNIT',
      `${label(node)}: cases started by the schedule need a unit; add the process property "${SCHEDULE_UNIT_PROPERTY}" with the unit's id (Camunda Modeler: process, Extension properties; camunda:properties or zeebe:properties) / cần đơn vị sở hữu hồ sơ tạo theo lịch`,
      node,
    );
  }
}
