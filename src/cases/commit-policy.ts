import type { WorkingCalendar } from '../calendar/index.js';
import type { CaseDoc, TaskWait, Wait } from '../domain/case.js';
import type { SlaResult } from '../deadlines/clock.js';
import type { Catalog } from '../engine/catalog.js';
import type { Effects } from '../store/documents.js';

/** What one commit knows besides the two case states; shared by every policy in order. */
export interface CommitContext {
  catalog: Catalog;
  calendar: WorkingCalendar;
  /** ISO instant of the change. */
  at: string;
  by: string;
  /** The wait the change consumed, and what came with it. */
  done: Wait | null;
  doneData: Record<string, unknown> | null;
  slaOf: (wait: TaskWait) => SlaResult | null;
  /** Facts one policy leaves for a later one in the same commit (e.g. 'portal-changed'). */
  marks: Set<string>;
}

/**
 * A rule the container plugs into every commit, so src/cases knows no feature folder.
 * `shape` may change `next` before the waits are diffed into effects; `apply` adds effects.
 * A policy whose `when` says no runs no code of its own for that commit.
 */
export interface CommitPolicy {
  name: string;
  when?(current: CaseDoc | null, next: CaseDoc): boolean;
  shape?(ctx: CommitContext, current: CaseDoc | null, next: CaseDoc): void;
  apply?(ctx: CommitContext, current: CaseDoc | null, next: CaseDoc, effects: Effects): void;
}

/** Runs the policies' two phases around `derive` (the effects implied by the waits). */
export function runPolicies(
  policies: readonly CommitPolicy[],
  ctx: CommitContext,
  current: CaseDoc | null,
  next: CaseDoc,
  derive: () => Effects,
): Effects {
  const active = policies.filter((p) => !p.when || p.when(current, next));
  for (const p of active) p.shape?.(ctx, current, next);
  const effects = derive();
  for (const p of active) p.apply?.(ctx, current, next, effects);
  return effects;
}
