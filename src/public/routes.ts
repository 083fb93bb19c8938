import type { FastifyInstance, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { DomainError } from '../domain/errors.js';
import type { DossierQueries } from '../dossiers/dossier-queries.js';
import { dossierView } from '../dossiers/views.js';
import { errorResponses } from '../http/schemas.js';
import { publicView, verificationMatches, type PublicDossier } from './lookup.js';
import { lookupPage } from './page.js';
import { typedRoutes } from '../http/typed-routes.js';

export interface PublicLookupDeps {
  dossierQueries: DossierQueries;
  unitName: (id: string | null) => Promise<string | null>;
  /** Lookups per address and window (default 30 a minute). */
  max?: number;
  windowMs?: number;
}

const CODE = { type: 'string', minLength: 1, maxLength: 60, pattern: '^[A-Za-z0-9.\\-]+$' } as const;
const VERIFICATION = { type: 'string', minLength: 4, maxLength: 12, pattern: '^[A-Za-z0-9]+$' } as const;

/** Per address, whatever the caller sends as a key: the lookup is anonymous. */
const byAddress = (request: FastifyRequest) => `public:${request.ip}`;

const notFound = () =>
  new DomainError('DOSSIER_NOT_FOUND', 'no dossier matches this code and verification value / không tìm thấy hồ sơ với mã và mã xác thực đã nhập', 404);

/**
 * Citizens' lookup without a key (docs/forms.md): code + the verification value printed on
 * the receipt slip; any mismatch is the same 404 as an unknown code. Rate-limited per address.
 */
export async function publicRoutes(server: FastifyInstance, deps: PublicLookupDeps): Promise<void> {
  const app = typedRoutes(server);
  // Its own limiter when the global one is off; when it is on, these routes get their own budget.
  if (!app.hasDecorator('rateLimit')) await app.register(rateLimit, {
    global: false,
    keyGenerator: byAddress,
    errorResponseBuilder: (_request, context) =>
      new DomainError('RATE_LIMITED', `too many lookups; retry in ${context.after} / tra cứu quá nhiều lần, vui lòng thử lại sau ${context.after}`, 429),
  });
  const limit = { rateLimit: { max: deps.max ?? 30, timeWindow: deps.windowMs ?? 60_000, keyGenerator: byAddress }, public: true };

  async function find(code: string, verification: string): Promise<PublicDossier | null> {
    const { items } = await deps.dossierQueries.list({ code, limit: 1 }, { all: true });
    const hit = items[0];
    if (!hit || !verificationMatches(hit.id, hit.code, verification)) return null;
    const doc = await deps.dossierQueries.get(hit.id);
    const unit = (await deps.unitName(hit.receivingUnitId)) ?? hit.receivingUnitId;
    return publicView(dossierView(doc), doc.dossier?.procedureName ?? '', unit);
  }

  app.get(
    '/v1/public/dossiers/:code',
    {
      config: limit,
      schema: {
        tags: ['public'],
        summary: 'Public dossier lookup (tra cứu hồ sơ): status, dates, receiving unit; code + verification value, no key',
        params: { type: 'object', required: ['code'], properties: { code: CODE } },
        querystring: { type: 'object', required: ['v'], additionalProperties: false, properties: { v: VERIFICATION } },
        response: { 200: { type: 'object', additionalProperties: true }, ...errorResponses(400, 404, 429) },
      },
    },
    async (request) => {
      const found = await find(request.params.code, request.query.v);
      if (!found) throw notFound();
      return found;
    },
  );

  app.get(
    '/tra-cuu',
    {
      config: limit,
      schema: {
        hide: true,
        querystring: { type: 'object', additionalProperties: false, properties: { code: CODE, v: VERIFICATION } },
      },
    },
    async (request, reply) => {
      const { code, v } = request.query;
      const found = code && v ? await find(code, v) : null;
      // A code without its verification value just asks for it (the QR code carries both).
      const status = code && v && !found ? 404 : 200;
      return reply
        .status(status)
        .type('text/html; charset=utf-8')
        .serializer((payload: unknown) => String(payload))
        .send(lookupPage({ code, verification: v }, found));
    },
  );
}
