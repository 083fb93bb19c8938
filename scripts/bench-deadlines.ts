/**
 * Cost of N pending deadline jobs in Redis (BullMQ), scheduled and rescheduled the way the
 * service does it: queue 'deadlines' with the service's default job options (createQueues),
 * one `queue.add` per job with a deterministic jobId (deadlineJobId) and a delay
 * (createJobEffects), and a reschedule = add the next generation's job + remove the old one.
 *
 * Run: `eval "$(bash scripts/stack env)"; node --import tsx scripts/bench-deadlines.ts [--jobs N] [--json]`
 * (REDIS_URL, default redis://127.0.0.1:6390). No worker is started, so no job fires (the
 * delays are 1–30 days anyway). Everything runs under a unique key prefix benchdl_<random>
 * whose keys are deleted at the end, also after an error or Ctrl-C. The whole run is capped
 * (--max-seconds, at most 600); a phase that reaches the cap stops, and later phases are
 * skipped, with the partial figures reported. Memory figures are Redis `INFO memory`
 * used_memory (whole server: other clients of the same Redis add noise) and the sum of
 * `MEMORY USAGE <key> SAMPLES 0` over the prefix's keys (this benchmark's data only).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Job, type Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { deadlineJobId, type DeadlineKind } from '../src/deadlines/case-deadlines.js';
import { createJobEffects, createQueues, QUEUE_NAMES, type Queues } from '../src/scheduler/queues.js';
import type { Effects } from '../src/store/documents.js';
import { emptyEffects } from '../src/cases/effects.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DAY_MS = 86_400_000;
const HARD_MAX_JOBS = 200_000;
const HARD_MAX_SECONDS = 600;
/** Kept free at the end of the time cap for the last memory reading and the clean-up. */
const RESERVE_SECONDS = 45;

// ---------------------------------------------------------------------------------------------
// Options

const usage = `usage: node --import tsx scripts/bench-deadlines.ts [options]
  --jobs N           pending deadline jobs (default 100000, at most ${HARD_MAX_JOBS})
  --concurrency C    operations in flight for the concurrent phases (default 16, at most 64)
  --bulk-size B      jobs per queue.addBulk call (default 1000, at most 10000)
  --max-seconds S    time cap for the whole run (default ${HARD_MAX_SECONDS}, at most ${HARD_MAX_SECONDS})
  --json             print JSON instead of the text table
  --help`;

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '100000' },
    concurrency: { type: 'string', default: '16' },
    'bulk-size': { type: 'string', default: '1000' },
    'max-seconds': { type: 'string', default: String(HARD_MAX_SECONDS) },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}

function intOption(name: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    console.error(`bench-deadlines: --${name} must be an integer in ${min}..${max} (got ${raw})\n${usage}`);
    process.exit(2);
  }
  return n;
}

const N = intOption('jobs', values.jobs, 1, HARD_MAX_JOBS);
const CONCURRENCY = intOption('concurrency', values.concurrency, 1, 64);
const BULK = intOption('bulk-size', values['bulk-size'], 1, 10_000);
const MAX_SECONDS = intOption('max-seconds', values['max-seconds'], RESERVE_SECONDS + 15, HARD_MAX_SECONDS);
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6390';
const PREFIX = `benchdl_${randomBytes(6).toString('hex')}`;

const log = (msg: string) => console.error(`bench-deadlines: ${msg}`);

// ---------------------------------------------------------------------------------------------
// Stop conditions: the time cap and Ctrl-C

const t0 = performance.now();
const workDeadline = t0 + (MAX_SECONDS - RESERVE_SECONDS) * 1000;
let interrupted = false;
let capReached = false;

function shouldStop(): boolean {
  if (interrupted) return true;
  if (performance.now() > workDeadline) capReached = true;
  return capReached;
}

// ---------------------------------------------------------------------------------------------
// The jobs: N/2 cases, each with a reminder and a breach job on the statutory clock

const caseIds = Array.from({ length: Math.ceil(N / 2) }, () => randomUUID());
const kindOf = (i: number): DeadlineKind => (i % 2 === 0 ? 'reminder' : 'breach');
const caseOf = (i: number): string => caseIds[i >> 1]!;
const jobIdOf = (i: number, generation: number): string => deadlineJobId(caseOf(i), 'case', kindOf(i), generation);
const dataOf = (i: number, generation: number) => ({ caseId: caseOf(i), subject: 'case', kind: kindOf(i), generation });

/** Generation of job i currently in Redis, -1 when it has none. */
const generation = new Int32Array(N).fill(-1);

// Delays spread uniformly over 1–30 days (a seeded PRNG: the same spread on every run).
let seed = 0x5eed_d1;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
}
const newDelay = (): number => Math.round(DAY_MS + random() * 29 * DAY_MS);

const noEffects = (): Effects => emptyEffects();

// ---------------------------------------------------------------------------------------------
// Redis readings

interface MemoryPoint {
  label: string;
  /** INFO memory used_memory, whole server. */
  usedMemory: number;
  /** Jobs pending (ZCARD of the delayed set). */
  delayed: number;
  prefixKeys: number;
  /** Sum of MEMORY USAGE over the prefix's keys, by kind of key. */
  prefixBytes: number;
  jobHashes: { keys: number; bytes: number };
  delayedSet: number;
  events: number;
  other: number;
}

interface ServerReading {
  cpuSeconds: number;
  aofSize: number | null;
  aofRewrites: number;
}

function infoField(info: string, field: string): string | undefined {
  return new RegExp(`^${field}:(.*)$`, 'm').exec(info)?.[1]?.trim();
}

async function serverReading(redis: Redis): Promise<ServerReading> {
  const [cpu, persistence, stats] = await Promise.all([redis.info('cpu'), redis.info('persistence'), redis.info('stats')]);
  const aof = infoField(persistence, 'aof_current_size');
  return {
    cpuSeconds: Number(infoField(cpu, 'used_cpu_user') ?? 0) + Number(infoField(cpu, 'used_cpu_sys') ?? 0),
    aofSize: aof === undefined ? null : Number(aof),
    aofRewrites: Number(infoField(stats, 'total_aof_rewrites') ?? infoField(persistence, 'aof_rewrites') ?? 0),
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function memoryPoint(redis: Redis, label: string): Promise<MemoryPoint> {
  await sleep(300); // let Redis finish its own bookkeeping (AOF buffer flush, client buffers)
  const usedMemory = Number(infoField(await redis.info('memory'), 'used_memory'));
  const queueKey = `${PREFIX}:${QUEUE_NAMES.deadlines}:`;
  const point: MemoryPoint = {
    label,
    usedMemory,
    delayed: await redis.zcard(`${queueKey}delayed`),
    prefixKeys: 0,
    prefixBytes: 0,
    jobHashes: { keys: 0, bytes: 0 },
    delayedSet: 0,
    events: 0,
    other: 0,
  };
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${PREFIX}:*`, 'COUNT', 2000);
    cursor = next;
    if (keys.length === 0) continue;
    const pipeline = redis.pipeline();
    for (const key of keys) pipeline.call('MEMORY', 'USAGE', key, 'SAMPLES', '0');
    const results = (await pipeline.exec()) ?? [];
    keys.forEach((key, k) => {
      const bytes = Number(results[k]?.[1] ?? 0);
      point.prefixKeys++;
      point.prefixBytes += bytes;
      const rest = key.startsWith(queueKey) ? key.slice(queueKey.length) : '';
      if (rest.startsWith('dl-') && !rest.includes(':')) {
        point.jobHashes.keys++;
        point.jobHashes.bytes += bytes;
      } else if (rest === 'delayed') point.delayedSet += bytes;
      else if (rest === 'events') point.events += bytes;
      else point.other += bytes;
    });
  } while (cursor !== '0');
  return point;
}

// ---------------------------------------------------------------------------------------------
// Phases

interface PhaseResult {
  name: string;
  /** Operations in the phase: jobs added, rescheduled, changed or removed. */
  planned: number;
  done: number;
  errors: number;
  firstError: string | null;
  concurrency: number;
  seconds: number;
  opsPerSec: number;
  stoppedEarly: boolean;
  /** CPU of the whole Redis server and of this process during the phase. */
  redisCpuSeconds: number;
  clientCpuSeconds: number;
  /** Growth of the append-only file, null without AOF or when a rewrite ran meanwhile. */
  aofBytes: number | null;
  memoryAfter: MemoryPoint | null;
}

/** Runs op(0..count-1) with `concurrency` operations in flight, stopping at the cap or Ctrl-C. */
async function runPool(count: number, concurrency: number, op: (i: number) => Promise<void>) {
  let next = 0;
  let done = 0;
  let errors = 0;
  let firstError: string | null = null;
  const worker = async () => {
    while (next < count && !shouldStop()) {
      const i = next++;
      try {
        await op(i);
        done++;
      } catch (err) {
        errors++;
        firstError ??= (err as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { done, errors, firstError, attempted: next };
}

interface PhaseSpec {
  name: string;
  planned: number;
  concurrency: number;
  /** Memory label to read after the phase, if any. */
  memory?: string;
  run: () => Promise<{ done: number; errors: number; firstError: string | null; attempted: number }>;
}

// ---------------------------------------------------------------------------------------------
// Report

interface Report {
  environment: Record<string, string | number | null>;
  options: { jobs: number; concurrency: number; bulkSize: number; maxSeconds: number; prefix: string };
  baseline: MemoryPoint | null;
  phases: PhaseResult[];
  skipped: string[];
  memory: MemoryPoint[];
  afterCleanup: { usedMemory: number; deletedKeys: number } | null;
  peak: { label: string; jobs: number; usedMemoryDelta: number; usedMemoryPerJob: number; prefixBytesPerJob: number; jobHashBytes: number; delayedSetBytesPerJob: number; eventsBytes: number } | null;
  /** AOF rewrites Redis ran while the phases ran (each forks the server). */
  aofRewrites: number;
  stoppedEarly: string | null;
  wallSeconds: number;
}

const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
const fmtMiB = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;
const fmtSigned = (n: number) => `${n < 0 ? '-' : '+'}${fmtMiB(Math.abs(n))}`;

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function printText(report: Report): void {
  const env = report.environment;
  const out: string[] = [];
  out.push(
    `deadline jobs: N=${fmtInt(report.options.jobs)}, concurrency ${report.options.concurrency}, addBulk chunks of ${report.options.bulkSize}, prefix ${report.options.prefix}`,
  );
  out.push(`node ${env.node}, bullmq ${env.bullmq}, ${env.redis}, ${env.cpus} cores (${env.cpuModel}), load ${env.loadStart} → ${env.loadEnd}`);
  out.push('');
  out.push(
    table(
      ['phase', 'C', 'ops', 'secs', 'ops/s', 'redis cpu s', 'client cpu s', 'AOF bytes/op', 'errors'],
      report.phases.map((p) => [
        p.name + (p.stoppedEarly ? ' (stopped early)' : ''),
        String(p.concurrency),
        `${fmtInt(p.done)}${p.done === p.planned ? '' : `/${fmtInt(p.planned)}`}`,
        p.seconds.toFixed(1),
        fmtInt(p.opsPerSec),
        p.redisCpuSeconds.toFixed(1),
        p.clientCpuSeconds.toFixed(1),
        p.aofBytes === null || p.done === 0 ? '-' : fmtInt(p.aofBytes / p.done),
        String(p.errors),
      ]),
    ),
  );
  for (const p of report.phases) if (p.firstError) out.push(`  ${p.name}: first error: ${p.firstError}`);
  if (report.skipped.length) out.push(`skipped: ${report.skipped.join('; ')}`);
  out.push('');
  const base = report.baseline;
  if (base) {
    const rows = report.memory.map((m) => [
      m.label,
      fmtInt(m.delayed),
      fmtMiB(m.usedMemory),
      fmtSigned(m.usedMemory - base.usedMemory),
      m.delayed ? fmtInt((m.usedMemory - base.usedMemory) / m.delayed) : '-',
      fmtInt(m.prefixKeys),
      fmtMiB(m.prefixBytes),
      m.delayed ? fmtInt(m.prefixBytes / m.delayed) : '-',
      m.jobHashes.keys ? fmtInt(m.jobHashes.bytes / m.jobHashes.keys) : '-',
      m.delayed ? fmtInt(m.delayedSet / m.delayed) : '-',
      fmtMiB(m.events),
    ]);
    if (report.afterCleanup) {
      const c = report.afterCleanup;
      rows.push(['after deleting every prefix key', '0', fmtMiB(c.usedMemory), fmtSigned(c.usedMemory - base.usedMemory), '-', '0', '-', '-', '-', '-', '-']);
    }
    out.push(
      table(
        ['memory (Redis)', 'pending', 'used_memory', 'Δ baseline', 'Δ B/job', 'prefix keys', 'prefix bytes', 'prefix B/job', 'job hash B', 'zset B/job', 'events'],
        rows,
      ),
    );
  }
  if (report.peak) {
    const p = report.peak;
    out.push('');
    out.push(
      `per pending job (${p.label}, ${fmtInt(p.jobs)} jobs): used_memory ${fmtInt(p.usedMemoryPerJob)} B; MEMORY USAGE ${fmtInt(p.prefixBytesPerJob)} B ` +
        `= job hash ${fmtInt(p.jobHashBytes)} B + delayed-set entry ${fmtInt(p.delayedSetBytesPerJob)} B + share of the events stream (${fmtMiB(p.eventsBytes)} in all)`,
    );
  }
  if (report.aofRewrites) out.push(`AOF rewrites during the run: ${report.aofRewrites} (AOF bytes/op is '-' for a phase during which one ran)`);
  if (report.stoppedEarly) out.push(`STOPPED EARLY: ${report.stoppedEarly}`);
  out.push(`total ${report.wallSeconds.toFixed(1)} s`);
  console.log(out.join('\n'));
}

// ---------------------------------------------------------------------------------------------
// Main

async function versionOf(pkg: string): Promise<string> {
  try {
    return (JSON.parse(await readFile(path.join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

const admin = new Redis(REDIS_URL, { maxRetriesPerRequest: 3, lazyConnect: true });
let redisErrorShown = false;
admin.on('error', (err: Error) => {
  if (!redisErrorShown) log(`Redis ${REDIS_URL.replace(/\/\/[^/@]*@/, '//***@')}: ${err.message}`);
  redisErrorShown = true;
});
let queues: Queues | null = null;
let cleanupPromise: Promise<{ usedMemory: number; deletedKeys: number } | null> | null = null;

/** Deletes every key of the prefix (idempotent, also from the signal handlers and the watchdog). */
function cleanup(): Promise<{ usedMemory: number; deletedKeys: number } | null> {
  cleanupPromise ??= (async () => {
    try {
      await queues?.close().catch(() => undefined);
      let deleted = 0;
      let cursor = '0';
      do {
        const [next, keys] = await admin.scan(cursor, 'MATCH', `${PREFIX}:*`, 'COUNT', 5000);
        cursor = next;
        if (keys.length) deleted += await admin.unlink(...keys);
      } while (cursor !== '0');
      log(`deleted ${deleted} Redis keys ${PREFIX}:*`);
      await sleep(300);
      return { usedMemory: Number(infoField(await admin.info('memory'), 'used_memory')), deletedKeys: deleted };
    } catch (err) {
      log(`could not delete the Redis keys ${PREFIX}:*: ${(err as Error).message}`);
      return null;
    }
  })();
  return cleanupPromise;
}

let signals = 0;
function onSignal(signal: NodeJS.Signals): void {
  signals++;
  interrupted = true;
  if (signals === 1) {
    log(`${signal}: stopping after the operations in flight, then deleting ${PREFIX}:*`);
    return;
  }
  log(`${signal} again: deleting ${PREFIX}:* and exiting`);
  void cleanup().finally(() => process.exit(130));
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

// Last resort: past the cap, delete the keys (or give up after 15 s) and exit.
const watchdog = setTimeout(() => {
  log(`hard cap of ${MAX_SECONDS} s passed: deleting ${PREFIX}:* and exiting`);
  setTimeout(() => process.exit(3), 15_000).unref();
  void cleanup().finally(() => process.exit(3));
}, MAX_SECONDS * 1000);
watchdog.unref();

async function main(): Promise<number> {
  await admin.connect();
  const serverInfo = await admin.info('server');
  const persistence = await admin.info('persistence');
  const aofOn = infoField(persistence, 'aof_enabled') === '1';
  const fsync = aofOn ? ((await admin.config('GET', 'appendfsync')) as string[])[1] : null;
  const report: Report = {
    environment: {
      node: process.version,
      bullmq: await versionOf('bullmq'),
      ioredis: await versionOf('ioredis'),
      redis: `Redis ${infoField(serverInfo, 'redis_version') ?? '?'}${aofOn ? ` (AOF, appendfsync ${fsync ?? '?'})` : ' (no AOF)'}`,
      redisUrl: REDIS_URL.replace(/\/\/[^/@]*@/, '//***@'),
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
      memoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
      platform: `${os.type()} ${os.release()} ${os.arch()}`,
      loadStart: os.loadavg()[0]!.toFixed(2),
      loadEnd: null,
      startedAt: new Date().toISOString(),
    },
    options: { jobs: N, concurrency: CONCURRENCY, bulkSize: BULK, maxSeconds: MAX_SECONDS, prefix: PREFIX },
    baseline: null,
    phases: [],
    skipped: [],
    memory: [],
    afterCleanup: null,
    peak: null,
    aofRewrites: 0,
    stoppedEarly: null,
    wallSeconds: 0,
  };

  let exitCode = 0;
  try {
    // The service's queues and job effects, under the bench prefix (no Worker is created).
    queues = createQueues({ url: REDIS_URL, maxRetriesPerRequest: null }, PREFIX, { attempts: 3, backoffMs: 1000 });
    const queue: Queue = queues.deadlines;
    const effects = createJobEffects(queues, () => new Date());
    await queue.waitUntilReady();

    report.baseline = await memoryPoint(admin, 'baseline');
    report.memory.push(report.baseline);
    log(`baseline used_memory ${fmtMiB(report.baseline.usedMemory)}; prefix ${PREFIX}, ${N} jobs`);

    const runAt = () => new Date(Date.now() + newDelay()).toISOString();
    const add = async (i: number) => {
      const effect = noEffects();
      effect.jobsScheduled.push({ queue: 'deadlines', jobId: jobIdOf(i, 0), runAt: runAt(), data: dataOf(i, 0) });
      await effects.apply(effect);
      generation[i] = 0;
    };
    const reschedule = async (i: number) => {
      const g = generation[i]!;
      if (g < 0) throw new Error(`job ${i} is not scheduled`);
      // What a clock change commits: the next generation's job, the old generation's cancelled
      // (createJobEffects adds first, then removes).
      const effect = noEffects();
      effect.jobsScheduled.push({ queue: 'deadlines', jobId: jobIdOf(i, g + 1), runAt: runAt(), data: dataOf(i, g + 1) });
      effect.jobsCancelled.push({ queue: 'deadlines', jobId: jobIdOf(i, g) });
      await effects.apply(effect);
      generation[i] = g + 1;
    };
    const remove = async (i: number) => {
      const g = generation[i]!;
      if (g < 0) return;
      if ((await queue.remove(jobIdOf(i, g))) !== 1) throw new Error(`job ${jobIdOf(i, g)} was not removed`);
      generation[i] = -1;
    };
    const changeDelayFetched = async (i: number) => {
      const job = await queue.getJob(jobIdOf(i, generation[i]!));
      if (!job) throw new Error(`job ${jobIdOf(i, generation[i]!)} not found`);
      await job.changeDelay(newDelay());
    };
    const changeDelayById = (i: number) => new Job(queue, QUEUE_NAMES.deadlines, {}, {}, jobIdOf(i, generation[i]!)).changeDelay(newDelay());

    const chunks = Math.ceil(N / BULK);
    const phases: PhaseSpec[] = [
      { name: 'add, sequential (service: one queue.add per job)', planned: N, concurrency: 1, memory: 'after sequential add', run: () => runPool(N, 1, add) },
      { name: 'remove all, sequential (queue.remove)', planned: N, concurrency: 1, memory: 'after sequential remove', run: () => runPool(N, 1, remove) },
      {
        name: `add, queue.addBulk × ${BULK}`,
        planned: N,
        concurrency: 1,
        memory: 'after addBulk',
        run: async () => {
          const r = await runPool(chunks, 1, async (c) => {
            const ids = Array.from({ length: Math.min(BULK, N - c * BULK) }, (_, k) => c * BULK + k);
            await queue.addBulk(ids.map((i) => ({ name: QUEUE_NAMES.deadlines, data: dataOf(i, 0), opts: { jobId: jobIdOf(i, 0), delay: newDelay() } })));
            for (const i of ids) generation[i] = 0;
          });
          const jobs = generation.reduce((n, g) => n + (g >= 0 ? 1 : 0), 0);
          return { ...r, done: jobs, attempted: Math.min(N, r.attempted * BULK) };
        },
      },
      { name: 'reschedule, sequential (add g+1, remove g)', planned: N, concurrency: 1, memory: 'after sequential reschedule', run: () => runPool(N, 1, reschedule) },
      { name: `reschedule, ${CONCURRENCY} in flight`, planned: N, concurrency: CONCURRENCY, memory: 'after concurrent reschedule', run: () => runPool(N, CONCURRENCY, reschedule) },
      { name: 'changeDelay, sequential (getJob + changeDelay)', planned: N, concurrency: 1, run: () => runPool(N, 1, changeDelayFetched) },
      { name: `changeDelay, ${CONCURRENCY} in flight (getJob + changeDelay)`, planned: N, concurrency: CONCURRENCY, run: () => runPool(N, CONCURRENCY, changeDelayFetched) },
      { name: 'changeDelay, sequential (Job from id, no fetch)', planned: N, concurrency: 1, run: () => runPool(N, 1, changeDelayById) },
      { name: `changeDelay, ${CONCURRENCY} in flight (Job from id)`, planned: N, concurrency: CONCURRENCY, memory: 'after changeDelay', run: () => runPool(N, CONCURRENCY, changeDelayById) },
      { name: `remove all, ${CONCURRENCY} in flight (queue.remove)`, planned: N, concurrency: CONCURRENCY, memory: 'after removing all', run: () => runPool(N, CONCURRENCY, remove) },
    ];

    for (const spec of phases) {
      if (shouldStop()) {
        report.skipped.push(spec.name);
        continue;
      }
      log(`${spec.name} …`);
      const before = await serverReading(admin);
      const cpu0 = process.cpuUsage();
      const p0 = performance.now();
      const r = await spec.run();
      const seconds = (performance.now() - p0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const after = await serverReading(admin);
      const stoppedEarly = r.attempted < spec.planned;
      const result: PhaseResult = {
        name: spec.name,
        planned: spec.planned,
        done: r.done,
        errors: r.errors,
        firstError: r.firstError,
        concurrency: spec.concurrency,
        seconds,
        opsPerSec: r.done / seconds,
        stoppedEarly,
        redisCpuSeconds: after.cpuSeconds - before.cpuSeconds,
        clientCpuSeconds: (cpu.user + cpu.system) / 1e6,
        aofBytes: after.aofSize === null || before.aofSize === null || after.aofRewrites !== before.aofRewrites ? null : after.aofSize - before.aofSize,
        memoryAfter: null,
      };
      report.aofRewrites += after.aofRewrites - before.aofRewrites;
      // The last memory reading is taken even after a stop: it shows what the partial run left.
      if (spec.memory || stoppedEarly) {
        result.memoryAfter = await memoryPoint(admin, stoppedEarly || !spec.memory ? `after ${spec.name} (partial)` : spec.memory);
        report.memory.push(result.memoryAfter);
      }
      report.phases.push(result);
      log(`  ${fmtInt(r.done)} in ${seconds.toFixed(1)} s, ${fmtInt(result.opsPerSec)}/s, ${r.errors} errors${stoppedEarly ? ', stopped early' : ''}`);
      if (r.errors) exitCode = 1;
    }
    if (interrupted) report.stoppedEarly = 'interrupted (SIGINT/SIGTERM)';
    else if (capReached) report.stoppedEarly = `time cap of ${MAX_SECONDS} s (work stops ${RESERVE_SECONDS} s before it)`;
  } catch (err) {
    log(`failed: ${(err as Error).stack ?? String(err)}`);
    report.stoppedEarly = `error: ${(err as Error).message}`;
    exitCode = 1;
  } finally {
    report.afterCleanup = await cleanup();
  }

  const peak = report.memory.filter((m) => m.delayed > 0).sort((a, b) => b.delayed - a.delayed)[0];
  if (peak && report.baseline) {
    report.peak = {
      label: peak.label,
      jobs: peak.delayed,
      usedMemoryDelta: peak.usedMemory - report.baseline.usedMemory,
      usedMemoryPerJob: (peak.usedMemory - report.baseline.usedMemory) / peak.delayed,
      prefixBytesPerJob: peak.prefixBytes / peak.delayed,
      jobHashBytes: peak.jobHashes.keys ? peak.jobHashes.bytes / peak.jobHashes.keys : 0,
      delayedSetBytesPerJob: peak.delayedSet / peak.delayed,
      eventsBytes: peak.events,
    };
  }
  report.environment.loadEnd = os.loadavg()[0]!.toFixed(2);
  report.wallSeconds = (performance.now() - t0) / 1000;
  if (values.json) console.log(JSON.stringify(report, null, 2));
  else printText(report);
  admin.disconnect();
  if (interrupted) return 130;
  return report.stoppedEarly ? Math.max(exitCode, 1) : exitCode;
}

main().then(
  (code) => process.exit(code),
  async (err: unknown) => {
    log(`failed: ${(err as Error).stack ?? String(err)}`);
    await cleanup();
    process.exit(1);
  },
);
