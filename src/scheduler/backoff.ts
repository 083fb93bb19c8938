import type { BackoffStrategy } from 'bullmq';

/** Exponential back-off capped at `maxMs`, minus up to 20 % jitter so retries spread out. */
export function cappedExponentialBackoff(baseMs: number, maxMs: number, random: () => number = Math.random): BackoffStrategy {
  return (attemptsMade: number) => {
    const raw = Math.min(maxMs, baseMs * 2 ** Math.max(0, attemptsMade - 1));
    return Math.max(1, Math.round(raw * (1 - 0.2 * random())));
  };
}
