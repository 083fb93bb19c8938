/**
 * Throughput and latency of the service over HTTP, next to bare bpmn-engine in memory.
 * Run it with `scripts/bench [--cases N] [--concurrency C] [--max-seconds S] [--json]`
 * (that wrapper starts the local stack and sets MONGODB_URL / REDIS_URL); docs/benchmark.md
 * describes what is measured.
 *
 * The service runs as a child process on loopback with its own database (bench_<random>) and
 * Redis key prefix; both are removed at the end, also after an error or Ctrl-C.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Engine } from 'bpmn-engine';
import * as Elements from 'bpmn-elements';
import { BpmnModdle } from 'bpmn-moddle';
import camunda from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import serializer, { TypeResolver } from 'moddle-context-serializer';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// ---------------------------------------------------------------------------------------------
// Options

const HARD_MAX_CASES = 20_000;
const HARD_MAX_CONCURRENCY = 64;
const HARD_MAX_SECONDS = 900;
const READY_TIMEOUT_MS = 60_000;
const REQUEST_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 10_000;

interface Options {
  cases: number;
  concurrency: number;
  maxSeconds: number;
  warmup: number;
  json: boolean;
  only: 'all' | 'bare' | 'service';
  verbose: boolean;
}

const usage = `usage: scripts/bench [options]
  --cases N          cases per measurement (default 500, at most ${HARD_MAX_CASES})
  --concurrency C    requests in flight against the service (default 8, at most ${HARD_MAX_CONCURRENCY})
  --max-seconds S    time cap for the whole run; phases stop early when it passes (default 120)
  --warmup W         unmeasured operations before each measurement (default 20)
  --only WHAT        all | bare | service (default all)
  --json             print a JSON summary on stdout (the text report goes to stderr)
  --verbose          forward the service's log lines to stderr
  --help`;

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      cases: { type: 'string', default: '500' },
      concurrency: { type: 'string', default: '8' },
      'max-seconds': { type: 'string', default: '120' },
      warmup: { type: 'string', default: '20' },
      only: { type: 'string', default: 'all' },
      json: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  const int = (name: string, raw: string, min: number, max: number): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer in ${min}..${max}, got ${raw}`);
    return n;
  };
  const only = values.only;
  if (only !== 'all' && only !== 'bare' && only !== 'service') throw new Error(`--only must be all, bare or service, got ${only}`);
  return {
    cases: int('cases', values.cases, 1, HARD_MAX_CASES),
    concurrency: int('concurrency', values.concurrency, 1, HARD_MAX_CONCURRENCY),
    maxSeconds: int('max-seconds', values['max-seconds'], 1, HARD_MAX_SECONDS),
    warmup: int('warmup', values.warmup, 0, 1000),
    json: values.json,
    only,
    verbose: values.verbose,
  };
}

// ---------------------------------------------------------------------------------------------
// The diagram: start → user task → gateway (default → done; FEEL condition → big) → end

const BENCH_XML = `<?xml version="1.0" encoding="UTF-8"?>
<definitions id="bench_definitions"
    xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
    targetNamespace="http://example.org/bench">
  <process id="bench" name="Benchmark" isExecutable="true">
    <startEvent id="start"/>
    <sequenceFlow id="toWork" sourceRef="start" targetRef="work"/>
    <userTask id="work" name="Work" camunda:candidateGroups="bench"/>
    <sequenceFlow id="toDecide" sourceRef="work" targetRef="decide"/>
    <exclusiveGateway id="decide" name="Large amount?" default="toDone"/>
    <sequenceFlow id="toDone" sourceRef="decide" targetRef="done"/>
    <sequenceFlow id="toBig" sourceRef="decide" targetRef="big">
      <conditionExpression xsi:type="tFormalExpression">= amount &gt; 1000000</conditionExpression>
    </sequenceFlow>
    <endEvent id="done" name="Done"/>
    <endEvent id="big" name="Large amount"/>
  </process>
</definitions>
`;

// ---------------------------------------------------------------------------------------------
// Measurement helpers

interface Stats {
  count: number;
  errors: number;
  elapsedMs: number;
  perSecond: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** True when the time cap stopped the phase before `count` reached the requested number. */
  capped: boolean;
  firstErrors: string[];
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

function summarize(latencies: number[], errors: string[], errorCount: number, elapsedMs: number, capped: boolean): Stats {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    count: latencies.length,
    errors: errorCount,
    elapsedMs,
    perSecond: elapsedMs > 0 ? (latencies.length / elapsedMs) * 1000 : 0,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1]! : NaN,
    capped,
    firstErrors: errors,
  };
}

interface RunLimits {
  deadline: number;
  signal: AbortSignal;
}

const stopped = (limits: RunLimits) => limits.signal.aborted || Date.now() > limits.deadline;

/**
 * Runs op(0..count-1) with at most `concurrency` in flight; op returns its latency in ms.
 * Stops issuing new operations once the deadline passes or the signal aborts.
 */
async function runPool(count: number, concurrency: number, limits: RunLimits, op: (i: number) => Promise<number>): Promise<Stats> {
  const latencies: number[] = [];
  const errors: string[] = [];
  let errorCount = 0;
  let next = 0;
  let capped = false;
  const started = performance.now();
  const worker = async () => {
    for (;;) {
      if (stopped(limits)) {
        if (next < count) capped = true;
        return;
      }
      const i = next++;
      if (i >= count) return;
      try {
        latencies.push(await op(i));
      } catch (err) {
        errorCount++;
        if (errors.length < 5) errors.push(err instanceof Error ? err.message : String(err));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return summarize(latencies, errors, errorCount, performance.now() - started, capped);
}

const log = (message: string) => process.stderr.write(`bench: ${message}\n`);

// ---------------------------------------------------------------------------------------------
// Bare bpmn-engine

/** The FEEL flow is never taken (bpmn-engine knows `${}` only); `${}` is not interpolated either. */
const bareExpressions = {
  resolveExpression: (expression: string) => (expression.trim().startsWith('=') ? false : expression),
  isExpression: () => false,
  hasExpression: () => false,
};

type EngineSource = { source: string } | { sourceContext: unknown };

/**
 * One engine run: execute until the user task waits; with `complete`, signal it and wait for
 * the end. Returns the latency and the end event that was reached (undefined for start-only).
 */
async function bareOnce(engineSource: EngineSource, amount: number, complete: boolean, signal: AbortSignal): Promise<{ ms: number; endedAt?: string }> {
  const listener = new EventEmitter();
  let endedAt: string | undefined;
  const waiting = new Promise<void>((resolve) => {
    listener.on('activity.wait', (api: { id: string }) => {
      if (api.id === 'work') resolve();
    });
  });
  listener.on('activity.end', (api: { id: string; type: string }) => {
    if (api.type === 'bpmn:EndEvent') endedAt = api.id;
  });
  const started = performance.now();
  const engine = new Engine({
    name: `bench-${amount}`,
    ...(engineSource as Record<string, unknown>),
    listener,
    variables: { amount },
    moddleOptions: { camunda },
    expressions: bareExpressions as never,
  });
  let onAbort: () => void = () => {};
  const failed = new Promise<never>((_, reject) => {
    engine.once('error', (err: Error) => reject(err));
    onAbort = () => reject(new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  failed.catch(() => undefined);
  try {
    const execution = await engine.execute();
    await Promise.race([waiting, failed]);
    if (!complete) {
      const ms = performance.now() - started;
      await engine.stop();
      return { ms };
    }
    const ended = engine.waitFor('end');
    execution.signal({ id: 'work' });
    await Promise.race([ended, failed]);
    return { ms: performance.now() - started, endedAt };
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

interface BareResults {
  sourceStart: Stats;
  sourceRoundTrip: Stats;
  contextStart: Stats;
  contextRoundTrip: Stats;
  parseOnceMs: number;
}

async function runBare(opts: Options, limits: RunLimits): Promise<BareResults> {
  const t0 = performance.now();
  const moddleContext = await new BpmnModdle({ camunda }).fromXML(BENCH_XML);
  const sourceContext = serializer(moddleContext as never, TypeResolver(Elements as unknown as Record<string, unknown>));
  const parseOnceMs = performance.now() - t0;

  // Sanity: the default flow ends at `done` with either source.
  for (const src of [{ source: BENCH_XML }, { sourceContext }]) {
    const { endedAt } = await bareOnce(src, 1, true, limits.signal);
    if (endedAt !== 'done') throw new Error(`bare engine sanity check: expected end event 'done', reached ${endedAt}`);
  }

  // In one process the engine is CPU-bound: run it one at a time, so latency is its own cost.
  const measure = async (label: string, src: EngineSource, complete: boolean) => {
    for (let i = 0; i < Math.min(opts.warmup, opts.cases) && !stopped(limits); i++) await bareOnce(src, i, complete, limits.signal);
    const stats = await runPool(opts.cases, 1, limits, async (i) => {
      // The engine may run on microtasks alone; let signals and the watchdog timer in.
      await new Promise((resolve) => setImmediate(resolve));
      const r = await bareOnce(src, i, complete, limits.signal);
      if (complete && r.endedAt !== 'done') throw new Error(`ended at ${r.endedAt}`);
      return r.ms;
    });
    log(`bare ${label}: ${stats.count} in ${(stats.elapsedMs / 1000).toFixed(2)} s, ${stats.perSecond.toFixed(1)}/s`);
    return stats;
  };
  return {
    parseOnceMs,
    sourceStart: await measure('XML source, start', { source: BENCH_XML }, false),
    sourceRoundTrip: await measure('XML source, start→complete→end', { source: BENCH_XML }, true),
    contextStart: await measure('sourceContext, start', { sourceContext }, false),
    contextRoundTrip: await measure('sourceContext, start→complete→end', { sourceContext }, true),
  };
}

// ---------------------------------------------------------------------------------------------
// The service as a child process

class HttpError extends Error {}

interface Service {
  baseUrl: string;
  child: ChildProcess;
  logTail: string[];
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/** The same URL with its database name replaced (keeps hosts, credentials and options). */
function withDatabase(mongodbUrl: string, db: string): string {
  const m = /^(mongodb(?:\+srv)?:\/\/[^/?]*)(\/[^?]*)?(\?.*)?$/.exec(mongodbUrl);
  if (!m) throw new Error('MONGODB_URL is not a mongodb:// URL');
  return `${m[1]}/${db}${m[3] ?? ''}`;
}

const maskUrl = (url: string) => url.replace(/\/\/[^/@]*@/, '//***@');

async function startService(env: Record<string, string>, verbose: boolean, signal: AbortSignal, onSpawn: (child: ChildProcess) => void): Promise<Service> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  onSpawn(child);
  const logTail: string[] = [];
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line) continue;
      logTail.push(line);
      if (logTail.length > 40) logTail.shift();
      if (verbose) process.stderr.write(`service: ${line}\n`);
    }
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const service = { baseUrl: `http://127.0.0.1:${port}`, child, logTail };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (signal.aborted) throw new Error('interrupted');
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`service exited during start-up (code ${child.exitCode}, signal ${child.signalCode}):\n${logTail.join('\n')}`);
    }
    try {
      const res = await fetch(`${service.baseUrl}/health/ready`, { signal: AbortSignal.timeout(3_000) });
      await res.arrayBuffer();
      if (res.status === 200) return service;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`service not ready within ${READY_TIMEOUT_MS / 1000} s:\n${logTail.join('\n')}`);
}

async function stopService(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    exited.then(() => false),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), STOP_GRACE_MS);
    }),
  ]);
  clearTimeout(timer);
  if (timedOut) {
    log(`service ignored SIGTERM for ${STOP_GRACE_MS / 1000} s: SIGKILL`);
    child.kill('SIGKILL');
    await exited;
  }
}

interface CaseBody {
  id?: string;
  status?: string;
  tasks?: { id: string; activityId: string; name?: string }[];
}

/** The bootstrap admin key the benchmark gives its service (ADMIN_API_KEY): a fresh one per run. */
const ADMIN_API_KEY = `bench-admin-${randomBytes(24).toString('hex')}`;

async function post(baseUrl: string, route: string, body: unknown, expected: number, signal: AbortSignal): Promise<CaseBody> {
  const res = await fetch(`${baseUrl}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_API_KEY}` },
    body: JSON.stringify(body),
    signal: AbortSignal.any([signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
  });
  const text = await res.text();
  if (res.status !== expected) throw new HttpError(`POST ${route.replace(/\/tasks\/[^/]+/, '/tasks/:id')} → ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as CaseBody;
}

const BENCH_UNIT = 'don-vi-do-hieu-nang';

async function startCase(baseUrl: string, amount: number, signal: AbortSignal): Promise<{ caseId: string; taskId: string }> {
  const body = await post(baseUrl, '/v1/cases', { procedureKey: 'bench', unitId: BENCH_UNIT, data: { amount } }, 201, signal);
  const task = body.tasks?.[0];
  if (body.status !== 'active' || !body.id || !task || task.activityId !== 'work') {
    throw new Error(`unexpected start response: ${JSON.stringify(body).slice(0, 300)}`);
  }
  return { caseId: body.id, taskId: task.id };
}

async function completeTask(baseUrl: string, taskId: string, signal: AbortSignal): Promise<void> {
  const body = await post(baseUrl, `/v1/tasks/${encodeURIComponent(taskId)}/complete`, { data: { ok: true } }, 200, signal);
  if (body.status !== 'completed') throw new Error(`unexpected complete response: ${JSON.stringify(body).slice(0, 300)}`);
}

interface ServiceResults {
  start: Stats;
  roundTrip: Stats;
  /** The complete request alone, inside the round trips. */
  completeOnly: Stats;
  /** CPU seconds each process used during the phase (Linux /proc; absent where unknown). */
  cpu: { start: CpuUse; roundTrip: CpuUse };
}

type CpuUse = Partial<Record<'service' | 'ferretdb' | 'redis' | 'client', number>>;

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat; Linux only. */
async function procCpuSeconds(pid: number | undefined): Promise<number | undefined> {
  if (!pid) return undefined;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after "pid (comm) ": state is [0], utime [11], stime [12], in clock ticks (100/s).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks / 100 : undefined;
  } catch {
    return undefined;
  }
}

/** The local stack's store processes (scripts/stack pid files), when the URLs point at them. */
async function localStorePids(mongodbUrl: string, redisUrl: string): Promise<{ ferretdb?: number; redis?: number }> {
  const pidOf = async (file: string, name: string, url: string, port: string): Promise<number | undefined> => {
    if (!url.includes(`127.0.0.1:${port}`)) return undefined;
    try {
      const pid = Number((await readFile(path.join(ROOT, '.local', file), 'utf8')).trim());
      const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
      return cmdline.includes(name) ? pid : undefined;
    } catch {
      return undefined;
    }
  };
  return {
    ferretdb: await pidOf('ferretdb/ferretdb.pid', 'ferretdb', mongodbUrl, process.env.LOCAL_MONGO_PORT ?? '27117'),
    redis: await pidOf('redis/redis.pid', 'redis-server', redisUrl, process.env.LOCAL_REDIS_PORT ?? '6390'),
  };
}

type CpuPids = { service?: number; ferretdb?: number; redis?: number };

async function cpuSnapshot(pids: CpuPids): Promise<CpuUse> {
  const own = process.cpuUsage();
  const snapshot: CpuUse = { client: (own.user + own.system) / 1e6 };
  for (const name of ['service', 'ferretdb', 'redis'] as const) {
    const seconds = await procCpuSeconds(pids[name]);
    if (seconds !== undefined) snapshot[name] = seconds;
  }
  return snapshot;
}

function cpuDiff(before: CpuUse, after: CpuUse): CpuUse {
  const out: CpuUse = {};
  for (const name of ['service', 'ferretdb', 'redis', 'client'] as const) {
    const a = before[name];
    const b = after[name];
    if (a !== undefined && b !== undefined) out[name] = b - a;
  }
  return out;
}

async function runServiceLoad(baseUrl: string, opts: Options, limits: RunLimits, pids: CpuPids): Promise<ServiceResults> {
  const { signal } = limits;
  for (let i = 0; i < Math.min(opts.warmup, opts.cases) && !stopped(limits); i++) {
    try {
      const { taskId } = await startCase(baseUrl, i, signal);
      await completeTask(baseUrl, taskId, signal);
    } catch (err) {
      if (signal.aborted) break;
      throw new Error(`warm-up failed: ${(err as Error).message}`, { cause: err });
    }
  }

  const cpu0 = await cpuSnapshot(pids);
  const start = await runPool(opts.cases, opts.concurrency, limits, async (i) => {
    const t = performance.now();
    await startCase(baseUrl, i, signal);
    return performance.now() - t;
  });
  log(`service start: ${start.count} in ${(start.elapsedMs / 1000).toFixed(2)} s, ${start.perSecond.toFixed(1)}/s, ${start.errors} errors`);

  const cpu1 = await cpuSnapshot(pids);
  const completeLatencies: number[] = [];
  const roundTrip = await runPool(opts.cases, opts.concurrency, limits, async (i) => {
    const t = performance.now();
    const { taskId } = await startCase(baseUrl, i, signal);
    const c = performance.now();
    await completeTask(baseUrl, taskId, signal);
    const end = performance.now();
    completeLatencies.push(end - c);
    return end - t;
  });
  log(`service round trip: ${roundTrip.count} in ${(roundTrip.elapsedMs / 1000).toFixed(2)} s, ${roundTrip.perSecond.toFixed(1)}/s, ${roundTrip.errors} errors`);
  const cpu2 = await cpuSnapshot(pids);
  return {
    start,
    roundTrip,
    completeOnly: summarize(completeLatencies, [], 0, roundTrip.elapsedMs, roundTrip.capped),
    cpu: { start: cpuDiff(cpu0, cpu1), roundTrip: cpuDiff(cpu1, cpu2) },
  };
}

async function dropBenchData(mongodbUrl: string, redisUrl: string, prefix: string): Promise<void> {
  const mongo = new MongoClient(mongodbUrl, { serverSelectionTimeoutMS: 10_000 });
  try {
    await mongo.db().dropDatabase();
  } catch (err) {
    log(`could not drop the bench database: ${(err as Error).message}`);
  } finally {
    await mongo.close().catch(() => undefined);
  }
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 3, lazyConnect: true });
  try {
    await redis.connect();
    let cursor = '0';
    let deleted = 0;
    do {
      const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = nextCursor;
      if (keys.length) deleted += await redis.del(...keys);
    } while (cursor !== '0');
    log(`removed database and ${deleted} Redis keys ${prefix}:*`);
  } catch (err) {
    log(`could not delete Redis keys ${prefix}:*: ${(err as Error).message}`);
  } finally {
    redis.disconnect();
  }
}

async function storeVersions(mongodbUrl: string, redisUrl: string): Promise<{ mongo: string; redis: string }> {
  const out = { mongo: 'unknown', redis: 'unknown' };
  const mongo = new MongoClient(mongodbUrl, { serverSelectionTimeoutMS: 5_000 });
  try {
    const info = await mongo.db().admin().command({ buildInfo: 1 });
    out.mongo = info.ferretdbVersion ? `FerretDB ${String(info.ferretdbVersion)} (wire ${String(info.version)})` : `MongoDB ${String(info.version)}`;
  } catch {
    // left unknown
  } finally {
    await mongo.close().catch(() => undefined);
  }
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    const info = await redis.info('server');
    out.redis = `Redis ${/redis_version:(\S+)/.exec(info)?.[1] ?? '?'}`;
  } catch {
    // left unknown
  } finally {
    redis.disconnect();
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Report

interface Environment {
  node: string;
  cpu: string;
  cores: number;
  platform: string;
  memoryGiB: number;
  bpmnEngine: string;
  stores?: { mongo: string; redis: string };
}

async function environment(): Promise<Environment> {
  const pkg = JSON.parse(await readFile(path.join(ROOT, 'node_modules/bpmn-engine/package.json'), 'utf8')) as { version: string };
  return {
    node: process.version,
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    bpmnEngine: pkg.version,
  };
}

const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const lpad = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

function statsLine(label: string, s: Stats): string {
  return [
    pad(label, 42),
    lpad(String(s.count), 6),
    lpad(fmt(s.elapsedMs / 1000, 2), 8),
    lpad(fmt(s.perSecond), 9),
    lpad(fmt(s.p50, 1), 9),
    lpad(fmt(s.p90, 1), 9),
    lpad(fmt(s.p99, 1), 9),
    lpad(fmt(s.max, 1), 9),
    lpad(String(s.errors), 7),
    s.capped ? '  (stopped early: time cap or Ctrl-C)' : '',
  ].join('');
}

interface Summary {
  options: Omit<Options, 'json' | 'verbose'>;
  environment: Environment;
  service?: ServiceResults;
  bare?: BareResults;
  ratios?: { start: { source: number; sourceContext: number }; roundTrip: { source: number; sourceContext: number } };
  interrupted: boolean;
}

function report(summary: Summary): string {
  const lines: string[] = [];
  const { environment: env, options: o } = summary;
  lines.push('BPMN orchestration benchmark');
  lines.push(`node ${env.node}, bpmn-engine ${env.bpmnEngine}, ${env.cpu}, ${env.cores} cores, ${env.memoryGiB} GiB, ${env.platform}`);
  if (env.stores) lines.push(`stores: ${env.stores.mongo}, ${env.stores.redis}`);
  lines.push(`cases per measurement ${o.cases}, service concurrency ${o.concurrency}, bare concurrency 1, warm-up ${o.warmup}, time cap ${o.maxSeconds} s`);
  lines.push('');
  lines.push(
    [pad('measurement', 42), lpad('n', 6), lpad('secs', 8), lpad('ops/s', 9), lpad('p50 ms', 9), lpad('p90 ms', 9), lpad('p99 ms', 9), lpad('max ms', 9), lpad('errors', 7)].join(''),
  );
  if (summary.service) {
    const s = summary.service;
    lines.push(statsLine('service: POST /v1/cases', s.start));
    lines.push(statsLine('service: start + complete (round trip)', s.roundTrip));
    lines.push(statsLine('  of which POST /v1/tasks/:id/complete', { ...s.completeOnly, perSecond: NaN }));
  }
  if (summary.bare) {
    const b = summary.bare;
    lines.push(statsLine('bare engine, XML source: start', b.sourceStart));
    lines.push(statsLine('bare engine, XML source: start→end', b.sourceRoundTrip));
    lines.push(statsLine('bare engine, sourceContext: start', b.contextStart));
    lines.push(statsLine('bare engine, sourceContext: start→end', b.contextRoundTrip));
    lines.push(`(parsing the XML once into a sourceContext took ${fmt(b.parseOnceMs, 1)} ms)`);
  }
  if (summary.service) {
    const s = summary.service;
    const names = ['service', 'ferretdb', 'redis', 'client'] as const;
    lines.push('');
    lines.push('service CPU per operation, ms (/proc; "cores" = CPU seconds of these processes per wall-clock second)');
    lines.push([pad('', 18), ...names.map((n) => lpad(n, 10)), lpad('total', 10), lpad('cores', 8)].join(''));
    for (const [label, stats, cpu] of [
      ['start', s.start, s.cpu.start],
      ['start→complete', s.roundTrip, s.cpu.roundTrip],
    ] as const) {
      const perOp = (sec: number | undefined) => (sec === undefined || stats.count === 0 ? '-' : fmt((sec * 1000) / stats.count));
      const total = names.reduce((sum, n) => sum + (cpu[n] ?? 0), 0);
      lines.push(
        [pad(label, 18), ...names.map((n) => lpad(perOp(cpu[n]), 10)), lpad(perOp(total), 10), lpad(fmt(total / (stats.elapsedMs / 1000), 2), 8)].join(''),
      );
    }
  }
  const errors = [
    ...(summary.service ? [summary.service.start, summary.service.roundTrip] : []),
    ...(summary.bare ? [summary.bare.sourceStart, summary.bare.sourceRoundTrip, summary.bare.contextStart, summary.bare.contextRoundTrip] : []),
  ].flatMap((s) => s.firstErrors);
  if (errors.length) {
    lines.push('');
    lines.push('first errors:');
    for (const e of errors.slice(0, 5)) lines.push(`  ${e}`);
  }
  if (summary.service && summary.bare && summary.ratios) {
    const s = summary.service;
    const b = summary.bare;
    const r = summary.ratios;
    lines.push('');
    lines.push('service vs bare engine (throughput, ops/s; ratio = bare / service)');
    lines.push([pad('', 18), lpad('service', 10), lpad('bare XML', 11), lpad('ratio', 9), lpad('bare ctx', 11), lpad('ratio', 9)].join(''));
    lines.push(
      [
        pad('start', 18),
        lpad(fmt(s.start.perSecond), 10),
        lpad(fmt(b.sourceStart.perSecond), 11),
        lpad(`${fmt(r.start.source)}x`, 9),
        lpad(fmt(b.contextStart.perSecond), 11),
        lpad(`${fmt(r.start.sourceContext)}x`, 9),
      ].join(''),
    );
    lines.push(
      [
        pad('start→complete', 18),
        lpad(fmt(s.roundTrip.perSecond), 10),
        lpad(fmt(b.sourceRoundTrip.perSecond), 11),
        lpad(`${fmt(r.roundTrip.source)}x`, 9),
        lpad(fmt(b.contextRoundTrip.perSecond), 11),
        lpad(`${fmt(r.roundTrip.sourceContext)}x`, 9),
      ].join(''),
    );
  }
  if (summary.interrupted) lines.push('', 'interrupted: figures are partial');
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// Main

async function main(): Promise<number> {
  const opts = parseOptions(process.argv.slice(2));
  const abort = new AbortController();
  const runStarted = Date.now();
  const limits: RunLimits = { deadline: runStarted + opts.maxSeconds * 1000, signal: abort.signal };
  let child: ChildProcess | undefined;
  let interrupted = false;

  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) {
      // Second Ctrl-C: no more patience.
      child?.kill('SIGKILL');
      process.exit(130);
    }
    interrupted = true;
    log(`${signal}: stopping and cleaning up (again to force)`);
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Never leave the service behind, even on an unexpected exit.
  process.on('exit', () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  // Backstop for anything the phases' own checks miss (a hung request, a stuck engine).
  const watchdog = setTimeout(() => {
    log(`time cap ${opts.maxSeconds} s + 60 s exceeded: aborting`);
    abort.abort();
  }, (opts.maxSeconds + 60) * 1000);
  watchdog.unref();

  const summary: Summary = {
    options: { cases: opts.cases, concurrency: opts.concurrency, maxSeconds: opts.maxSeconds, warmup: opts.warmup, only: opts.only },
    environment: await environment(),
    interrupted: false,
  };

  if (opts.only !== 'service') {
    log('bare bpmn-engine in memory');
    summary.bare = await runBare(opts, limits);
  }

  if (opts.only !== 'bare' && !abort.signal.aborted) {
    const mongodbUrl = process.env.MONGODB_URL;
    const redisUrl = process.env.REDIS_URL;
    if (!mongodbUrl || !redisUrl) throw new Error('MONGODB_URL and REDIS_URL must be set (scripts/bench sets them from the local stack)');
    const suffix = randomBytes(4).toString('hex');
    const database = `bench_${suffix}`;
    const prefix = `bench_${suffix}`;
    const benchMongoUrl = withDatabase(mongodbUrl, database);
    const processesDir = await mkdtemp(path.join(os.tmpdir(), 'bpmn-bench-'));
    try {
      await writeFile(path.join(processesDir, 'bench.bpmn'), BENCH_XML);
      // Every case belongs to a unit: the service seeds this one from units.json.
      const units = { units: [{ id: BENCH_UNIT, code: '000.00.99.B01', name: 'Đơn vị đo hiệu năng', kind: 'commune', parentId: null }] };
      await writeFile(path.join(processesDir, 'units.json'), JSON.stringify(units));
      summary.environment.stores = await storeVersions(benchMongoUrl, redisUrl);
      log(`starting the service: database ${maskUrl(benchMongoUrl.replace(/\?.*$/, ''))}, Redis prefix ${prefix}`);
      const service = await startService(
        { MONGODB_URL: benchMongoUrl, REDIS_URL: redisUrl, REDIS_PREFIX: prefix, PROCESSES_DIR: processesDir, ADMIN_API_KEY },
        opts.verbose,
        abort.signal,
        (spawned) => {
          child = spawned;
        },
      );
      log(`service ready at ${service.baseUrl} (pid ${service.child.pid})`);
      const storePids = await localStorePids(mongodbUrl, redisUrl);
      summary.service = await runServiceLoad(service.baseUrl, opts, limits, { service: service.child.pid, ...storePids });
      if (summary.service.start.errors || summary.service.roundTrip.errors) {
        log(`service log tail:\n${service.logTail.slice(-10).join('\n')}`);
      }
    } finally {
      if (child) {
        log('stopping the service');
        await stopService(child);
      }
      await dropBenchData(benchMongoUrl, redisUrl, prefix);
      await rm(processesDir, { recursive: true, force: true });
    }
  }

  if (summary.service && summary.bare) {
    const ratio = (bare: Stats, svc: Stats) => (svc.perSecond > 0 ? bare.perSecond / svc.perSecond : NaN);
    summary.ratios = {
      start: { source: ratio(summary.bare.sourceStart, summary.service.start), sourceContext: ratio(summary.bare.contextStart, summary.service.start) },
      roundTrip: {
        source: ratio(summary.bare.sourceRoundTrip, summary.service.roundTrip),
        sourceContext: ratio(summary.bare.contextRoundTrip, summary.service.roundTrip),
      },
    };
  }
  summary.interrupted = interrupted || abort.signal.aborted;
  clearTimeout(watchdog);

  const text = report(summary);
  if (opts.json) {
    process.stderr.write(text);
    process.stdout.write(`${JSON.stringify(summary, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`);
  } else {
    process.stdout.write(text);
  }
  const anyErrors = [summary.service?.start, summary.service?.roundTrip].some((s) => s && s.errors > 0);
  return summary.interrupted ? 130 : anyErrors ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
