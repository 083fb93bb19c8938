import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireInScope } from '../../domain/unit-scope.js';
import QRCode from 'qrcode';
import type { DossierQueries, UnitScope } from '../../dossiers/dossier-queries.js';
import { DomainError } from '../../domain/errors.js';
import { findForm, issuedForms, renderForm } from '../../forms/catalog.js';
import { dossierRegister } from '../../forms/register.js';
import { verificationOf } from '../../public/lookup.js';
import { errorResponses, idParam } from '../schemas.js';

interface Deps {
  dossierQueries: DossierQueries;
  scopeOf: (request: FastifyRequest) => Promise<UnitScope>;
  unitName: (id: string | null) => Promise<string | null>;
  /** Base of the public lookup address on the receipt slip; absent: the request's own origin. */
  publicBaseUrl?: string;
}

/** The register reads at most this many dossiers per call (one unit, one period). */
const REGISTER_LIMIT = 1000;

const sendHtml = (reply: FastifyReply, body: string) =>
  reply.type('text/html; charset=utf-8').serializer((payload: unknown) => String(payload)).send(body);

/** Circular 03/2025 forms 01–05 of a dossier and the unit's register (Form 07), docs/forms.md. */
export async function formRoutes(app: FastifyInstance, deps: Deps): Promise<void> {
  const names = async (ids: Iterable<string>) => {
    const map = new Map<string, string>();
    for (const id of new Set(ids)) map.set(id, (await deps.unitName(id)) ?? id);
    return (id: string) => map.get(id) ?? id;
  };

  app.get<{ Params: { id: string } }>(
    '/v1/dossiers/:id/forms',
    {
      config: { permission: 'cases:read' },
      schema: {
        tags: ['dossiers'],
        summary: 'Forms of Circular 03/2025 issued for the dossier by its lifecycle steps (01 receipt, 02 supplement, 03 refusal, 04 apology, 05 stop)',
        params: idParam('id'),
        response: { 200: { type: 'object', additionalProperties: true }, ...errorResponses(404) },
      },
    },
    async (request) => {
      const doc = await deps.dossierQueries.get(request.params.id, await deps.scopeOf(request));
      const items = issuedForms(doc).map((f) => ({ ...f, href: `/v1/dossiers/${doc._id}/forms/${f.id}` }));
      return { dossierId: doc._id, code: doc.dossier?.code, items };
    },
  );

  app.get<{ Params: { id: string; form: string } }>(
    '/v1/dossiers/:id/forms/:form',
    {
      config: { permission: 'cases:read' },
      schema: {
        tags: ['dossiers'],
        summary: 'One issued form as printable HTML (A4); `02` is the last supplement request, `02-1` the first',
        params: { type: 'object', required: ['id', 'form'], properties: { id: { type: 'string', minLength: 1, maxLength: 200 }, form: { type: 'string', pattern: '^0[1-5](-[0-9]{1,3})?$' } } },
        response: { 200: { type: 'string' }, ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      const doc = await deps.dossierQueries.get(request.params.id, await deps.scopeOf(request));
      const d = doc.dossier;
      const form = d ? findForm(doc, request.params.form) : null;
      if (!d || !form) {
        throw new DomainError('FORM_NOT_ISSUED', `form ${request.params.form} was not issued for this dossier / mẫu ${request.params.form} chưa được lập cho hồ sơ này`, 404, {
          form: request.params.form,
        });
      }
      const verification = verificationOf(doc._id, d.code);
      const base = deps.publicBaseUrl ?? `${request.protocol}://${request.host}`;
      const lookupUrl = `${base}/tra-cuu?code=${encodeURIComponent(d.code)}&v=${verification}`;
      const qrDataUrl = form.form === '01' ? await QRCode.toDataURL(lookupUrl, { errorCorrectionLevel: 'M', margin: 1 }) : null;
      const unitName = await names([d.receivingUnitId, d.processingUnitId, d.currentUnitId]);
      return sendHtml(reply, renderForm(form, { doc, unitName, lookupUrl, verification, qrDataUrl }));
    },
  );

  app.get<{ Params: { id: string }; Querystring: { from: string; to: string } }>(
    '/v1/units/:id/dossier-register',
    {
      config: { permission: 'cases:read' },
      schema: {
        tags: ['dossiers'],
        summary: 'Form 07 (sổ theo dõi hồ sơ): dossiers the unit received in [from, to), printable HTML',
        params: idParam('id'),
        querystring: {
          type: 'object',
          required: ['from', 'to'],
          additionalProperties: false,
          properties: { from: { type: 'string', format: 'date-time' }, to: { type: 'string', format: 'date-time' } },
        },
        response: { 200: { type: 'string' }, ...errorResponses(403, 422) },
      },
    },
    async (request, reply) => {
      const { from, to } = request.query;
      if (Date.parse(from) >= Date.parse(to)) {
        throw new DomainError('INVALID_PERIOD', "'from' must be before 'to' / ngày bắt đầu phải trước ngày kết thúc", 422, { from, to });
      }
      const scope = await deps.scopeOf(request);
      requireInScope(scope, request.params.id, 'unitId');
      const { items } = await deps.dossierQueries.list({ unitId: request.params.id, limit: REGISTER_LIMIT }, scope);
      const [f, t] = [Date.parse(from), Date.parse(to)];
      const rows = items
        .filter((d) => d.receivingUnitId === request.params.id && d.receivedAt && Date.parse(d.receivedAt) >= f && Date.parse(d.receivedAt) < t)
        .sort((a, b) => (a.receivedAt ?? '').localeCompare(b.receivedAt ?? ''));
      return sendHtml(reply, dossierRegister((await deps.unitName(request.params.id)) ?? request.params.id, from, to, rows));
    },
  );
}
