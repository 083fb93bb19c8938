import type { FastifyInstance } from 'fastify';
import { typedRoutes } from '../typed-routes.js';

export type ReadinessCheck = () => Promise<void>;

export async function healthRoutes(server: FastifyInstance, { checks }: { checks: Record<string, ReadinessCheck> }): Promise<void> {
  const app = typedRoutes(server);
  const statusSchema = {
    type: 'object',
    properties: { status: { type: 'string' }, checks: { type: 'object', additionalProperties: { type: 'string' } } },
  };

  app.get('/health/live', { config: { public: true }, schema: { tags: ['health'], summary: 'The process is up', response: { 200: statusSchema } } }, async () => ({
    status: 'ok',
  }));

  app.get(
    '/health/ready',
    { config: { public: true }, schema: { tags: ['health'], summary: 'MongoDB and Redis answer', response: { 200: statusSchema, 503: statusSchema } } },
    async (_request, reply) => {
      const results = await Promise.all(
        Object.entries(checks).map(async ([name, check]) => {
          try {
            await Promise.race([check(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2_000))]);
            return [name, 'ok'] as const;
          } catch (err) {
            return [name, `failed: ${(err as Error).message}`] as const;
          }
        }),
      );
      const ok = results.every(([, r]) => r === 'ok');
      return reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', checks: Object.fromEntries(results) });
    },
  );
}
