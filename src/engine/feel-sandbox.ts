import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

/*
 * FEEL conditions run in one worker thread with a heap cap, and the engine (which asks for
 * a condition synchronously) waits for the answer with Atomics.wait and a deadline. What
 * publishing lets through is linear in the case data, so a condition that still runs past
 * the deadline or out of memory (a regular expression that backtracks on citizen input,
 * strings doubled by arithmetic) loses its worker, which is replaced, and the step fails
 * with EXPRESSION_LIMIT instead of freezing or killing the process.
 */

export const EXPRESSION_LIMIT = 'EXPRESSION_LIMIT';

export class ExpressionLimitError extends Error {
  readonly code = EXPRESSION_LIMIT;
  constructor(message: string) {
    super(message);
    this.name = 'ExpressionLimitError';
  }
}

export interface FeelBudget {
  /** Longest single evaluation. */
  timeoutMs: number;
  /** Old-generation heap of the evaluating thread. */
  memoryMb: number;
}

export const DEFAULT_FEEL_BUDGET: FeelBudget = { timeoutMs: 250, memoryMb: 64 };
/** How long a first evaluation may wait for the thread to load feelin (not the expression's fault). */
const STARTUP_TIMEOUT_MS = 15_000;
/** Longest wall-clock wait, as a multiple of the CPU budget (the event loop waits meanwhile). */
const WALL_CAP_FACTOR = 8;
/** How often the CPU clock is read while waiting. */
const CPU_POLL_MS = 25;

const READY = 0;
const DONE = 1;

/* CommonJS evaluated in the worker: no TypeScript loader needed there. */
const SOURCE = `
const { workerData } = require('node:worker_threads');
const { port, signal, feelinUrl } = workerData;
const flags = new Int32Array(signal);
// Values (decision outputs) cross back as JSON: FEEL dates and durations as their ISO text.
const plain = (value) => JSON.parse(JSON.stringify(value === undefined ? null : value, (key, v) =>
  v && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) !== Object.prototype ? String(v) : v));
import(feelinUrl).then(({ evaluate, unaryTest }) => {
  port.on('message', ({ seq, source, variables, mode }) => {
    let reply;
    try {
      const value = mode === 'unary' ? unaryTest(source, variables).value : evaluate(source, variables).value;
      reply = { seq, ok: true, value: mode === 'value' ? plain(value) : value === true };
    } catch (error) {
      reply = { seq, ok: false, limit: error instanceof RangeError, message: String((error && error.message) || error) };
    }
    port.postMessage(reply);
    Atomics.store(flags, ${DONE}, seq);
    Atomics.notify(flags, ${DONE});
  });
  Atomics.store(flags, ${READY}, 1);
  Atomics.notify(flags, ${READY});
}, () => {
  Atomics.store(flags, ${READY}, -1);
  Atomics.notify(flags, ${READY});
});
`;

interface Reply {
  seq: number;
  ok: boolean;
  value?: unknown;
  limit?: boolean;
  message?: string;
}

interface Thread {
  worker: Worker;
  port: MessagePort;
  flags: Int32Array;
  seq: number;
}

let budget: FeelBudget = DEFAULT_FEEL_BUDGET;
let thread: Thread | undefined;
let feelinUrl: string | undefined;

/** Sets the budget (from configuration); the running thread is replaced if the heap cap changed. */
export function configureFeelBudget(next: Partial<FeelBudget>): void {
  const merged = { ...budget, ...next };
  const reheap = merged.memoryMb !== budget.memoryMb;
  budget = merged;
  if (reheap) discard();
}

function spawn(): Thread {
  feelinUrl ??= pathToFileURL(createRequire(import.meta.url).resolve('feelin')).href;
  const signal = new SharedArrayBuffer(8);
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(SOURCE, {
    eval: true,
    workerData: { port: port2, signal, feelinUrl },
    transferList: [port2],
    resourceLimits: { maxOldGenerationSizeMb: budget.memoryMb, maxYoungGenerationSizeMb: 16, stackSizeMb: 4 },
    stdout: true,
    stderr: true,
  });
  worker.unref();
  port1.unref();
  const created: Thread = { worker, port: port1, flags: new Int32Array(signal), seq: 0 };
  // A thread that dies (heap cap) is replaced at the next evaluation.
  worker.on('error', () => {
    if (thread === created) thread = undefined;
  });
  worker.on('exit', () => {
    if (thread === created) thread = undefined;
  });
  return created;
}

/** Drops the thread (stuck or reconfigured) and starts its replacement now, so the next step need not wait for it. */
function discard(): void {
  const old = thread;
  thread = undefined;
  if (old) {
    old.port.close();
    void old.worker.terminate().catch(() => undefined);
    thread = spawn();
  }
}

/** Starts the thread ahead of the first evaluation, so no step waits for feelin to load. */
export async function prepareFeelSandbox(): Promise<void> {
  thread ??= spawn();
  const current = thread;
  if (Atomics.load(current.flags, READY) !== 0) return;
  // Atomics.waitAsync is in Node 16+, but not in the ES2023 library types.
  const atomics = Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number, t: number): { async: boolean; value: unknown } };
  const waited = atomics.waitAsync(current.flags, READY, 0, STARTUP_TIMEOUT_MS);
  if (waited.async) await waited.value;
}

/** Evaluates a FEEL expression as a BPMN condition: true only for boolean true. */
export function evaluateBounded(source: string, variables: Record<string, unknown>): boolean {
  return evaluateBoundedAs('condition', source, variables) === true;
}

/**
 * The same budget for decision tables (src/decisions): 'unary' checks unary tests against the
 * input `?` in `variables` (a boolean), 'value' evaluates an expression to plain JSON data.
 */
export function evaluateBoundedAs(mode: 'condition' | 'unary' | 'value', source: string, variables: Record<string, unknown>): unknown {
  thread ??= spawn();
  const current = thread;
  if (Atomics.load(current.flags, READY) === 0) Atomics.wait(current.flags, READY, 0, STARTUP_TIMEOUT_MS);
  if (Atomics.load(current.flags, READY) !== 1) {
    discard();
    throw new Error('the FEEL evaluator could not be started');
  }
  current.seq += 1;
  const seq = current.seq;
  try {
    current.port.postMessage({ seq, source, variables, mode });
  } catch (error) {
    throw new Error(`the case data cannot be passed to FEEL: ${error instanceof Error ? error.message : String(error)}`);
  }
  // The budget is CPU time: this thread sleeps in Atomics.wait, so the process's CPU clock
  // advances with the evaluating thread, and a busy machine (which delays the thread, not
  // its work) does not turn a valid condition into EXPRESSION_LIMIT. The wall-clock cap
  // bounds how long the event loop can be held whatever the load.
  const startedCpu = process.cpuUsage();
  const wallDeadline = performance.now() + budget.timeoutMs * WALL_CAP_FACTOR;
  for (;;) {
    const seen = Atomics.load(current.flags, DONE);
    if (seen === seq) break;
    const spent = cpuMsSince(startedCpu);
    const left = Math.min(budget.timeoutMs - spent, wallDeadline - performance.now());
    if (left <= 0) {
      discard();
      throw new ExpressionLimitError(
        `the condition "${clip(source)}" did not finish within ${budget.timeoutMs} ms of CPU or ${budget.memoryMb} MB / ` +
          `điều kiện "${clip(source)}" vượt giới hạn thời gian hoặc bộ nhớ cho phép`,
      );
    }
    Atomics.wait(current.flags, DONE, seen, Math.min(left, CPU_POLL_MS));
  }
  const reply = receiveMessageOnPort(current.port)?.message as Reply | undefined;
  if (!reply || reply.seq !== seq) {
    discard();
    throw new Error('the FEEL evaluator answered out of turn');
  }
  if (reply.ok) return mode === 'value' ? reply.value : reply.value === true;
  if (reply.limit) {
    throw new ExpressionLimitError(`the condition "${clip(source)}" exceeded a limit: ${reply.message ?? ''} / điều kiện vượt giới hạn cho phép`);
  }
  throw new Error(`the condition "${clip(source)}" failed: ${reply.message ?? ''}`);
}

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

/** EXPRESSION_LIMIT when the engine failed because a condition ran over its budget (bpmn-elements may wrap the error). */
export function expressionLimitOf(error: unknown): typeof EXPRESSION_LIMIT | undefined {
  for (let current = error, hops = 0; typeof current === 'object' && current !== null && hops < 5; hops += 1) {
    if ((current as { code?: unknown }).code === EXPRESSION_LIMIT || current instanceof ExpressionLimitError) return EXPRESSION_LIMIT;
    const next = current as { inner?: unknown; cause?: unknown };
    current = next.inner ?? next.cause;
  }
  return undefined;
}
