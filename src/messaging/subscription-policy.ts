/**
 * The commit policy that keeps subscriptions (src/store/subscriptions.ts) in step with the
 * case's waits, and schedules the broadcast of signals a step threw. Everything it writes
 * rides in the commit record, so a crash before it is applied is rolled forward like the rest.
 */
import type { CommitPolicy } from '../cases/commit-policy.js';
import type { CaseDoc, MessageWait, SignalWait, Wait } from '../domain/case.js';
import { caseUnitIds } from '../domain/unit-scope.js';
import type { Catalog } from '../engine/catalog.js';
import type { ScheduledJob } from '../store/documents.js';
import { messageKey, signalKey, signalUnitKey, type SubscriptionChanges, type SubscriptionDoc } from '../store/subscriptions.js';

type Subscribed = MessageWait | SignalWait;
const subscribed = (w: Wait): w is Subscribed => w.kind === 'message' || w.kind === 'signal';

function readPath(variables: Record<string, unknown>, path: string): unknown {
  let value: unknown = variables;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

const scalar = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined;

/**
 * The values a message catch correlates on: the variable the diagram names (with the case's
 * business key and dossier code standing in for `businessKey` / `dossierCode` when no such
 * variable is set), else the business key and the dossier code.
 */
export function correlationKeysOf(catalog: Catalog, next: CaseDoc, wait: MessageWait): string[] {
  const path = catalog.get(wait.activityId)?.correlationKey;
  const businessKey = next.businessKey ?? undefined;
  const dossierCode = next.dossier?.code ?? undefined;
  if (path) {
    const variables = JSON.parse(next.variablesJson) as Record<string, unknown>;
    const value = scalar(readPath(variables, path)) ?? (path === 'businessKey' ? businessKey : path === 'dossierCode' ? dossierCode : undefined);
    return value ? [value] : [];
  }
  return [...new Set([businessKey, dossierCode].filter((v): v is string => Boolean(v)))];
}

function docsOf(next: CaseDoc, wait: Subscribed, at: string): SubscriptionDoc[] {
  const unitIds = caseUnitIds(next);
  const base = { caseId: next._id, unitIds, activityId: wait.activityId, executionId: wait.executionId, createdAt: at };
  if (wait.kind === 'signal') {
    return [{ ...base, _id: `${next._id}|${wait.executionId}|s`, kind: 'signal', key: signalKey(wait.signalName), unitKeys: unitIds.map((u) => signalUnitKey(wait.signalName, u)) }];
  }
  return (wait.correlationKeys ?? []).map((value, i) => ({ ...base, _id: `${next._id}|${wait.executionId}|${i}`, kind: 'message', key: messageKey(wait.messageName, value), unitKeys: [] }));
}

const idsOf = (caseId: string, wait: Subscribed): string[] =>
  wait.kind === 'signal' ? [`${caseId}|${wait.executionId}|s`] : (wait.correlationKeys ?? []).map((_, i) => `${caseId}|${wait.executionId}|${i}`);

/** The BullMQ job that broadcasts a signal thrown by a case (src/messaging/signals.ts). */
export function thrownSignalJob(next: CaseDoc, signal: { name: string }, index: number, at: string, by: string): ScheduledJob {
  const signalId = `${next._id}-${next.revision}-${index}`;
  return { queue: 'signals', jobId: `signal-${signalId}`, runAt: at, data: { signalId, name: signal.name, originCaseId: next._id, unitId: next.unitId ?? '', by } };
}

export const subscriptionPolicy: CommitPolicy = {
  name: 'message-subscriptions',
  when: (current, next) => (current?.waits ?? []).some(subscribed) || next.waits.some(subscribed) || Boolean(next.thrownSignals?.length),
  shape(ctx, current, next) {
    const before = new Set((current?.waits ?? []).map((w) => w.executionId));
    for (const wait of next.waits) {
      if (wait.kind === 'message' && !before.has(wait.executionId) && !wait.correlationKeys) wait.correlationKeys = correlationKeysOf(ctx.catalog, next, wait);
    }
  },
  apply(ctx, current, next, effects) {
    const before = new Map((current?.waits ?? []).filter(subscribed).map((w) => [w.executionId, w] as const));
    const now = new Map(next.waits.filter(subscribed).map((w) => [w.executionId, w] as const));
    // A dossier that moved to another unit: its open subscriptions are written again with the new units.
    const unitsMoved = current !== null && caseUnitIds(current).join('\n') !== caseUnitIds(next).join('\n');
    const changes: SubscriptionChanges = { put: [], drop: [] };
    for (const [id, wait] of now) if (unitsMoved || !before.has(id)) changes.put.push(...docsOf(next, wait, ctx.at));
    for (const [id, wait] of before) if (!now.has(id)) changes.drop.push(...idsOf(next._id, wait));
    if (changes.put.length > 0 || changes.drop.length > 0) effects.subscriptions = changes;
    (next.thrownSignals ?? []).forEach((signal, i) => {
      if (signal.revision === next.revision) effects.jobsScheduled.push(thrownSignalJob(next, signal, i, ctx.at, ctx.by));
    });
  },
};
