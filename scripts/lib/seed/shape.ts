/**
 * A planned dossier as the documents the service stores: the captured template of its
 * procedure and state, re-identified and re-timed, with its unit, clocks, outcome, the
 * service-index keys (indexKeysOf) and, for late or overdue ones, the escalations fired.
 */
import type { WorkingCalendar } from '../../../src/calendar/index.js';
import type { HistoryEntry, TaskDoc, TaskWait } from '../../../src/domain/case.js';
import { classify, pauseClock, startClock, type Clock } from '../../../src/deadlines/clock.js';
import { DOSSIER_STATUS, type DossierInfo } from '../../../src/dossiers/types.js';
import { indexKeysOf, type IndexedCase } from '../../../src/reports/index-keys.js';
import type { EscalationDoc } from '../../../src/store/documents.js';
import { workFieldsOf } from '../../../src/monitoring/work-fields.js';
import type { PlannedDossier } from './plan.js';
import type { ProcedureTemplate, Shape, TemplateState } from './templates.js';
import type { SeedUnit } from './units.js';

export interface SeededDocs {
  case: IndexedCase;
  tasks: TaskDoc[];
  history: HistoryEntry[];
  escalations: EscalationDoc[];
}

/** Templates serialised once; each dossier parses its own copy (cheaper than a deep clone). */
export interface PreparedTemplate {
  key: string;
  name: string;
  states: Record<TemplateState, { caseId: string; json: string }>;
}

export function prepareTemplate(t: ProcedureTemplate): PreparedTemplate {
  const state = (s: Shape) => ({ caseId: s.case._id, json: JSON.stringify(s) });
  return { key: t.key, name: t.name, states: { processing: state(t.states.processing), supplement: state(t.states.supplement), payment: state(t.states.payment) } };
}

const iso = (d: Date): string => d.toISOString();
const yymmdd = (d: Date): string => new Date(d.getTime() + 7 * 3600_000).toISOString().slice(2, 10).replace(/-/g, '');

export interface ShapeContext {
  calendar: WorkingCalendar;
  reminderShare: number;
  unit: SeedUnit;
  /** The dossier's code sequence number for its unit and day of submission. */
  seq: number;
  /** New task ids (seeded, UUID-shaped). */
  uuid: () => string;
}

export function shapeDossier(p: PlannedDossier, t: PreparedTemplate, ctx: ShapeContext): SeededDocs {
  const stateName: TemplateState = p.outcome === 'supplement' || p.outcome === 'payment' ? p.outcome : 'processing';
  const tpl = t.states[stateName];
  const shape = JSON.parse(tpl.json.replaceAll(tpl.caseId, p.id)) as Shape;
  const c = shape.case as IndexedCase;
  const unitId = ctx.unit.id;
  const finished = p.finishedAt !== null;
  const end = p.returnedAt ?? p.finishedAt;
  const lastChange = end ?? p.pausedAt ?? p.receivedAt;

  // Step clocks start at receipt; a paused dossier's stop with the case clock.
  const taskIds = new Map<string, string>();
  const stepClocks = new Map<string, Clock>();
  for (const w of c.waits) {
    if (w.kind !== 'task') continue;
    const id = ctx.uuid();
    taskIds.set(w.taskId, id);
    let clock = w.clock ? startClock(ctx.calendar, w.clock.spec, null, p.receivedAt, ctx.reminderShare) : undefined;
    if (clock && p.pausedAt) clock = pauseClock(ctx.calendar, clock, p.pausedAt, p.clock.pauses.at(-1)?.reason ?? 'paused');
    if (clock) stepClocks.set(w.taskId, clock);
    Object.assign(w as TaskWait, { taskId: id, since: iso(p.receivedAt), unitId, ...(clock ? { clock } : {}) });
  }
  const stepDone = (clock: Clock | undefined): Date => {
    if (!p.finishedAt) return p.receivedAt;
    const budgetEnd = clock ? Date.parse(clock.dueAt) : p.finishedAt.getTime();
    const at = p.receivedAt.getTime() + p.stepShare * 1.1 * (budgetEnd - p.receivedAt.getTime());
    return new Date(Math.min(Math.max(at, p.receivedAt.getTime() + 60_000), p.finishedAt.getTime()));
  };
  const officer = `can-bo-${String(p.officer).padStart(2, '0')}`;

  const d = c.dossier as DossierInfo;
  const pausedAtIso = p.pausedAt ? iso(p.pausedAt) : null;
  Object.assign(d, {
    code: `${ctx.unit.code}-${yymmdd(p.submittedAt)}-${String(ctx.seq).padStart(4, '0')}`,
    applicant: { ...d.applicant, name: p.applicant },
    channel: p.channel,
    receivingUnitId: unitId,
    processingUnitId: unitId,
    currentUnitId: unitId,
    unitIds: [unitId],
    status: finished ? DOSSIER_STATUS.returned : d.status,
    submittedAt: iso(p.submittedAt),
    receivedAt: iso(p.receivedAt),
    finishedAt: p.finishedAt ? iso(p.finishedAt) : null,
    returnedAt: p.returnedAt ? iso(p.returnedAt) : null,
    supplements: d.supplements.map((s) => ({ ...s, requestedAt: pausedAtIso ?? s.requestedAt, requestedBy: officer, previousDueAt: p.clock.dueAt })),
    payments: d.payments.map((x) => ({ ...x, requestedAt: pausedAtIso ?? x.requestedAt })),
    ...(finished ? { result: { code: `KQ-${d.procedureCode}-${p.index}`, fileUrl: null, signed: true, recordedAt: iso(p.finishedAt!), recordedBy: officer } } : {}),
  });
  Object.assign(c, {
    unitId,
    clock: p.clock,
    sla: p.sla,
    status: finished ? 'completed' : c.status,
    waits: finished ? [] : c.waits,
    createdAt: iso(p.submittedAt),
    updatedAt: iso(lastChange),
    endedAt: end ? iso(end) : null,
  });
  c.indexKeys = indexKeysOf(c);

  // The monitoring lists' fields, as the commit policy writes them (src/monitoring/work-policy.ts).
  const waitOf = new Map(c.waits.filter((w): w is TaskWait => w.kind === 'task').map((w) => [w.taskId, w]));
  const workOf = (id: string, task: TaskDoc) => {
    const wait = waitOf.get(id);
    const work = !finished && wait ? workFieldsOf(c, wait, (task as TaskDoc & { stepName?: string }).stepName ?? task.name) : null;
    return work ?? { openWork: [] };
  };
  const tasks = shape.tasks.map((task): TaskDoc => {
    const clock = stepClocks.get(task._id);
    const done = stepDone(clock);
    const id = taskIds.get(task._id) ?? ctx.uuid();
    return {
      ...task,
      ...workOf(id, task),
      _id: id,
      createdAt: iso(p.receivedAt),
      dueAt: clock?.dueAt ?? task.dueAt,
      unitId,
      ...(finished ? { status: 'completed' as const, endedAt: iso(done), completedBy: officer, sla: clock ? classify(ctx.calendar, clock, done) : null } : {}),
    };
  });

  // Revision 1 is the submission, 2 the receipt, later ones the pause the template recorded.
  const history = shape.history.map((h) => {
    const rev = Math.floor(h.seq / 1000);
    return { ...h, at: iso(rev <= 1 ? p.submittedAt : rev === 2 || !p.pausedAt ? p.receivedAt : p.pausedAt) };
  });
  const escalations: EscalationDoc[] = [];
  const extra = (type: string, at: Date, fields: Partial<HistoryEntry> = {}) => {
    const rev = 3 + history.length - shape.history.length;
    history.push({ _id: `${p.id}-${rev}-0`, caseId: p.id, seq: rev * 1000, at: iso(at), type, by: officer, ...fields });
  };
  const fire = (kind: 'reminder' | 'breach', at: string) => {
    escalations.push({
      _id: `${p.id}-case-${kind}-g${p.clock.generation}`,
      caseId: p.id,
      procedureKey: p.procedureKey,
      subject: 'case',
      activityId: null,
      kind,
      generation: p.clock.generation,
      at,
      dueAt: p.clock.dueAt,
      budgetMinutes: p.clock.budgetMinutes,
      usedMinutes: kind === 'breach' ? p.clock.budgetMinutes : Math.round(p.clock.budgetMinutes * ctx.reminderShare),
      unitIds: [unitId],
    });
  };
  if (p.clock.reminded && p.clock.remindAt) fire('reminder', p.clock.remindAt);
  if (p.clock.breached) fire('breach', p.clock.dueAt);
  if (finished) {
    for (const task of tasks) extra('task.completed', new Date(task.endedAt!), { activityId: task.activityId, dataJson: '{}' });
    extra('dossier.result-returned', p.returnedAt ?? p.finishedAt!);
    // The case's revision is its last commit's, as the history entries number them.
    c.revision = Math.floor(history.at(-1)!.seq / 1000);
  }
  return { case: c, tasks, history, escalations };
}
