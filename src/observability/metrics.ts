/**
 * Figures counted in process as things happen (docs/operations.md): no database reads, so a
 * scrape costs nothing. One registry per process; each replica reports its own, Prometheus sums.
 * Producers import `processMetrics` and call one method; the per-container gauges read from
 * Redis and the database live in collectors.ts.
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CaseDoc } from '../domain/case.js';
import type { Effects } from '../store/documents.js';

const registry = new Registry();
// Node's own: CPU, memory, event-loop lag, handles (prefixed bpmn_process_).
collectDefaultMetrics({ register: registry, prefix: 'bpmn_process_' });

const counter = (name: string, help: string, labelNames: string[] = []) => new Counter({ name, help, labelNames, registers: [registry] });
const histogram = (name: string, help: string, buckets: number[], labelNames: string[] = []) =>
  new Histogram({ name, help, buckets, labelNames, registers: [registry] });

const STEP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const m = {
  casesStarted: counter('bpmn_cases_started_total', 'Cases committed for the first time, by procedure.', ['procedure']),
  caseTransitions: counter('bpmn_case_transitions_total', 'Case status changes committed (from → to).', ['from', 'to']),
  dossierTransitions: counter('bpmn_dossier_transitions_total', 'Dossier status changes committed, by the new status.', ['to']),
  tasksOpened: counter('bpmn_tasks_opened_total', 'User tasks opened by commits.'),
  tasksClosed: counter('bpmn_tasks_closed_total', 'User tasks closed by commits, by outcome.', ['status']),
  escalations: counter('bpmn_escalations_fired_total', 'Reminders and breaches fired (committed).', ['kind']),
  timersFired: counter('bpmn_timers_fired_total', 'Timer jobs processed, by result (fired, stale, busy, later...).', ['result']),
  commits: counter('bpmn_commits_total', 'Case revisions committed.'),
  commitConflicts: counter('bpmn_commit_conflicts_total', 'Commits that lost the race for a revision and were retried.'),
  lockWait: histogram('bpmn_case_lock_wait_seconds', 'Time spent waiting for a case lock before the work began.', STEP_BUCKETS),
  engineStep: histogram('bpmn_engine_step_duration_seconds', 'One attempt of a case transaction under its lock: engine run and commit.', STEP_BUCKETS),
  httpDuration: histogram(
    'bpmn_http_request_duration_seconds',
    'HTTP request latency by method, route pattern (never the raw URL) and status code.',
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    ['method', 'route', 'status_code'],
  ),
};

export const processMetrics = {
  registry,
  /** After a commit succeeded: what moved between `current` and `next`. */
  commit(current: CaseDoc | null, next: CaseDoc, effects: Pick<Effects, 'tasksOpened' | 'tasksClosed' | 'escalations'>): void {
    m.commits.inc();
    if (!current) m.casesStarted.inc({ procedure: next.procedureKey });
    if (current?.status !== next.status) m.caseTransitions.inc({ from: current?.status ?? 'none', to: next.status });
    const dossierStatus = next.dossier?.status;
    if (dossierStatus && dossierStatus !== current?.dossier?.status) m.dossierTransitions.inc({ to: dossierStatus });
    if (effects.tasksOpened.length) m.tasksOpened.inc(effects.tasksOpened.length);
    for (const closed of effects.tasksClosed) m.tasksClosed.inc({ status: closed.status });
    for (const escalation of effects.escalations) m.escalations.inc({ kind: escalation.kind });
  },
  commitConflict: () => m.commitConflicts.inc(),
  lockWaited: (seconds: number) => m.lockWait.observe(seconds),
  engineStep: (seconds: number) => m.engineStep.observe(seconds),
  timerFired: (result: string) => m.timersFired.inc({ result }),
  request: (method: string, route: string, statusCode: number, seconds: number) =>
    m.httpDuration.observe({ method, route, status_code: String(statusCode) }, seconds),
};

export type ProcessMetrics = typeof processMetrics;
