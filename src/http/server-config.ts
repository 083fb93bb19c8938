/** Environment variables of the HTTP server's protection (docs/api-errors.md), merged into config.ts. */
import { getHeapStatistics } from 'node:v8';

export interface HttpProtection {
  /** The whole request, headers and body, must arrive within this; else 408 REQUEST_TIMEOUT. */
  requestTimeoutMs: number;
  /** The headers must arrive within this (slow-loris); never more than requestTimeoutMs. */
  headersTimeoutMs: number;
  /** A socket with no traffic at all for this long is closed; 0: never. */
  connectionTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** Requests per caller (API key, else address) per window, shared by all replicas; 0: no limit. */
  rateLimitMax: number;
  rateLimitWindowMs: number;
  /** 503 OVERLOADED above these; 0 turns a threshold off. */
  pressure: { maxEventLoopDelayMs: number; maxEventLoopUtilization: number; maxHeapUsedBytes: number; retryAfterSeconds: number };
  securityHeaders: boolean;
}

export const httpEnv = {
  HTTP_REQUEST_TIMEOUT_MS: { type: 'integer', minimum: 100, default: 20_000 },
  HTTP_HEADERS_TIMEOUT_MS: { type: 'integer', minimum: 100, default: 10_000 },
  HTTP_CONNECTION_TIMEOUT_MS: { type: 'integer', minimum: 0, default: 120_000 },
  HTTP_KEEP_ALIVE_TIMEOUT_MS: { type: 'integer', minimum: 100, default: 72_000 },
  RATE_LIMIT_MAX: { type: 'integer', minimum: 0, default: 600 },
  RATE_LIMIT_WINDOW_MS: { type: 'integer', minimum: 1000, default: 60_000 },
  PRESSURE_MAX_EVENT_LOOP_DELAY_MS: { type: 'integer', minimum: 0, default: 1000 },
  PRESSURE_MAX_EVENT_LOOP_UTILIZATION: { type: 'number', minimum: 0, maximum: 1, default: 0 },
  PRESSURE_MAX_HEAP_USED_BYTES: { type: 'integer', minimum: 0 },
  PRESSURE_RETRY_AFTER_S: { type: 'integer', minimum: 1, maximum: 3600, default: 10 },
  SECURITY_HEADERS: { enum: ['on', 'off'], default: 'on' },
} as const;

export interface HttpEnvValues {
  HTTP_REQUEST_TIMEOUT_MS: number;
  HTTP_HEADERS_TIMEOUT_MS: number;
  HTTP_CONNECTION_TIMEOUT_MS: number;
  HTTP_KEEP_ALIVE_TIMEOUT_MS: number;
  RATE_LIMIT_MAX: number;
  RATE_LIMIT_WINDOW_MS: number;
  PRESSURE_MAX_EVENT_LOOP_DELAY_MS: number;
  PRESSURE_MAX_EVENT_LOOP_UTILIZATION: number;
  PRESSURE_MAX_HEAP_USED_BYTES?: number;
  PRESSURE_RETRY_AFTER_S: number;
  SECURITY_HEADERS: 'on' | 'off';
}

export function httpProtection(v: HttpEnvValues): HttpProtection {
  return {
    requestTimeoutMs: v.HTTP_REQUEST_TIMEOUT_MS,
    headersTimeoutMs: Math.min(v.HTTP_HEADERS_TIMEOUT_MS, v.HTTP_REQUEST_TIMEOUT_MS),
    connectionTimeoutMs: v.HTTP_CONNECTION_TIMEOUT_MS,
    keepAliveTimeoutMs: v.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    rateLimitMax: v.RATE_LIMIT_MAX,
    rateLimitWindowMs: v.RATE_LIMIT_WINDOW_MS,
    pressure: {
      maxEventLoopDelayMs: v.PRESSURE_MAX_EVENT_LOOP_DELAY_MS,
      maxEventLoopUtilization: v.PRESSURE_MAX_EVENT_LOOP_UTILIZATION,
      // By default shed before V8 runs out of heap (90 % of its limit), not after.
      maxHeapUsedBytes: v.PRESSURE_MAX_HEAP_USED_BYTES ?? Math.floor(getHeapStatistics().heap_size_limit * 0.9),
      retryAfterSeconds: v.PRESSURE_RETRY_AFTER_S,
    },
    securityHeaders: v.SECURITY_HEADERS === 'on',
  };
}

/** How often Node looks for requests past their timeout: often enough that 408 comes on time. */
export const timeoutCheckIntervalMs = (requestTimeoutMs: number): number => Math.min(1000, Math.max(50, Math.floor(requestTimeoutMs / 10)));
