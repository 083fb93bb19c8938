/**
 * Protection under load, registered before authentication so that refused work costs little:
 * security headers (helmet), load shedding with 503 + Retry-After (under-pressure) and
 * per-caller rate limits kept in Redis, so every replica counts against the same budget.
 * Health checks are exempt from both: an orchestrator must still see a busy replica alive.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import underPressure from '@fastify/under-pressure';
import type { Redis } from 'ioredis';
import { DomainError } from '../domain/errors.js';

export interface ProtectionOptions {
  /** null: no rate limit. */
  rateLimit: { max: number; windowMs: number; redis: Redis | null; nameSpace: string } | null;
  /** Thresholds at which requests are shed with 503; 0 turns one off. null: no shedding. */
  pressure: { maxEventLoopDelayMs: number; maxEventLoopUtilization: number; maxHeapUsedBytes: number; retryAfterSeconds: number } | null;
  helmet: boolean;
}

const BEARER = /^Bearer +([A-Za-z0-9._~+/=-]{1,512}) *$/i;

/**
 * The caller a request counts against: the hash of its bearer token (one per API key, so
 * replicas and restarts agree, and the secret never reaches Redis), else its address.
 */
export function rateLimitKey(request: FastifyRequest): string {
  const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
  if (token) return `key:${createHash('sha256').update(token).digest('base64url').slice(0, 32)}`;
  return `ip:${request.ip}`;
}

const isHealthCheck = (request: FastifyRequest) => request.url.startsWith('/health/');

export async function registerProtection(app: FastifyInstance, options: ProtectionOptions): Promise<void> {
  if (options.helmet) {
    await app.register(helmet, {
      // The /docs UI loads only its own scripts and styles; no upgrade to https, which would
      // break it when served over plain http on a private network.
      contentSecurityPolicy: { useDefaults: true, directives: { upgradeInsecureRequests: null } },
    });
  }

  const pressure = options.pressure;
  if (pressure) {
    const retryAfter = pressure.retryAfterSeconds;
    await app.register(underPressure, {
      maxEventLoopDelay: pressure.maxEventLoopDelayMs,
      maxEventLoopUtilization: pressure.maxEventLoopUtilization,
      maxHeapUsedBytes: pressure.maxHeapUsedBytes,
      retryAfter,
      pressureHandler: (request, reply, type, value) => {
        if (isHealthCheck(request)) return undefined;
        reply.header('retry-after', String(retryAfter));
        request.log.warn({ type, value }, 'shedding load');
        return Promise.reject(
          new DomainError(
            'OVERLOADED',
            `the service is overloaded, retry in ${retryAfter} s / hệ thống đang quá tải, vui lòng thử lại sau ${retryAfter} giây`,
            503,
            { retryAfterSeconds: retryAfter },
          ),
        );
      },
    });
  }

  const limit = options.rateLimit;
  if (limit) {
    // Its own connection that fails fast: the shared one queues commands while Redis is away,
    // which would hold every request instead of letting skipOnError wave it through.
    const counters = limit.redis?.duplicate({ maxRetriesPerRequest: 1, enableOfflineQueue: false, commandTimeout: 1000 }) ?? null;
    if (counters) {
      counters.on('error', (err: Error) => app.log.warn({ err: err.message }, 'rate-limit store unavailable: not counting'));
      app.addHook('onClose', async () => {
        await counters.quit().catch(() => counters.disconnect());
      });
    }
    await app.register(rateLimit, {
      global: true,
      max: limit.max,
      timeWindow: limit.windowMs,
      ...(counters ? { redis: counters, nameSpace: limit.nameSpace } : {}),
      // Redis down must not take the API down with it: count nothing rather than refuse all.
      skipOnError: true,
      keyGenerator: rateLimitKey,
      allowList: (request) => isHealthCheck(request),
      errorResponseBuilder: (_request, context) =>
        new DomainError(
          'RATE_LIMITED',
          `more than ${context.max} requests in the window; retry in ${context.after} / vượt quá ${context.max} yêu cầu, vui lòng thử lại sau ${context.after}`,
          429,
          { limit: context.max, retryAfterSeconds: Math.ceil(context.ttl / 1000) },
        ),
    });
  }
}
