import { Piscina } from 'piscina';
import { DomainError } from '../../domain/errors.js';
import type { PublishCheck, PublishCheckInput } from './worker.js';

/*
 * Publishing parses and checks diagrams of up to 2 MiB: seconds of CPU at the limits. It
 * runs in one worker thread (the machine's other core serves requests), with a heap cap of
 * its own, and a short queue: a flood of publishes waits there or gets 503, and
 * /health/live keeps answering.
 */

const MAX_QUEUE = 32;

let pool: Piscina | undefined;

function workerFile(): { filename: string; execArgv?: string[] } {
  const filename = new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js', import.meta.url).href;
  if (!filename.endsWith('.ts')) return { filename };
  // Running from TypeScript sources: the thread needs the same loader as this process.
  const loaded = process.execArgv.some((arg, i) => arg.includes('tsx') && (i === 0 || process.execArgv[i - 1] === '--import' || arg.startsWith('--import')));
  return loaded ? { filename } : { filename, execArgv: [...process.execArgv, '--import', 'tsx'] };
}

function getPool(): Piscina {
  if (!pool) {
    pool = new Piscina({
      ...workerFile(),
      minThreads: 0,
      maxThreads: 1,
      maxQueue: MAX_QUEUE,
      idleTimeout: 60_000,
      resourceLimits: { maxOldGenerationSizeMb: 768 },
    });
  }
  return pool;
}

export async function checkInPool(input: PublishCheckInput): Promise<PublishCheck> {
  const current = getPool();
  if (current.queueSize >= MAX_QUEUE) {
    throw new DomainError('PUBLISH_BUSY', 'too many diagrams are being checked; try again shortly / đang kiểm tra quá nhiều sơ đồ, vui lòng thử lại sau', 503);
  }
  try {
    return (await current.run(input)) as PublishCheck;
  } catch (error) {
    if (error instanceof DomainError) throw error;
    // The thread ran out of heap or crashed: the diagram is not accepted, and the next one gets a fresh thread.
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, problems: [{ code: 'XML_TOO_LARGE', message: `the document could not be checked: ${detail.slice(0, 300)}` }] };
  }
}

/** Stops the pool's threads (tests, shutdown). */
export async function closeValidationPool(): Promise<void> {
  const current = pool;
  pool = undefined;
  await current?.destroy();
}
