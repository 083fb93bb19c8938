import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { DossierQueries, UnitScope } from '../../dossiers/dossier-queries.js';
import type { DossierService } from '../../dossiers/dossier-service.js';
import { feesBodySchema, resultBodySchema } from '../../dossiers/index-data.js';
import { actorOf } from '../actor.js';
import { errorResponses, idParam } from '../schemas.js';
import { typedRoutes } from '../typed-routes.js';

interface Deps {
  dossiers: DossierService;
  dossierQueries: DossierQueries;
  scopeOf: (request: FastifyRequest) => Promise<UnitScope>;
}

const viewSchema = { type: 'object', additionalProperties: true } as const;

/** What the national index scores, recorded on a dossier: fee lines and the result (docs/service-index.md). */
export async function indexDataRoutes(server: FastifyInstance, { dossiers, dossierQueries, scopeOf }: Deps): Promise<void> {
  const app = typedRoutes(server);
  app.post(
    '/v1/dossiers/:id/fees',
    {
      config: { permission: 'cases:advance' },
      schema: {
        tags: ['dossiers'],
        summary: 'Record fee lines (lệ phí): amount, paid, paid online through which channel, receipt number; a numbered line replaces an unpaid one',
        params: idParam('id'),
        body: feesBodySchema,
        response: { 200: viewSchema, ...errorResponses(404, 409, 422) },
      },
    },
    async (request) => {
      // Out of scope reads as absent, as for every dossier route.
      await dossierQueries.get(request.params.id, await scopeOf(request));
      const { lines, actor } = request.body;
      await dossiers.recordFees(request.params.id, lines, actorOf(request, actor));
      request.log.info({ caseId: request.params.id, lines: lines.length }, 'fee lines recorded');
      return dossierQueries.view(request.params.id);
    },
  );

  app.post(
    '/v1/dossiers/:id/result',
    {
      config: { permission: 'cases:advance' },
      schema: {
        tags: ['dossiers'],
        summary: 'Record the result paper: its code, the e-result file link, digitally signed or not (while processing, finished or returned)',
        params: idParam('id'),
        body: resultBodySchema,
        response: { 200: viewSchema, ...errorResponses(404, 409, 422) },
      },
    },
    async (request) => {
      await dossierQueries.get(request.params.id, await scopeOf(request));
      const { actor, ...input } = request.body;
      await dossiers.recordResult(request.params.id, input, actorOf(request, actor));
      return dossierQueries.view(request.params.id);
    },
  );
}
