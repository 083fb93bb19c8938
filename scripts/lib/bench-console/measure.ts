/** Sequential timing of requests through the app (app.inject: the handler and the database, no socket). */
import { performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';

export interface Timing {
  label: string;
  status: number;
  /** Response size of the last run, bytes. */
  bytes: number;
  medianMs: number;
  p90Ms: number;
  runs: number;
}

const quantile = (sorted: readonly number[], q: number): number => {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
};

export interface MeasureOptions {
  warmup: number;
  runs: number;
  /** Stop repeating a request once its runs took this long (a slow endpoint at 1,000,000 dossiers). */
  budgetMs: number;
}

export async function measure(app: FastifyInstance, label: string, url: string, authorization: string, o: MeasureOptions): Promise<Timing> {
  const call = () => app.inject({ method: 'GET', url, headers: { authorization } });
  let last = await call();
  for (let i = 1; i < o.warmup; i++) last = await call();
  const times: number[] = [];
  const started = performance.now();
  for (let i = 0; i < o.runs; i++) {
    const t0 = performance.now();
    last = await call();
    times.push(performance.now() - t0);
    if (performance.now() - started > o.budgetMs && times.length >= 3) break;
  }
  times.sort((a, b) => a - b);
  return { label, status: last.statusCode, bytes: last.rawPayload.length, medianMs: quantile(times, 0.5), p90Ms: quantile(times, 0.9), runs: times.length };
}
