import type { FastifyInstance } from 'fastify';
import type { ProcedureService } from '../../cases/procedure-service.js';
import { actorOf } from '../actor.js';
import { errorResponses, idParam, ref } from '../schemas.js';
import { DomainError } from '../../domain/errors.js';
import { typedRoutes } from '../typed-routes.js';

/** Shorter bodies may be one line legitimately (tests, generated files). */
const ONE_LINE_MAX = 512;

/**
 * `curl -d @file.bpmn` sends the form content type and strips every line break, which
 * changes texts and conditions: such a body cannot be the file the analyst saved. A body
 * sent with `--data-binary` keeps its line breaks and is read as XML whatever the type says.
 */
export function mangledFormBody(contentType: string | undefined, body: unknown): DomainError | null {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded' || typeof body !== 'string') return null;
  const urlEncoded = /^\s*(%3C|[A-Za-z_]+=%3C)/i.test(body);
  const flattened = body.length > ONE_LINE_MAX && !body.includes('\n') && !body.includes('\r');
  if (!urlEncoded && !flattened) return null;
  return new DomainError(
    'FORM_ENCODED_BODY',
    (urlEncoded ? 'the body is URL-encoded form data, not the diagram file' : 'the body has lost its line breaks (curl -d strips them)') +
      `: send the file unchanged with curl --data-binary @file.bpmn -H 'Content-Type: application/xml' / ` +
      `nội dung gửi lên đã bị biến đổi; hãy dùng curl --data-binary @tep.bpmn -H 'Content-Type: application/xml'`,
    415,
    { hint: "curl --data-binary @file.bpmn -H 'Content-Type: application/xml'" },
  );
}

export async function procedureRoutes(server: FastifyInstance, opts: { procedures: ProcedureService }): Promise<void> {
  const app = typedRoutes(server);
  const { procedures } = opts;

  app.post(
    '/v1/procedures',
    {
      config: { permission: 'procedures:publish' },
      schema: {
        tags: ['procedures'],
        summary: 'Publish a BPMN 2.0 diagram as a new version of the procedure (key = process id)',
        description:
          'The body is the BPMN XML (application/xml), or JSON `{xml, schema}` to publish the JSON Schema of the dossier data with the version.',
        consumes: ['application/xml', 'text/xml', 'application/json', 'text/plain'],
        body: {
          anyOf: [
            { type: 'string', description: 'BPMN 2.0 XML' },
            {
              type: 'object',
              required: ['xml'],
              additionalProperties: false,
              properties: { xml: { type: 'string', minLength: 1 }, schema: { type: 'object' } },
            },
          ],
        },
        response: {
          200: { description: 'an equal diagram (same model, whatever the whitespace or attribute order) was already published', allOf: [ref('ProcedureVersion')] },
          201: { description: 'a new version', allOf: [ref('ProcedureVersion')] },
          ...errorResponses(413, 415, 422, 503),
        },
      },
    },
    async (request, reply) => {
      const mangled = mangledFormBody(request.headers['content-type'], request.body);
      if (mangled) throw mangled;
      const { xml, schema } = typeof request.body === 'string' ? { xml: request.body, schema: undefined } : request.body;
      const { procedure, created } = await procedures.publish(xml, actorOf(request), schema ?? null);
      request.log.info({ key: procedure.key, version: procedure.version, created }, 'procedure published');
      return reply.status(created ? 201 : 200).send(procedure);
    },
  );

  app.get(
    '/v1/procedures',
    {
      config: { permission: 'procedures:read' },
      schema: {
        tags: ['procedures'],
        summary: 'List procedures with their latest version',
        response: {
          200: {
            type: 'object',
            properties: {
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    key: { type: 'string' },
                    name: { type: 'string' },
                    latestVersion: { type: 'integer' },
                    versions: { type: 'integer' },
                  },
                },
              },
            },
          },
          ...errorResponses(),
        },
      },
    },
    async () => ({ items: await procedures.list() }),
  );

  app.get(
    '/v1/procedures/:key',
    {
      config: { permission: 'procedures:read' },
      schema: {
        tags: ['procedures'],
        summary: 'All versions of a procedure',
        params: idParam('key'),
        response: {
          200: { type: 'object', properties: { key: { type: 'string' }, versions: { type: 'array', items: ref('ProcedureVersion') } } },
          ...errorResponses(404),
        },
      },
    },
    async (request) => ({ key: request.params.key, versions: await procedures.versions(request.params.key) }),
  );

  app.get(
    '/v1/procedures/:key/versions/:version/xml',
    {
      config: { permission: 'procedures:read' },
      schema: {
        tags: ['procedures'],
        summary: 'The BPMN XML of one version',
        produces: ['application/xml'],
        params: {
          type: 'object',
          required: ['key', 'version'],
          properties: { key: { type: 'string', minLength: 1, maxLength: 200 }, version: { type: 'integer', minimum: 1 } },
        },
        response: { 200: { type: 'string' }, ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      const xml = await procedures.xml(request.params.key, request.params.version);
      return reply.type('application/xml; charset=utf-8').send(xml);
    },
  );
}
