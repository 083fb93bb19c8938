import { Queue, Worker, type ConnectionOptions, type Job, type RepeatOptions } from 'bullmq';
import type { FastifyBaseLogger } from 'fastify';
import type { CaseService } from '../cases/case-service.js';
import type { ProcedureService } from '../cases/procedure-service.js';
import { DomainError } from '../domain/errors.js';
import { nextOccurrence, parseSchedule } from '../engine/timer-schedule.js';

/*
 * Procedures that run on a schedule (a process's timer start event). Publishing declares one
 * BullMQ job scheduler per procedure key: a newer version replaces the schedule of the one
 * before (same scheduler id), a version without a timer start removes it. The next occurrence
 * is computed by our repeat strategy from fixed anchors (timer-schedule.ts), so BullMQ's job id
 * `repeat:<scheduler>:<instant>` names the occurrence, and the case it starts has an id made of
 * the same two parts: a job run twice (a stalled job, another replica) finds its case there.
 * Occurrences missed while no replica ran start one case when one is back, not one each.
 */

export const TIMER_START_QUEUE = 'timer-starts';
const JOB_NAME = 'timer-start';
/** Re-declared this often on every replica: a Redis that lost its data lost the schedulers too. */
const REDECLARE_MS = 60_000;

interface TimerStartData {
  procedureKey: string;
  version: number;
}

/** The scheduler's pattern carries the timer text and its anchor (our strategy reads it). */
const encode = (kind: string, anchor: number, text: string) => `bpmn|${kind}|${anchor}|${text}`;

function decode(pattern: string | undefined): { kind: string; anchor: number; text: string } | undefined {
  const match = /^bpmn\|(\w+)\|(\d+)\|(.+)$/s.exec(pattern ?? '');
  return match ? { kind: match[1] ?? '', anchor: Number(match[2]), text: match[3] ?? '' } : undefined;
}

/** BullMQ repeat strategy: the first occurrence after `millis` (undefined: the schedule is over). */
export function repeatStrategy(millis: number, opts: RepeatOptions): number | undefined {
  const spec = decode(opts.pattern);
  if (!spec) return undefined;
  const schedule = parseSchedule(spec.kind, spec.text);
  return 'error' in schedule ? undefined : nextOccurrence(schedule, millis, spec.anchor);
}

export const schedulerIdOf = (procedureKey: string) => `timer-start-${procedureKey}`;

/** The case an occurrence starts: deterministic, so every replica and every retry names the same one. */
export const occurrenceCaseId = (procedureKey: string, at: number) => `${procedureKey}-t${at}`;

export interface TimerStarts {
  /** Declares, replaces or removes the schedule of the newest version of `procedureKey`. */
  sync(procedureKey: string): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export function createTimerStarts(deps: {
  connection: ConnectionOptions;
  prefix: string;
  procedures: ProcedureService;
  cases: CaseService;
  log: () => FastifyBaseLogger;
  redeclareMs?: number;
}): TimerStarts {
  const settings = { repeatStrategy };
  const queue = new Queue(TIMER_START_QUEUE, {
    connection: deps.connection,
    prefix: deps.prefix,
    settings,
    defaultJobOptions: { attempts: 20, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: { age: 7 * 86_400 }, removeOnFail: { age: 30 * 86_400 } },
  });
  let worker: Worker | null = null;
  let redeclare: NodeJS.Timeout | null = null;

  async function sync(procedureKey: string): Promise<void> {
    const latest = await deps.procedures.latest(procedureKey);
    const compiled = await deps.procedures.compiled(latest.key, latest.version);
    const timer = [...compiled.catalog.values()].find((i) => i.timerStart)?.timer;
    const id = schedulerIdOf(latest.key);
    if (!timer) {
      await queue.removeJobScheduler(id);
      return;
    }
    // A cycle without its own start counts from the version's publish instant.
    const anchor = Date.parse(latest.createdAt);
    const template = { name: JOB_NAME, data: { procedureKey: latest.key, version: latest.version } satisfies TimerStartData };
    await queue.upsertJobScheduler(id, { pattern: encode(timer.kind, anchor, timer.text) }, template);
  }

  async function syncAll(): Promise<void> {
    for (const procedure of await deps.procedures.list()) {
      try {
        await sync(procedure.key);
      } catch (err) {
        deps.log().warn({ err, procedureKey: procedure.key }, 'timer start schedule not declared');
      }
    }
  }

  async function run(job: Job<TimerStartData>): Promise<string> {
    const at = Number(String(job.id).split(':').pop());
    if (!Number.isFinite(at)) return 'not-an-occurrence';
    const { procedureKey, version } = job.data;
    const compiled = await deps.procedures.compiled(procedureKey, version);
    const unitId = [...compiled.catalog.values()].find((i) => i.timerStart)?.scheduleUnit;
    if (!unitId) return 'no-unit'; // refused at publish (TIMER_START_UNIT)
    const caseId = occurrenceCaseId(procedureKey, at);
    try {
      await deps.cases.get(caseId);
      return 'already-started';
    } catch (err) {
      if (!(err instanceof DomainError) || err.statusCode !== 404) throw err;
    }
    await deps.cases.start({ caseId, procedureKey, procedureVersion: version, data: { scheduledAt: new Date(at).toISOString() }, by: 'schedule', unitId });
    deps.log().info({ procedureKey, version, caseId, scheduledAt: new Date(at).toISOString() }, 'case started by its schedule');
    return 'started';
  }

  return {
    sync,
    async start() {
      worker = new Worker(TIMER_START_QUEUE, run, { connection: deps.connection, prefix: deps.prefix, settings, concurrency: 2 });
      worker.on('error', (err) => deps.log().warn({ err }, 'timer start worker'));
      worker.on('failed', (job, err) => deps.log().warn({ jobId: job?.id, err: err.message }, 'timer start failed'));
      await syncAll();
      redeclare = setInterval(() => void syncAll(), deps.redeclareMs ?? REDECLARE_MS);
      redeclare.unref();
    },
    async close() {
      if (redeclare) clearInterval(redeclare);
      await worker?.close();
      await queue.close();
    },
  };
}
