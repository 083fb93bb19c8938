import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireInScope } from '../../domain/unit-scope.js';
import QRCode from 'qrcode';
import type { DossierQueries, UnitScope } from '../../dossiers/dossier-queries.js';
import { DomainError } from '../../domain/errors.js';
import { findForm, issuedForms, renderForm } from '../../forms/catalog.js';
import { dossierRegister } from '../../forms/register.js';
import { renderHtml } from '../../forms/html.js';
import type { FormDoc } from '../../forms/model.js';
import { renderPdfInPool } from '../../forms/pdf-pool.js';
import { verificationOf } from '../../public/lookup.js';
import { errorResponses, idParam } from '../schemas.js';
import { typedRoutes } from '../typed-routes.js';

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

type Format = 'html' | 'pdf';
const formatQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { format: { enum: ['html', 'pdf'], description: 'pdf: the same document as PDF (A4); also chosen by Accept: application/pdf' } },
} as const;

/** `?format=pdf`, or an Accept header that asks for PDF and not HTML first. */
function wantsPdf(request: FastifyRequest, format: Format | undefined): boolean {
  if (format) return format === 'pdf';
  const accept = request.headers.accept ?? '';
  return /application\/pdf/i.test(accept) && !/text\/html/i.test(accept.split(/application\/pdf/i)[0] ?? '');
}

/** The form as HTML or, when asked, as PDF (inline, named after the dossier). */
async function sendForm(request: FastifyRequest, reply: FastifyReply, doc: FormDoc, format: Format | undefined, fileName: string) {
  if (!wantsPdf(request, format)) return sendHtml(reply, renderHtml(doc));
  const pdf = await renderPdfInPool(doc);
  return reply.type('application/pdf').header('content-disposition', `inline; filename="${fileName.replace(/[^A-Za-z0-9._-]/g, '_')}.pdf"`).send(pdf);
}

/** The 200 answer: HTML, or the PDF bytes. */
const formResponse = {
  description: 'The form as printable HTML (text/html) or PDF (application/pdf)',
  content: { 'text/html': { schema: { type: 'string' } }, 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
} as const;

/** Circular 03/2025 forms 01–05 of a dossier and the unit's register (Form 07), docs/forms.md. */
export async function formRoutes(server: FastifyInstance, deps: Deps): Promise<void> {
  const app = typedRoutes(server);
  const names = async (ids: Iterable<string>) => {
    const map = new Map<string, string>();
    for (const id of new Set(ids)) map.set(id, (await deps.unitName(id)) ?? id);
    return (id: string) => map.get(id) ?? id;
  };

  app.get(
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

  app.get(
    '/v1/dossiers/:id/forms/:form',
    {
      config: { permission: 'cases:read' },
      schema: {
        tags: ['dossiers'],
        summary: 'One issued form as printable HTML (A4) or, with ?format=pdf / Accept: application/pdf, as PDF; `02` is the last supplement request, `02-1` the first',
        params: { type: 'object', required: ['id', 'form'], properties: { id: { type: 'string', minLength: 1, maxLength: 200 }, form: { type: 'string', pattern: '^0[1-5](-[0-9]{1,3})?$' } } },
        querystring: formatQuery,
        response: { 200: formResponse, ...errorResponses(404) },
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
      const rendered = renderForm(form, { doc, unitName, lookupUrl, verification, qrDataUrl });
      return sendForm(request, reply, rendered, request.query.format, `${d.code}-mau-${form.id}`);
    },
  );

  app.get(
    '/v1/units/:id/dossier-register',
    {
      config: { permission: 'cases:read' },
      schema: {
        tags: ['dossiers'],
        summary: 'Form 07 (sổ theo dõi hồ sơ): dossiers the unit received in [from, to), printable HTML or PDF (?format=pdf)',
        params: idParam('id'),
        querystring: {
          type: 'object',
          required: ['from', 'to'],
          additionalProperties: false,
          properties: { from: { type: 'string', format: 'date-time' }, to: { type: 'string', format: 'date-time' }, ...formatQuery.properties },
        },
        response: { 200: formResponse, ...errorResponses(403, 422) },
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
      const register = dossierRegister((await deps.unitName(request.params.id)) ?? request.params.id, from, to, rows);
      return sendForm(request, reply, register, request.query.format, `so-theo-doi-${request.params.id}`);
    },
  );
}
