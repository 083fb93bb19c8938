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
  /** The body's start when the status was not 200. */
  error?: string;
}

const quantile = (sorted: readonly number[], q: number): number => {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
};

export interface MeasureOptions {
  warmup: number;
  runs: number;
  /** Stop repeating a request once its runs took this long; one slower than this on its first run is timed once. */
  budgetMs: number;
}

export async function measure(app: FastifyInstance, label: string, url: string, authorization: string, o: MeasureOptions): Promise<Timing> {
  const call = () => app.inject({ method: 'GET', url, headers: { authorization } });
  const first = performance.now();
  let last = await call();
  const firstMs = performance.now() - first;
  const result = (times: number[]): Timing => {
    times.sort((a, b) => a - b);
    const error = last.statusCode === 200 ? {} : { error: last.body.slice(0, 200) };
    return { label, status: last.statusCode, bytes: last.rawPayload.length, medianMs: quantile(times, 0.5), p90Ms: quantile(times, 0.9), runs: times.length, ...error };
  };
  // A request slower than the whole budget is timed once: its first run is the figure.
  if (firstMs > o.budgetMs) return result([firstMs]);
  for (let i = 1; i < o.warmup; i++) last = await call();
  const times: number[] = [];
  const started = performance.now();
  for (let i = 0; i < o.runs; i++) {
    const t0 = performance.now();
    last = await call();
    times.push(performance.now() - t0);
    if (performance.now() - started > o.budgetMs && times.length >= 3) break;
  }
  return result(times);
}
