import { Piscina } from 'piscina';
import { DomainError } from '../domain/errors.js';
import type { FormDoc } from './model.js';

/* One thread renders the PDFs, with a short queue (as the publish check's pool, src/engine/validation/pool.ts). */

const MAX_QUEUE = 32;
let pool: Piscina | undefined;

function workerFile(): { filename: string; execArgv?: string[] } {
  const filename = new URL(import.meta.url.endsWith('.ts') ? './pdf-worker.ts' : './pdf-worker.js', import.meta.url).href;
  if (!filename.endsWith('.ts')) return { filename };
  // Running from TypeScript sources: the thread needs the same loader as this process.
  const loaded = process.execArgv.some((arg, i) => arg.includes('tsx') && (i === 0 || process.execArgv[i - 1] === '--import' || arg.startsWith('--import')));
  return loaded ? { filename } : { filename, execArgv: [...process.execArgv, '--import', 'tsx'] };
}

/** The form as PDF bytes; 503 PDF_BUSY when the queue is full. */
export async function renderPdfInPool(form: FormDoc): Promise<Buffer> {
  pool ??= new Piscina({ ...workerFile(), minThreads: 0, maxThreads: 1, maxQueue: MAX_QUEUE, idleTimeout: 60_000, resourceLimits: { maxOldGenerationSizeMb: 512 } });
  if (pool.queueSize >= MAX_QUEUE) {
    throw new DomainError('PDF_BUSY', 'too many PDFs are being rendered; try again shortly / đang tạo quá nhiều tệp PDF, vui lòng thử lại sau', 503);
  }
  const bytes = (await pool.run(form)) as Uint8Array;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export async function closePdfPool(): Promise<void> {
  const current = pool;
  pool = undefined;
  await current?.destroy();
}
