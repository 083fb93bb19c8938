/**
 * The operators' queue board (bull-board) at /admin/queues, behind `queues:admin` (admin):
 * waiting, delayed and failed jobs per BullMQ queue, with retry and removal. Its page and
 * assets need the admin key like its API; docs/operations.md shows how to open it.
 */
import type { FastifyInstance } from 'fastify';
import type { Queue } from 'bullmq';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { errorResponses } from '../schemas.js';
import { typedRoutes } from '../typed-routes.js';

export const QUEUE_BOARD_PREFIX = '/admin/queues';

export async function queueBoardRoutes(server: FastifyInstance, { queues }: { queues: Queue[] }): Promise<void> {
  const app = typedRoutes(server);
  // The documented entry: the board's own routes (page, assets, JSON API) are hidden from OpenAPI.
  app.get(
    '/admin/queue-board',
    {
      config: { permission: 'queues:admin' },
      schema: {
        tags: ['operations'],
        operationId: 'openQueueBoard',
        summary: 'The queue board for operators (HTML, bull-board); redirects to its page',
        response: { 302: { type: 'null', description: 'to the board page' }, ...errorResponses(401, 403) },
      },
    },
    async (_request, reply) => reply.redirect(`${QUEUE_BOARD_PREFIX}/`, 302),
  );
  const serverAdapter = new FastifyAdapter();
  // @bull-board/fastify pins its own copy of @bull-board/api: same shape, distinct private types.
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q)), serverAdapter: serverAdapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'] });
  serverAdapter.setBasePath(QUEUE_BOARD_PREFIX);
  await app.register(async (board) => {
    const errorHandler = board.errorHandler;
    // Every route the board adds (page, assets, its JSON API) is for admins only, and refuses
    // in the one error shape (the board sets its own handler inside its plugin).
    board.addHook('onRoute', (route) => {
      route.config = { ...route.config, permission: 'queues:admin' };
      route.errorHandler = errorHandler;
    });
    await board.register(serverAdapter.registerPlugin() as never, { prefix: QUEUE_BOARD_PREFIX });
  });
}
