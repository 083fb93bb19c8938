import { Piscina } from 'piscina';
import { DomainError } from '../domain/errors.js';
import type { DecisionCheck } from './check-worker.js';

/* One thread with its own heap cap checks uploaded .dmn files, as the diagram pool does (src/engine/validation/pool.ts). */

const MAX_QUEUE = 32;
let pool: Piscina | undefined;

function workerFile(): { filename: string; execArgv?: string[] } {
  const filename = new URL(import.meta.url.endsWith('.ts') ? './check-worker.ts' : './check-worker.js', import.meta.url).href;
  if (!filename.endsWith('.ts')) return { filename };
  const loaded = process.execArgv.some((arg, i) => arg.includes('tsx') && (i === 0 || process.execArgv[i - 1] === '--import' || arg.startsWith('--import')));
  return loaded ? { filename } : { filename, execArgv: [...process.execArgv, '--import', 'tsx'] };
}

export async function checkDecisionsInPool(xml: string): Promise<DecisionCheck> {
  pool ??= new Piscina({ ...workerFile(), minThreads: 0, maxThreads: 1, maxQueue: MAX_QUEUE, idleTimeout: 60_000, resourceLimits: { maxOldGenerationSizeMb: 512 } });
  if (pool.queueSize >= MAX_QUEUE) {
    throw new DomainError('PUBLISH_BUSY', 'too many files are being checked; try again shortly / đang kiểm tra quá nhiều tệp, vui lòng thử lại sau', 503);
  }
  try {
    return (await pool.run(xml)) as DecisionCheck;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, problems: [{ code: 'DMN_TOO_LARGE', message: `the file could not be checked: ${detail.slice(0, 300)} / tệp DMN vượt giới hạn kiểm tra` }] };
  }
}

export async function closeDecisionPool(): Promise<void> {
  const current = pool;
  pool = undefined;
  await current?.destroy();
}
