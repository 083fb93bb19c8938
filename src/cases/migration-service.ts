import type { CaseDoc } from '../domain/case.js';
import { conflict, unprocessable } from '../domain/errors.js';
import { runStep } from '../engine/step-runner.js';
import { calendarDurationResolver } from '../deadlines/timer-durations.js';
import { moveWork } from '../dossiers/dossier-service.js';
import type { CaseTransactions } from './case-transactions.js';
import { caseView, type CaseView } from './views.js';
import { eventSubProcessMigrationProblem } from './event-sub-process-migration.js';
import { activeLoops } from '../engine/multi-instance.js';

/** Renames activity ids inside a saved engine state (elements carry `id` beside `type`). */
function renameActivities(state: unknown, mapping: Record<string, string>): unknown {
  if (Array.isArray(state)) return state.map((item) => renameActivities(item, mapping));
  if (state === null || typeof state !== 'object') return state;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(state)) out[key] = renameActivities(value, mapping);
  const id = out.id;
  if (typeof id === 'string' && typeof out.type === 'string' && mapping[id]) out.id = mapping[id];
  return out;
}

/**
 * Version migration and unit reassignment: moves running cases between diagram versions
 * (only at wait states) and between units (a dissolved unit's successor), recorded in history.
 */
export function createMigrationService(tx: CaseTransactions) {
  const { now, procedures } = tx.deps;

  return {
    async migrate(caseId: string, toVersion: number, mapping: Record<string, string>, by: string): Promise<CaseView> {
      return tx.onCase(caseId, async (current) => {
        if (current.status !== 'active') throw conflict('CASE_NOT_ACTIVE', `case '${caseId}' is ${current.status}`);
        if (toVersion === current.procedureVersion) throw conflict('SAME_VERSION', `case '${caseId}' already runs version ${toVersion}`);
        const busy = current.waits.filter((w) => w.kind === 'service');
        if (busy.length > 0) {
          throw conflict('NOT_AT_WAIT_STATE', 'a plugin call is in flight; migrate when the case waits for people, messages or timers', {
            activities: busy.map((w) => w.activityId),
          });
        }
        if (current.engineStateJson === 'null') throw conflict('NOT_STARTED', 'the dossier has not been received yet');
        // A child case answers the call activity of this version; the target may call otherwise.
        const calling = current.waits.filter((w) => w.kind === 'call');
        if (calling.length > 0) {
          throw conflict('CALL_ACTIVE', 'a called procedure is running; migrate when its case has ended / thủ tục được gọi đang chạy, hãy chuyển phiên bản khi hồ sơ con kết thúc', {
            activities: calling.map((w) => w.activityId),
          });
        }
        // Instances, their list and their outputs live in engine state the target version may lay out otherwise.
        const loops = activeLoops(current);
        if (loops.length > 0) {
          throw conflict('MULTI_INSTANCE_ACTIVE', 'a multi-instance step is running; migrate when it has ended / bước nhiều lượt đang chạy, hãy chuyển phiên bản khi bước này kết thúc', {
            activities: loops,
          });
        }
        const target = await procedures.compiled(current.procedureKey, toVersion);
        const source = await procedures.compiled(current.procedureKey, current.procedureVersion);
        const espProblem = eventSubProcessMigrationProblem(current, source, mapping);
        if (espProblem) throw espProblem;
        const missing = current.waits.flatMap((w) => {
          const id = mapping[w.activityId] ?? w.activityId;
          const before = source.catalog.get(w.activityId)?.type;
          const after = target.catalog.get(id)?.type;
          return after && after === before ? [] : [{ activityId: w.activityId, mappedTo: id, expectedType: before, found: after ?? null }];
        });
        if (missing.length > 0) {
          throw unprocessable('ACTIVITY_NOT_IN_TARGET', `version ${toVersion} has no matching element for some waiting activities`, { missing });
        }

        const at = now();
        const renamed = renameActivities(JSON.parse(current.engineStateJson), mapping);
        const waits = current.waits.map((w) => ({ ...w, activityId: mapping[w.activityId] ?? w.activityId }));
        const outcome = await runStep({
          procedure: target,
          caseId,
          engineState: renamed,
          variables: JSON.parse(current.variablesJson) as Record<string, unknown>,
          waits,
          action: { type: 'resume' },
          now: at,
          resolveDuration: calendarDurationResolver(await tx.deps.calendar()),
        });
        if (outcome.status !== 'active') {
          throw unprocessable('MIGRATION_FAILED', `the case does not resume on version ${toVersion}: ${outcome.error?.message ?? outcome.status}`);
        }
        const next: CaseDoc = {
          ...current,
          procedureVersion: toVersion,
          engineStateJson: JSON.stringify(outcome.engineState),
          waits: outcome.waits,
          revision: current.revision + 1,
          updatedAt: at.toISOString(),
        };
        const records = [{ type: 'case.migrated', by, data: { fromVersion: current.procedureVersion, toVersion, mapping } }];
        const deadlines = await tx.deadlineContext(next, at);
        return caseView(await tx.commitChange({ current, next, done: null, by, records, deadlines }));
      });
    },

    /** Moves one open dossier from a unit to its successor, keeping code, dates and history. */
    async reassign(caseId: string, fromUnitId: string, toUnitId: string, by: string): Promise<boolean> {
      return tx.onCase(caseId, async (current) => {
        const d = current.dossier;
        if (!d || [3, 7, 8, 10].includes(d.status)) return false;
        const swap = (id: string) => (id === fromUnitId ? toUnitId : id);
        const held = [d.receivingUnitId, d.processingUnitId, d.currentUnitId].includes(fromUnitId);
        const tasksHeld = current.waits.some((w) => w.kind === 'task' && w.unitId === fromUnitId);
        if (!held && !tasksHeld) return false;
        const at = now();
        const next: CaseDoc = { ...current, revision: current.revision + 1, updatedAt: at.toISOString() };
        moveWork(next, fromUnitId, toUnitId);
        next.dossier = {
          ...d,
          receivingUnitId: swap(d.receivingUnitId),
          processingUnitId: swap(d.processingUnitId),
          currentUnitId: swap(d.currentUnitId),
          unitIds: [...new Set([...d.unitIds, toUnitId])],
          handovers: [
            ...d.handovers,
            {
              at: next.updatedAt,
              step: 'Reassignment to the successor unit',
              activityId: null,
              from: { person: by, unitId: fromUnitId },
              to: { person: null, unitId: toUnitId },
              result: 'reassigned',
              note: null,
              stepSla: null,
              stepDueAt: null,
            },
          ],
        };
        const records = [{ type: 'dossier.reassigned', by, data: { fromUnitId, toUnitId } }];
        await tx.commitChange({ current, next, done: null, by, records, deadlines: await tx.deadlineContext(current, at) });
        return true;
      });
    },
  };
}

export type MigrationService = ReturnType<typeof createMigrationService>;
