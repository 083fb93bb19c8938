/**
 * GET /metrics in Prometheus text format (docs/operations.md). Callers from METRICS_ALLOW_FROM
 * need no key; anyone else sends a key whose role holds `metrics:read` (role `metrics`, or admin).
 * Also the request-latency hook: labelled by route pattern, so ids in URLs do not explode the series.
 */
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { processMetrics } from '../../observability/metrics.js';
import { errorResponses } from '../schemas.js';
import { typedRoutes } from '../typed-routes.js';

export async function metricsRoutes(server: FastifyInstance, { registry }: { registry: Registry }): Promise<void> {
  const app = typedRoutes(server);
  app.get(
    '/metrics',
    {
      config: { permission: 'metrics:read', trustedAddresses: true },
      schema: {
        tags: ['operations'],
        operationId: 'getMetrics',
        summary: 'Prometheus metrics (text format 0.0.4); keyless from METRICS_ALLOW_FROM',
        response: { 200: { type: 'string', description: 'Prometheus text exposition format' }, ...errorResponses(401, 403) },
      },
    },
    async (_request, reply) => {
      const text = await registry.metrics();
      return reply.type(registry.contentType).send(text);
    },
  );
}

/** Observes every answered request; unknown URLs are one `route="unmatched"` series. */
export function registerRequestMetrics(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.is404 ? 'unmatched' : (request.routeOptions.url ?? 'unmatched');
    processMetrics.request(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
  });
}
